"""Named palettes (light, dark, high contrast) and WCAG contrast ratios.

The app itself follows the desktop's palette; these named ones let the tests, the
screenshots and the figures bench render the same screens the way users with those
desktop settings see them. Every colour the window paints comes from a palette role, so a
pair that fails WCAG AA here fails on the desktop too.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

Role = QPalette.ColorRole  # the one short name for it, in every ui/ file
PALETTE_NAMES = ("light", "dark", "high-contrast")

_ROLES: dict[str, dict[QPalette.ColorRole, str]] = {
    "light": {
        Role.Window: "#f4f4f2", Role.WindowText: "#1f1f1f", Role.Base: "#ffffff",
        Role.AlternateBase: "#eef0f2", Role.Text: "#1f1f1f", Role.Button: "#e8e8e6",
        Role.ButtonText: "#1f1f1f", Role.Highlight: "#0b57d0", Role.HighlightedText: "#ffffff",
        Role.ToolTipBase: "#ffffdc", Role.ToolTipText: "#1f1f1f", Role.Link: "#0b57d0",
        Role.PlaceholderText: "#5f6368", Role.Mid: "#6b6b6b", Role.Dark: "#4a4a4a",
        Role.Light: "#ffffff", Role.Midlight: "#f0f0f0", Role.Shadow: "#767676",
        Role.BrightText: "#ffffff",
    },
    "dark": {
        Role.Window: "#202124", Role.WindowText: "#f1f3f4", Role.Base: "#171717",
        Role.AlternateBase: "#2a2a2a", Role.Text: "#f1f3f4", Role.Button: "#303134",
        Role.ButtonText: "#f1f3f4", Role.Highlight: "#8ab4f8", Role.HighlightedText: "#202124",
        Role.ToolTipBase: "#303134", Role.ToolTipText: "#f1f3f4", Role.Link: "#8ab4f8",
        Role.PlaceholderText: "#bdc1c6", Role.Mid: "#9aa0a6", Role.Dark: "#111111",
        Role.Light: "#5f6368", Role.Midlight: "#3c4043", Role.Shadow: "#000000",
        Role.BrightText: "#ffffff",
    },
    "high-contrast": {
        Role.Window: "#000000", Role.WindowText: "#ffffff", Role.Base: "#000000",
        Role.AlternateBase: "#1a1a1a", Role.Text: "#ffffff", Role.Button: "#000000",
        Role.ButtonText: "#ffffff", Role.Highlight: "#ffff00", Role.HighlightedText: "#000000",
        Role.ToolTipBase: "#000000", Role.ToolTipText: "#ffffff", Role.Link: "#00ffff",
        Role.PlaceholderText: "#ffffff", Role.Mid: "#ffffff", Role.Dark: "#ffffff",
        Role.Light: "#ffffff", Role.Midlight: "#ffffff", Role.Shadow: "#ffffff",
        Role.BrightText: "#ffffff",
    },
}
_DISABLED = {"light": "#6b6b6b", "dark": "#9aa0a6", "high-contrast": "#c0c0c0"}


def named_palette(name: str) -> QPalette:
    """``light``, ``dark`` or ``high-contrast``: every role the window reads is set."""
    palette = QPalette()
    for role, colour in _ROLES[name].items():
        palette.setColor(role, QColor(colour))
    for role in (Role.ButtonText, Role.WindowText, Role.Text):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DISABLED[name]))
    return palette


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, 1 … 21."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)



def readable_on(background: QColor, *candidates: QColor, need: float = 4.5) -> QColor:
    """The first candidate that reaches ``need`` against ``background``, else the best one."""
    best = max(candidates, key=lambda c: contrast(c, background))
    return next((c for c in candidates if contrast(c, background) >= need), best)


def strong(colour: QColor, background: QColor, text: QColor, need: float = 3.0) -> QColor:
    """``colour``, moved toward ``text`` until it reaches ``need`` against the background."""
    share = 0.0
    out = QColor(colour)
    while contrast(out, background) < need and share < 1.0:
        share = min(1.0, share + 0.1)
        out = blend(text, colour, share)
    return out


def blend(colour: QColor, under: QColor, share: float) -> QColor:
    """``colour`` laid over ``under`` at ``share`` opacity, as one opaque colour."""
    return QColor.fromRgbF(share * colour.redF() + (1 - share) * under.redF(),
                           share * colour.greenF() + (1 - share) * under.greenF(),
                           share * colour.blueF() + (1 - share) * under.blueF())


_system_palette: QPalette | None = None


def apply_theme(app: QGuiApplication, name: str) -> None:
    """The window's colours: ``system`` (the desktop's palette, as the app found it) or
    one of :data:`PALETTE_NAMES`. Every open window follows at once."""
    global _system_palette
    if _system_palette is None:
        _system_palette = QPalette(app.palette())
    palette = named_palette(name) if name in _ROLES else _system_palette
    if app.palette() != palette:
        app.setPalette(palette)
