"""The thigh massage's picture: the front of the working thigh with its press points;
the current one lit with its countdown ring and seconds, the done ones ticked."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPen

from knee_desktop.plan.pose import Pose
from knee_desktop.ui.diagram.art import Thigh
from knee_desktop.ui.diagram.colours import DiagramColours

DEFAULT_POINTS = 6


Text = Callable[[QPainter, QRectF, int, str, float, bool], None]


def paint_thigh(p: QPainter, thigh: Thigh, pose: Pose, c: DiagramColours, text: Text) -> None:
    p.setPen(QPen(c.text, thigh.line * 1.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                  Qt.PenJoinStyle.RoundJoin))
    p.setBrush(QBrush(c.rest))
    p.drawPath(thigh.shin())
    p.drawPath(thigh.shape())
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(thigh.kneecap(), 0.07 * thigh.h, 0.05 * thigh.h)
    left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    text(p, QRectF(thigh.at(0.13, 0.9), thigh.at(0.5, 0.82)), left, "knee", 0.04 * thigh.h,
         False)
    text(p, QRectF(thigh.at(0.22, 0.18), thigh.at(0.6, 0.1)), left, "hip", 0.04 * thigh.h,
         False)
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


def paint_thigh_ring(p: QPainter, centre: QPointF, r: float, pose: Pose, c: DiagramColours,
                     text: Text) -> None:
    """The press's countdown: a ring emptying, the seconds left in it."""
    width = max(4.0, r * 0.16)
    box = QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(c.faint, width * 0.5))
    p.drawEllipse(box)
    if pose.ring is not None:
        p.setPen(QPen(c.ring, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawArc(box, 90 * 16, round(pose.ring * 360 * 16))
    inner = box.adjusted(width, width, -width, -width)
    text(p, inner, int(Qt.AlignmentFlag.AlignCenter), str(pose.seconds_left or ""), r * 0.85,
         True)
    under = QRectF(box.left() - 0.2 * r, box.bottom() + width, 2.4 * r, r * 0.5)
    text(p, under, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), "seconds",
         r * 0.3, False)
