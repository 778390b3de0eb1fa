"""The working foot and lower leg seen along the leg, toes up: the geometry of the big picture.

The person lies on their back with the toes to the ceiling. Looked at along the leg (as
they see their own foot when they look down at it, their left on the left), the lower leg
is a round end at the heel and the foot stands up from it. A windshield-wiper sweep turns
the whole leg on its long axis, so here the foot tilts about that round end like a wiper
blade about its pivot, and a mark on the shin turns with it. In a foot circle the leg
stays and the toes draw a circle above the ankle.

Units are foot lengths, ``x`` to the person's right, ``y`` up, the pivot (the leg's axis at
the heel) at (0, 0), the upright toe tip at (0, 1), as in :mod:`knee_desktop.plan.pose`.
Every shape is built once, in those units; a frame only changes the painter's transform.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QTransform

from knee_desktop.plan.pose import SWEEP_DEGREES, Point
from knee_desktop.routine.model import Leg

SECTION = 0.19  # the lower leg's round end: radius, foot lengths
OTHER_FOOT = 1.1  # the resting foot's pivot, foot lengths from the working one
BED = -0.24  # the bed or floor under the heels
GUIDE = 1.13  # radius of the toes' guide arc for the sweeps
SPAN_IN = 0.85  # room toward the outside of the working foot (its far sweep, labels)
SPAN_OUT = OTHER_FOOT + 0.27  # room toward the other foot
TOP, BOTTOM = 1.28, BED - 0.1


@cache
def foot_outline(leg: Leg) -> QPainterPath:
    """The foot's outline as seen along the leg: narrow heel, wide ball, the big toe on
    the inside (toward the other foot). Unit: foot lengths, y up, heel pivot at (0, 0)."""
    s = 1.0 if leg == "left" else -1.0  # +x is the inside of a left foot
    path = QPainterPath(QPointF(0.0, -0.1))
    path.cubicTo(QPointF(s * 0.1, -0.1), QPointF(s * 0.15, 0.05), QPointF(s * 0.17, 0.3))
    path.cubicTo(QPointF(s * 0.19, 0.55), QPointF(s * 0.24, 0.72), QPointF(s * 0.22, 0.88))
    path.cubicTo(QPointF(s * 0.21, 1.01), QPointF(s * 0.05, 1.03), QPointF(s * 0.05, 0.93))
    path.cubicTo(QPointF(s * 0.0, 0.97), QPointF(s * -0.08, 0.96), QPointF(s * -0.1, 0.9))
    path.cubicTo(QPointF(s * -0.16, 0.89), QPointF(s * -0.2, 0.84), QPointF(s * -0.2, 0.76))
    path.cubicTo(QPointF(s * -0.2, 0.55), QPointF(s * -0.16, 0.25), QPointF(s * -0.15, 0.1))
    path.cubicTo(QPointF(s * -0.14, -0.05), QPointF(s * -0.1, -0.1), QPointF(0.0, -0.1))
    path.closeSubpath()
    return path


@cache
def foot_details(leg: Leg) -> QPainterPath:
    """The lines inside the outline: where the big toe and the small toes part."""
    s = 1.0 if leg == "left" else -1.0
    path = QPainterPath(QPointF(s * 0.05, 0.93))
    path.quadTo(QPointF(s * 0.06, 0.86), QPointF(s * 0.1, 0.84))
    path.moveTo(QPointF(s * -0.1, 0.9))
    path.quadTo(QPointF(s * -0.09, 0.85), QPointF(s * -0.06, 0.83))
    return path


@cache
def section() -> QPainterPath:
    """The lower leg's round end, around the pivot."""
    path = QPainterPath()
    path.addEllipse(QPointF(0.0, 0.0), SECTION, SECTION)
    return path


@cache
def shin_mark() -> QPainterPath:
    """A short line at the top of the round end: the shin's front, turning with the leg."""
    path = QPainterPath(QPointF(0.0, SECTION * 0.35))
    path.lineTo(QPointF(0.0, SECTION * 0.85))
    return path


def sweep_extremes(movement: str) -> tuple[float, ...]:
    """The tilts, in degrees (negative: the person's left), a sweep reaches."""
    if movement == "sweep-left":
        return (-SWEEP_DEGREES,)
    if movement == "sweep-right":
        return (SWEEP_DEGREES,)
    if movement == "sweep-both":
        return (-SWEEP_DEGREES, SWEEP_DEGREES)
    return ()


@dataclass(frozen=True)
class EndView:
    """Where the end view sits in a box: the working foot's pivot and the foot length."""

    box: QRectF
    leg: Leg

    @property
    def inward(self) -> float:
        """+1 if the other foot is to the person's right (the left leg works), else -1."""
        return 1.0 if self.leg == "left" else -1.0

    @property
    def length(self) -> float:
        width = SPAN_IN + SPAN_OUT
        return max(8.0, min(self.box.width() / width, self.box.height() / (TOP - BOTTOM)))

    @property
    def pivot(self) -> QPointF:
        n = self.length
        spare = self.box.width() - (SPAN_IN + SPAN_OUT) * n
        if self.leg == "left":
            x = self.box.left() + spare / 2 + SPAN_IN * n
        else:
            x = self.box.right() - spare / 2 - SPAN_IN * n
        spare_y = self.box.height() - (TOP - BOTTOM) * n
        return QPointF(x, self.box.bottom() - spare_y / 2 + BOTTOM * n)

    def at(self, x: float, y: float, about: float = 0.0) -> QPointF:
        """A point in foot lengths from the pivot (``about``: pivot moved along x)."""
        c, n = self.pivot, self.length
        return QPointF(c.x() + (x + about) * n, c.y() - y * n)

    def unit(self, about: float = 0.0) -> QTransform:
        """Foot lengths, y up → widget pixels, for a foot whose pivot is ``about`` away."""
        c, n = self.pivot, self.length
        return QTransform(n, 0.0, 0.0, -n, c.x() + about * n, c.y())

    def foot(self, toe: Point, turn_leg: bool = True) -> QTransform:
        """The transform that puts the unit foot where ``toe`` says: turned toward it,
        shortened by its distance (a foot bent away at the ankle looks shorter)."""
        x, y = toe
        theta = math.atan2(x, y)
        r = math.hypot(x, y)
        c, n = self.pivot, self.length
        cos, sin = math.cos(theta), math.sin(theta)
        return QTransform(n * cos, n * sin, n * r * sin, -n * r * cos, c.x(), c.y())

    def leg_turn(self, degrees: float) -> QTransform:
        """The lower leg's round end turned by ``degrees`` on its axis (sweeps only)."""
        t = self.unit()
        t.rotate(-degrees)  # y is up in the unit space: negative turns toward the right
        return t

    def other(self) -> float:
        """The resting foot's pivot, in foot lengths along x."""
        return OTHER_FOOT * self.inward

    def moving_bounds(self, toe: Point, trail: tuple[Point, ...]) -> QRectF:
        """Widget pixels the moving parts (foot, round end, trail) can cover."""
        rect = self.foot(toe).mapRect(foot_outline(self.leg).boundingRect())
        rect = rect.united(self.unit().mapRect(section().boundingRect()))
        if trail:
            xs = [p[0] for p in trail]
            ys = [p[1] for p in trail]
            rect = rect.united(QRectF(self.at(min(xs), max(ys)), self.at(max(xs), min(ys))))
        pad = max(4.0, 0.04 * self.length)
        return rect.adjusted(-pad, -pad, pad, pad)
