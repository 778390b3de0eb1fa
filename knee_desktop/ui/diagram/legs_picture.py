"""The legs picture: the working foot and lower leg seen along the leg, toes up (the big
view, :mod:`knee_desktop.ui.diagram.end_view`), and a small view of the whole person
from above to say which leg and which way the big view looks.

What stays (bed, resting foot, the sweep's extremes to scale, the guide arc or circle and
its arrows, the small view, the side words) is painted once into the diagram's static
layer; a frame paints only the working foot, its round end and the toes' trail, by
changing the painter's transform over shapes built once.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPolygonF, QTransform

from knee_desktop.plan.pose import SWEEP_DEGREES, Pose, movement_path
from knee_desktop.routine.model import Leg
from knee_desktop.ui.diagram.art import Figure
from knee_desktop.ui.diagram.colours import DiagramColours
from knee_desktop.ui.diagram.end_view import (
    BED,
    GUIDE,
    EndView,
    foot_details,
    foot_outline,
    section,
    shin_mark,
    sweep_extremes,
)

Text = Callable[[QPainter, QRectF, int, str, float, bool], None]
"""``text(painter, rect, flags, words, pixel_size, bold)``: fitted, never cut."""


def _pen(colour: QColor, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(colour, width, style, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    pen.setCosmetic(True)  # the width in pixels, whatever the painter's transform
    return pen


def line_width(view: EndView) -> float:
    return max(2.0, 0.012 * view.length)


def paint_end_still(p: QPainter, view: EndView, pose: Pose, c: DiagramColours,
                    text: Text) -> None:
    """The bed, the resting foot, the sweep's extremes and the guide: what a frame keeps."""
    w = line_width(view)
    left, right = view.at(-3.0, BED), view.at(3.0, BED)
    p.setPen(_pen(c.faint, w))
    p.drawLine(QPointF(view.box.left(), left.y()), QPointF(view.box.right(), right.y()))
    other: Leg = "right" if view.leg == "left" else "left"
    rest_leg = pose.leg is None
    for leg, about in ((other, view.other()), (view.leg, 0.0)):
        if leg == view.leg and not rest_leg:
            continue  # the working foot moves: painted per frame
        _foot(p, view, leg, view.unit(about), view.unit(about), c.rest, c, w)
    movement = pose.movement
    if pose.leg is None or movement is None or pose.kind not in ("move", "instruction"):
        return
    if movement.startswith("sweep"):
        _sweep_guide(p, view, movement, c, w, text)
    else:
        _circle_guide(p, view, movement, c, w)


def _foot(p: QPainter, view: EndView, leg: Leg, foot: QTransform, end: QTransform,
          fill: QColor, c: DiagramColours, w: float) -> None:
    """One foot with its lower leg's round end over its heel.

    The shapes are moved into place (``QTransform.map``) and drawn untransformed: Qt's
    raster engine fills a path under a rotating painter transform ~3× slower (0.43 against
    0.15 ms a frame for the foot at the default size), and this is every frame's work."""
    p.setPen(_pen(c.text, w))
    p.setBrush(QBrush(fill))
    p.drawPath(foot.map(foot_outline(leg)))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(foot.map(foot_details(leg)))
    p.setBrush(QBrush(fill))
    p.drawPath(end.map(section()))
    p.drawPath(end.map(shin_mark()))


def _sweep_guide(p: QPainter, view: EndView, movement: str, c: DiagramColours, w: float,
                 text: Text) -> None:
    """The foot at the extremes (dashed, to scale), the angle and the arc with arrows."""
    extremes = sweep_extremes(movement)
    for degrees in extremes:
        a = math.radians(degrees)
        toe = (math.sin(a), math.cos(a))
        p.setPen(_pen(c.faint, w, Qt.PenStyle.DashLine))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(view.foot(toe).map(foot_outline(view.leg)))
        # the angle from upright, on a thin line from the pivot
        p.setPen(_pen(c.faint, max(1.5, w * 0.6)))
        p.drawLine(view.at(0, 0), view.at(1.05 * toe[0], 1.05 * toe[1]))
        # the angle's words outside the arc, beyond its arrow: the foot never covers them
        box_w, box_h = 0.42 * view.length, 0.16 * view.length
        centre = view.at((GUIDE + 0.2) * toe[0], (GUIDE + 0.1) * toe[1])
        box = QRectF(centre.x() - box_w / 2, centre.y() - box_h / 2, box_w, box_h)
        text(p, box, int(Qt.AlignmentFlag.AlignCenter), f"{abs(degrees):.0f}°",
             0.1 * view.length, True)
    p.setPen(_pen(c.faint, max(1.5, w * 0.6)))
    p.drawLine(view.at(0, 0), view.at(0, 1.05))
    lo = min((*extremes, 0.0))
    hi = max((*extremes, 0.0))
    steps = 24
    arc = [view.at(GUIDE * math.sin(math.radians(lo + (hi - lo) * k / steps)),
                   GUIDE * math.cos(math.radians(lo + (hi - lo) * k / steps)))
           for k in range(steps + 1)]
    p.setPen(_pen(c.accent, max(2.5, w * 1.4)))
    p.drawPolyline(QPolygonF(arc))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(c.accent))
    size = 0.13 * view.length
    if lo < 0:
        _arrow(p, arc[1], arc[0], size)
    if hi > 0:
        _arrow(p, arc[-2], arc[-1], size)


def _circle_guide(p: QPainter, view: EndView, movement: str, c: DiagramColours,
                  w: float) -> None:
    """The toes' circle (dashed) with two arrows along it, in the movement's direction."""
    points = [view.at(x, y) for x, y in movement_path(movement)]  # type: ignore[arg-type]
    p.setPen(_pen(c.accent, max(2.5, w * 1.4), Qt.PenStyle.DashLine))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline(QPolygonF(points))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(c.accent))
    k = len(points) // 8
    for i in (k + 2, 5 * k + 2):
        _arrow(p, points[i - 2], points[i], 0.13 * view.length)


def paint_end_moving(p: QPainter, view: EndView, pose: Pose, c: DiagramColours) -> None:
    """The working foot where the pose says, its trail, and the round end of its leg:
    turned with the foot in a sweep (the whole leg turns), upright in a circle."""
    if pose.leg is None:
        return
    w = line_width(view)
    if pose.trail:
        points = [view.at(*pt) for pt in (*pose.trail, pose.toe)]
        half = len(points) // 2
        for part, colour in ((points[: half + 1], c.trail_old), (points[half:], c.trail_new)):
            if len(part) >= 2:
                p.setPen(_pen(colour, max(3.0, w * 2.2)))
                p.drawPolyline(QPolygonF(part))
    sweep = pose.movement is not None and pose.movement.startswith("sweep")
    turn = pose.tilt if sweep else 0.0
    _foot(p, view, view.leg, view.foot(pose.toe), view.leg_turn(turn), c.accent, c, w * 1.3)
    p.setPen(_pen(c.text, w))
    p.setBrush(QBrush(c.background))
    pivot = view.at(0, 0)
    p.drawEllipse(pivot, 0.035 * view.length, 0.035 * view.length)


def paint_still_ring(p: QPainter, view: EndView, fraction: float, c: DiagramColours) -> None:
    """A still pause or rest: a ring around the upright foot, shrinking as time passes."""
    r = 0.74 * view.length
    centre = view.at(0, 0.44)
    box = QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r)
    width = max(4.0, 0.05 * view.length)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(_pen(c.faint, width * 0.4))
    p.drawEllipse(box)
    p.setPen(_pen(c.ring, width))
    p.drawArc(box, 90 * 16, round(fraction * 360 * 16))


def ring_bounds(view: EndView) -> QRectF:
    r = 0.74 * view.length + 0.05 * view.length
    centre = view.at(0, 0.44)
    return QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r).adjusted(-3, -3, 3, 3)


def paint_orientation(p: QPainter, box: QRectF, leg: Leg | None, c: DiagramColours,
                      text: Text) -> None:
    """The small view: the whole person lying down, head at the bottom and feet at the
    top, as they see themself (their left on the left), the working leg filled."""
    words = QRectF(box.left(), box.bottom() - 0.16 * box.height(), box.width(),
                   0.16 * box.height())
    text(p, words, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                       | Qt.TextFlag.TextWordWrap), "you, lying down",
         min(0.06 * box.height(), 0.09 * box.width()), False)
    figure = Figure(QRectF(box.left(), box.top(), box.width(), words.top() - box.top()))
    pen = _pen(c.text, figure.line)
    p.setPen(pen)
    p.setBrush(QBrush(c.rest))
    p.drawPath(figure.body())
    for side in ("left", "right"):
        p.setBrush(QBrush(c.accent if side == leg else c.rest))
        p.drawPath(figure.leg(side).united(figure.foot_shape(side, (0.0, 1.0))))


def _arrow(p: QPainter, before: QPointF, tip: QPointF, size: float) -> None:
    angle = math.atan2(tip.y() - before.y(), tip.x() - before.x())
    path = QPainterPath(tip)
    path.lineTo(tip.x() - size * math.cos(angle - 0.45), tip.y() - size * math.sin(angle - 0.45))
    path.lineTo(tip.x() - size * math.cos(angle + 0.45), tip.y() - size * math.sin(angle + 0.45))
    path.closeSubpath()
    p.drawPath(path)


__all__ = ["SWEEP_DEGREES", "paint_end_moving", "paint_end_still", "paint_orientation",
           "paint_still_ring", "ring_bounds"]
