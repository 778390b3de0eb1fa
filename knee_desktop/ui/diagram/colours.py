"""Colours for the diagram, all from the widget's palette (light, dark, high contrast).

Every line and filled shape reaches WCAG's 3:1 against the background, text 4.5:1
(:func:`colours_for` checks and strengthens them); nothing is told by colour alone: every
state also has words, a shape or a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

from knee_desktop.ui.theme import Role, blend, strong


@dataclass(frozen=True)
class DiagramColours:
    background: QColor
    text: QColor  # words and outlines
    accent: QColor  # the working leg and foot, the lit press point
    faint: QColor  # guide path, ring track (a line: ≥ 3:1)
    ring: QColor  # the countdown ring
    trail_old: QColor  # the toes' recent path, older half (opaque: no alpha blending)
    trail_new: QColor  # and newer half
    rest: QColor  # the resting leg's and the body's fill (outlined in ``text``)

    @property
    def dark(self) -> bool:
        return self.background.lightness() < 128


def colours_for(palette: QPalette) -> DiagramColours:
    background = palette.color(Role.Base)
    text = palette.color(Role.Text)
    accent = strong(palette.color(Role.Highlight), background, text)
    ring = strong(palette.color(Role.Link), background, text)
    faint = strong(blend(text, background, 0.5), background, text)
    return DiagramColours(background, text, accent, faint, ring,
                          strong(blend(accent, background, 0.45), background, text),
                          strong(blend(accent, background, 0.75), background, text),
                          blend(text, background, 0.1))
