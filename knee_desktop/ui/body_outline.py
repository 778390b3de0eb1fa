"""A small body lying on its back, seen as the person sees themself looking down at their
feet (head at the bottom, feet at the top, their left on the left), marking the working leg.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QPainter, QPen

from knee_desktop.routine.model import Leg
from knee_desktop.ui.diagram_colours import DiagramColours


def paint_body(painter: QPainter, box: QRectF, leg: Leg | None, colours: DiagramColours,
               thigh: bool = False) -> None:
    """Paint the outline in ``box``; the working leg is filled and its letter is bold.

    ``thigh`` marks the front of the working thigh instead of the whole leg (massage).
    """
    unit = min(box.width() / 1.0, box.height() / 2.0)
    cx = box.center().x()
    top = box.center().y() - 1.0 * unit
    line = max(1.5, unit * 0.025)
    outline = QPen(colours.text, line)
    painter.save()
    painter.setPen(outline)
    painter.setBrush(Qt.BrushStyle.NoBrush)

    head = QPointF(cx, top + 1.55 * unit)
    painter.drawEllipse(head, 0.12 * unit, 0.12 * unit)
    torso = QRectF(cx - 0.2 * unit, top + 0.8 * unit, 0.4 * unit, 0.62 * unit)
    painter.drawRoundedRect(torso, 0.08 * unit, 0.08 * unit)

    letter_font = QFont(painter.font())
    letter_font.setPixelSize(max(10, int(unit * 0.14)))
    for side in ("left", "right"):
        sign = -1 if side == "left" else 1
        x = cx + sign * 0.1 * unit
        leg_rect = QRectF(x - 0.075 * unit, top + 0.1 * unit, 0.15 * unit, 0.72 * unit)
        working = side == leg
        if working:
            painter.setPen(QPen(colours.text, line * 1.6))
            painter.setBrush(QBrush(colours.accent))
        else:
            painter.setPen(outline)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(leg_rect, 0.06 * unit, 0.06 * unit)
        if working and thigh:
            mark = QRectF(leg_rect.left(), leg_rect.top() + 0.4 * unit, leg_rect.width(),
                          0.3 * unit)
            painter.setBrush(QBrush(colours.ring))
            painter.drawRect(mark)
        # the feet, toes to the ceiling, at the top
        painter.drawEllipse(QPointF(x + sign * 0.02 * unit, top + 0.06 * unit),
                            0.06 * unit, 0.08 * unit)
        letter = "L" if side == "left" else "R"
        f = QFont(letter_font)
        f.setBold(working)
        painter.setFont(f)
        painter.setPen(colours.text)
        label = QRectF(x + sign * 0.16 * unit - 0.12 * unit, top + 0.3 * unit,
                       0.24 * unit, 0.24 * unit)
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, letter)
    if leg:
        caption = QFont(letter_font)
        caption.setPixelSize(max(10, int(min(unit * 0.12, box.width() / 7.5))))
        painter.setFont(caption)
        painter.setPen(colours.text)
        under = QRectF(box.left(), top + 1.72 * unit, box.width(), box.bottom() - top - 1.72 * unit)
        painter.drawText(under, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                         | Qt.TextFlag.TextWordWrap, f"{leg.upper()} leg working")
    painter.restore()
