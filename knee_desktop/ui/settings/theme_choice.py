"""Settings → Theme (beside the dialog's buttons): as the system, light, dark or high
contrast.

The choice is applied as soon as it is made, so the person sees it before saving; Save
keeps it (``theme`` in settings.toml, applied again at start-up), Cancel puts the saved
one back.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QHBoxLayout, QLabel

from knee_desktop.prefs.user_settings import Theme
from knee_desktop.ui.theme import apply_theme

CHOICES: tuple[tuple[str, Theme], ...] = (
    ("As the system", "system"),
    ("Light", "light"),
    ("Dark", "dark"),
    ("High contrast", "high-contrast"),
)


class ThemeChoice(QComboBox):
    def __init__(self, dialog: QDialog) -> None:
        super().__init__(dialog)
        self.setObjectName("theme")
        for text, value in CHOICES:
            self.addItem(text, value)
        self.setAccessibleName("Theme")
        self.setToolTip("The window's colours; applied at once, kept when you save")
        self._saved: Theme = "system"
        self.currentIndexChanged.connect(lambda _i: self._apply(self.value()))
        dialog.rejected.connect(lambda: self._apply(self._saved))

    def value(self) -> Theme:
        return cast(Theme, self.currentData() or "system")

    def set_value(self, theme: Theme, saved: bool = False) -> None:
        """Show ``theme``; ``saved``: it is the one in the settings file (Cancel's)."""
        if saved:
            self._saved = theme
        self.setCurrentIndex(max(0, self.findData(theme)))

    @staticmethod
    def _apply(theme: Theme) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)


def theme_row(dialog: QDialog) -> tuple[QHBoxLayout, ThemeChoice]:
    """"Theme: [As the system]", for the row of the dialog's buttons (it applies at once,
    unlike the settings above it, and adds no height to a dialog that must fit 768 px)."""
    choice = ThemeChoice(dialog)
    label = QLabel("&Theme:")
    label.setBuddy(choice)
    row = QHBoxLayout()
    row.addWidget(label)
    row.addWidget(choice)
    return row, choice
