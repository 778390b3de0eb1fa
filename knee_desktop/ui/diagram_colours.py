"""Colours for the leg diagram, from the widget's palette (light or dark).

The accent is chosen for contrast (≥ 4.5:1 on the background); nothing in the diagram is
told by colour alone: every state also has words, a shape or a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette


@dataclass(frozen=True)
class DiagramColours:
    background: QColor
    text: QColor
    accent: QColor  # the working foot, the working leg
    faint: QColor  # guide path, the resting leg, the ring's track
    ring: QColor  # the countdown ring
    trail_old: QColor  # the toes' recent path, older half (opaque: no alpha blending)
    trail_new: QColor  # and newer half

    @property
    def dark(self) -> bool:
        return self.background.lightness() < 128


def colours_for(palette: QPalette) -> DiagramColours:
    background = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    if background.lightness() < 128:
        accent = QColor("#8ab4f8")
        ring = QColor("#fdd663")
    else:
        accent = QColor("#0b57d0")
        ring = QColor("#7a2e00")
    faint = QColor(text)
    faint.setAlphaF(0.28)
    return DiagramColours(background, text, accent, faint, ring,
                          blend(accent, background, 0.2), blend(accent, background, 0.5))


def blend(colour: QColor, under: QColor, share: float) -> QColor:
    """``colour`` laid over ``under`` at ``share`` opacity, as one opaque colour."""
    return QColor.fromRgbF(share * colour.redF() + (1 - share) * under.redF(),
                           share * colour.greenF() + (1 - share) * under.greenF(),
                           share * colour.blueF() + (1 - share) * under.blueF())
