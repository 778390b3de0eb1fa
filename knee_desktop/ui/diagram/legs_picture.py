"""The legs picture: the person lying on their back, seen from above; what stays (body,
resting leg, the working leg's guide path) and what moves (the working leg, its trail)."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QPainter, QPen, QPolygonF

from knee_desktop.plan.pose import Pose, movement_path
from knee_desktop.routine.model import Leg
from knee_desktop.ui.diagram.art import LEG_SWING, Figure
from knee_desktop.ui.diagram.colours import DiagramColours


def leg_angle(pose: Pose) -> float:
    """Degrees the whole working leg turns at the hip: a share of a sweep's tilt."""
    if pose.movement is None or not pose.movement.startswith("sweep"):
        return 0.0
    return LEG_SWING * pose.tilt


def _outline(c: DiagramColours, figure: Figure, strong: bool = False) -> QPen:
    return QPen(c.text, figure.line * (1.6 if strong else 1.0), Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)


def paint_figure_still(p: QPainter, figure: Figure, pose: Pose, c: DiagramColours) -> None:
    """Body, the resting leg(s) and the working leg's guide path: what a frame keeps."""
    p.setPen(_outline(c, figure))
    p.setBrush(QBrush(c.rest))
    p.drawPath(figure.body())
    for side in ("left", "right"):
        if side == pose.leg:
            continue
        p.drawPath(figure.leg(side).united(figure.foot_shape(side, (0.0, 1.0))))
    if pose.leg is None or pose.movement is None:
        return
    leg: Leg = pose.leg
    movement = pose.movement
    scale = 1.0 if movement.startswith("circle") else 1.18
    sweep = movement.startswith("sweep")
    points = [figure.toe(leg, (x * scale, y * scale),
                         LEG_SWING * math.degrees(math.atan2(x, y)) if sweep else 0.0)
              for x, y in movement_path(movement)]
    p.setPen(QPen(c.faint, max(2.0, figure.line * 1.4), Qt.PenStyle.DashLine,
                  Qt.PenCapStyle.RoundCap))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline(QPolygonF(points))
    if sweep:
        _from_the_hip(p, figure, leg, c)
    # arrowheads show the direction, so it is not told by the animation alone
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(c.faint))
    size = figure.foot * 0.3
    if movement.startswith("circle"):
        k = len(points) // 8
        _arrow(p, points[k], points[k + 1], size)
        _arrow(p, points[5 * k], points[5 * k + 1], size)
    else:
        _arrow(p, points[-2], points[-1], size)
        if movement == "sweep-both":
            _arrow(p, points[1], points[0], size)


def _from_the_hip(p: QPainter, figure: Figure, leg: Leg, c: DiagramColours) -> None:
    """A sweep moves the whole leg: say so beside the hip it turns on."""
    hip = figure.hip(leg)
    font = QFont(p.font())
    font.setPixelSize(max(11, round(0.03 * figure.h)))
    p.setFont(font)
    p.setPen(c.text)
    outward = -1 if leg == "left" else 1
    width = 0.3 * figure.h
    box = QRectF(hip.x() + (outward * 0.13 * figure.h) - (width if outward < 0 else 0),
                 hip.y() - 0.03 * figure.h, width, 0.08 * figure.h)
    align = Qt.AlignmentFlag.AlignRight if outward < 0 else Qt.AlignmentFlag.AlignLeft
    p.drawText(box, align | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
               "the whole leg turns at the hip")


def paint_working_leg(p: QPainter, figure: Figure, pose: Pose, c: DiagramColours) -> None:
    assert pose.leg is not None
    leg: Leg = pose.leg
    angle = leg_angle(pose)
    if pose.trail:
        points = [figure.toe(leg, pt, angle) for pt in (*pose.trail, pose.toe)]
        width = max(2.0, figure.line * 2.5)
        half = len(points) // 2
        for part, colour in ((points[: half + 1], c.trail_old), (points[half:], c.trail_new)):
            if len(part) < 2:
                continue
            p.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                          Qt.PenJoinStyle.RoundJoin))
            p.drawPolyline(QPolygonF(part))
    p.setPen(_outline(c, figure, strong=True))
    p.setBrush(QBrush(c.accent))
    p.drawPath(figure.leg(leg, angle).united(figure.foot_shape(leg, pose.toe, angle)))
    if pose.movement is not None and pose.movement.startswith("sweep"):
        p.setPen(QPen(c.text, figure.line))  # the hip the whole leg turns on
        p.setBrush(QBrush(c.background))
        p.drawEllipse(figure.hip(leg), 0.014 * figure.h, 0.014 * figure.h)


def _arrow(p: QPainter, before: QPointF, tip: QPointF, size: float) -> None:
    angle = math.atan2(tip.y() - before.y(), tip.x() - before.x())
    left = QPointF(tip.x() - size * math.cos(angle - 0.45),
                   tip.y() - size * math.sin(angle - 0.45))
    right = QPointF(tip.x() - size * math.cos(angle + 0.45),
                    tip.y() - size * math.sin(angle + 0.45))
    p.drawPolygon(QPolygonF([tip, left, right]))
