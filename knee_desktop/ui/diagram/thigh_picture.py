"""The thigh massage's picture: the front of the working thigh with its press points;
the current one lit with its countdown ring and seconds, the done ones ticked."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QPainter, QPen

from knee_desktop.plan.pose import Pose
from knee_desktop.ui.diagram.art import Thigh
from knee_desktop.ui.diagram.colours import DiagramColours

DEFAULT_POINTS = 6


def paint_thigh(p: QPainter, thigh: Thigh, pose: Pose, c: DiagramColours,
                font: Callable[[float, bool], QFont]) -> None:
    p.setPen(QPen(c.text, thigh.line * 1.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                  Qt.PenJoinStyle.RoundJoin))
    p.setBrush(QBrush(c.rest))
    p.drawPath(thigh.shin())
    p.drawPath(thigh.shape())
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(thigh.kneecap(), 0.07 * thigh.h, 0.05 * thigh.h)
    p.setFont(font(0.04 * thigh.h, False))
    p.drawText(QRectF(thigh.at(0.13, 0.9), thigh.at(0.5, 0.82)),
               Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "knee")
    p.drawText(QRectF(thigh.at(0.22, 0.18), thigh.at(0.6, 0.1)),
               Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "hip")
    total = pose.reps or DEFAULT_POINTS
    current = pose.rep if pose.kind in ("press", "find") else None
    for n in range(1, total + 1):
        centre = thigh.point(n, total)
        r = thigh.spot
        if current is not None and n == current and pose.kind == "press":
            p.setPen(QPen(c.text, thigh.line * 1.6))
            p.setBrush(QBrush(c.accent))
            p.drawEllipse(centre, r * 1.25, r * 1.25)
            halo = r * 2.0  # the lit point's halo; the seconds count down in the big ring
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(c.accent, thigh.line * 2))
            p.drawEllipse(centre, halo, halo)
        elif current is not None and (n < current or (n == current and pose.kind == "find")):
            p.setPen(QPen(c.text, thigh.line))
            p.setBrush(QBrush(c.faint))
            p.drawEllipse(centre, r * 0.8, r * 0.8)
        else:
            pen = QPen(c.text, thigh.line * 1.2)
            if pose.kind == "find" and current is not None and n == current + 1:
                pen = QPen(c.accent, thigh.line * 2, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(centre, r, r)
