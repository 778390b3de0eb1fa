"""The small view's and the thigh's shapes: one style (rounded, tapered limbs from
QPainterPath unions, one line weight). :class:`Figure` is the whole person lying on their
back, head at the bottom and feet at the top, as they see themself (their left on the
left), legs straight and still: in these exercises the leg never swings across the bed
(the moving foot is :mod:`knee_desktop.ui.diagram.end_view`'s). Both are painted once, into
the diagram's static layer: the unions here are never made per frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF

from knee_desktop.plan.pose import Point
from knee_desktop.routine.model import Leg


def limb(a: QPointF, b: QPointF, wa: float, wb: float) -> QPainterPath:
    """A tapered limb with round ends, ``wa`` wide at ``a`` and ``wb`` at ``b``."""
    dx, dy = b.x() - a.x(), b.y() - a.y()
    n = math.hypot(dx, dy) or 1.0
    px, py = -dy / n, dx / n
    quad = QPolygonF([QPointF(a.x() + px * wa / 2, a.y() + py * wa / 2),
                      QPointF(b.x() + px * wb / 2, b.y() + py * wb / 2),
                      QPointF(b.x() - px * wb / 2, b.y() - py * wb / 2),
                      QPointF(a.x() - px * wa / 2, a.y() - py * wa / 2)])
    path = QPainterPath()
    path.addPolygon(quad)
    path.closeSubpath()
    ends = QPainterPath()
    ends.addEllipse(a, wa / 2, wa / 2)
    ends.addEllipse(b, wb / 2, wb / 2)
    return path.united(ends)


@dataclass(frozen=True)
class Figure:
    """The lying figure in ``box``: its unit ``h`` is the figure's height."""

    box: QRectF

    # Computed once per figure: a frame asks for them for every point it draws.
    @cached_property
    def h(self) -> float:
        return min(self.box.height(), self.box.width() * 1.5)

    @cached_property
    def _base(self) -> tuple[float, float]:
        centre = self.box.center()
        return centre.x(), centre.y() + self.h / 2

    @property
    def base(self) -> QPointF:
        return QPointF(*self._base)

    def at(self, x: float, y: float) -> QPointF:
        """A point ``x`` units right of the centre line and ``y`` units up from the base."""
        bx, by = self._base
        return QPointF(bx + x * self.h, by - y * self.h)

    def hip(self, leg: Leg) -> QPointF:
        return self.at(-0.06 if leg == "left" else 0.06, 0.43)

    def ankle(self, leg: Leg) -> QPointF:
        return self.at(-0.065 if leg == "left" else 0.065, 0.8)

    @property
    def foot(self) -> float:
        """The foot's length in pixels."""
        return 0.15 * self.h

    @property
    def line(self) -> float:
        return max(1.5, 0.008 * self.h)

    def toe(self, leg: Leg, toe: Point) -> QPointF:
        ankle = self.ankle(leg)
        return QPointF(ankle.x() + toe[0] * self.foot, ankle.y() - toe[1] * self.foot)

    def body(self) -> QPainterPath:
        """Head, torso and arms (the legs are drawn on their own)."""
        path = QPainterPath()
        path.addEllipse(self.at(0, 0.075), 0.055 * self.h, 0.065 * self.h)
        torso = QPainterPath()
        torso.moveTo(self.at(-0.12, 0.19))
        torso.cubicTo(self.at(-0.1, 0.3), self.at(-0.085, 0.36), self.at(-0.1, 0.45))
        torso.cubicTo(self.at(-0.05, 0.49), self.at(0.05, 0.49), self.at(0.1, 0.45))
        torso.cubicTo(self.at(0.085, 0.36), self.at(0.1, 0.3), self.at(0.12, 0.19))
        torso.cubicTo(self.at(0.06, 0.15), self.at(-0.06, 0.15), self.at(-0.12, 0.19))
        torso.closeSubpath()
        path = path.united(torso)
        path = path.united(limb(self.at(0, 0.12), self.at(0, 0.17), 0.05 * self.h,
                                0.06 * self.h))
        return path

    def leg(self, leg: Leg) -> QPainterPath:
        hip = self.hip(leg)
        knee = self.kneecap(leg)
        ankle = self.ankle(leg)
        return limb(hip, knee, 0.12 * self.h, 0.075 * self.h).united(
            limb(knee, ankle, 0.072 * self.h, 0.045 * self.h))

    def kneecap(self, leg: Leg) -> QPointF:
        return self.at(-0.063 if leg == "left" else 0.063, 0.62)

    def foot_shape(self, leg: Leg, toe: Point) -> QPainterPath:
        """The foot from the heel at the ankle to the toes, widening, the big toe inside."""
        ankle = self.ankle(leg)
        tip = self.toe(leg, toe)
        reach = max(0.35, math.hypot(*toe))
        shape = limb(ankle, QPointF(ankle.x() + 0.8 * (tip.x() - ankle.x()),
                                    ankle.y() + 0.8 * (tip.y() - ankle.y())),
                     0.05 * self.h, 0.075 * self.h * min(1.0, reach + 0.2))
        # the big toe: toward the other leg (a left foot's right)
        inward = 1.0 if leg == "left" else -1.0
        dx, dy = tip.x() - ankle.x(), tip.y() - ankle.y()
        n = math.hypot(dx, dy) or 1.0
        side = QPointF(-dy / n * inward, dx / n * inward)
        toe_centre = QPointF(tip.x() - 0.15 * dx + side.x() * 0.015 * self.h,
                             tip.y() - 0.15 * dy + side.y() * 0.015 * self.h)
        big = QPainterPath()
        big.addEllipse(toe_centre, 0.027 * self.h, 0.027 * self.h)
        return shape.united(big)


@dataclass(frozen=True)
class Thigh:
    """The front of one thigh, large, knee at the top and hip at the bottom, with the
    press points along it from above the knee up to the hip."""

    box: QRectF

    @property
    def h(self) -> float:
        """The unit: the drawing spans 1.14 units high (with the knee's round end) and
        0.44 wide; the box's room to the sides is for the labels and the ring."""
        return min(self.box.height() / 1.16, self.box.width() / 1.3)

    def at(self, x: float, y: float) -> QPointF:
        c = self.box.center()
        return QPointF(c.x() + x * self.h, c.y() + 0.58 * self.h - (y + 0.06) * self.h)

    def shape(self) -> QPainterPath:
        return limb(self.at(0, 0.14), self.at(0, 0.8), 0.4 * self.h, 0.24 * self.h)

    def kneecap(self) -> QPointF:
        return self.at(0, 0.86)

    def shin(self) -> QPainterPath:
        return limb(self.at(0, 0.88), self.at(0, 1.0), 0.2 * self.h, 0.16 * self.h)

    def point(self, n: int, of: int) -> QPointF:
        """Press point ``n`` (1-based) of ``of``: the first above the knee, the last near
        the hip, gently zig-zagging so they read as spots, not a ruler."""
        share = (n - 1) / max(1, of - 1)
        x = 0.045 * (1 if n % 2 else -1)
        return self.at(x, 0.72 - 0.5 * share)

    @property
    def spot(self) -> float:
        return 0.04 * self.h

    @property
    def line(self) -> float:
        return max(1.5, 0.008 * self.h)
