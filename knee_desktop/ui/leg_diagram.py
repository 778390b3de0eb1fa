"""The animated leg diagram: paints a :class:`~knee_desktop.plan.pose.Pose`, nothing more.

It owns no timer. Whoever drives the session sets the pose (``set_pose``) once per frame
while something moves; an unchanged pose does not repaint. The pose comes from the same
timeline and clock as the voice, so the foot is at the end of its sweep when the count is
heard.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QFont,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from knee_desktop.plan.pose import Point, Pose, movement_path
from knee_desktop.ui.body_outline import paint_body
from knee_desktop.ui.diagram_colours import DiagramColours, colours_for

MOVEMENT_WORDS = {
    "sweep-left": "wipe to the left",
    "sweep-right": "wipe to the right",
    "sweep-both": "wipe left and right",
    "circle-clockwise": "circles, clockwise",
    "circle-counterclockwise": "circles, counterclockwise",
}
KIND_WORDS = {
    "ready": "Ready",
    "lead-in": "Get ready: lie on your back, toes to the ceiling",
    "count-in": "Starting in",
    "still": "Be still",
    "rest": "Lie there and feel",
    "press": "Press and hold",
    "find": "Find the next tender spot",
    "switch": "Change to the other leg",
    "end": "Finished. Well done",
}


TOES = ((0.12, 0.95, 0.075), (0.0, 0.97, 0.055), (-0.075, 0.94, 0.048),
        (-0.135, 0.9, 0.042), (-0.18, 0.84, 0.036))  # (x, y, radius) in foot lengths


@dataclass(frozen=True)
class DiagramLayout:
    foot_view: QRectF
    body_box: QRectF
    pivot: QPointF  # the heel, in widget coordinates
    length: float  # the upright foot's length in pixels
    ring_centre: QPointF
    ring_radius: float
    caption: QRectF


def describe(pose: Pose) -> str:
    """The diagram in words, for screen readers and the tooltip."""
    leg = f"{pose.leg.capitalize()} foot. " if pose.leg else ""
    if pose.kind == "move" and pose.movement:
        return f"{leg}{MOVEMENT_WORDS[pose.movement].capitalize()}, {pose.rep} of {pose.reps}."
    if pose.kind in ("still", "rest", "press") and pose.seconds_left is not None:
        return f"{leg}{KIND_WORDS[pose.kind]}: {pose.seconds_left} seconds left."
    if pose.kind == "count-in":
        return f"{leg}Starting in {pose.count_in}."
    if pose.kind == "instruction":
        return f"{leg}{pose.step_title}. Foot upright."
    return f"{leg}{KIND_WORDS.get(pose.kind, pose.step_title)}."


def caption_text(pose: Pose) -> str:
    """The line above the foot: which foot, doing what."""
    leg = f"{pose.leg.upper()} FOOT" if pose.leg else ""
    if pose.kind in ("move", "instruction") and pose.movement:
        what = MOVEMENT_WORDS[pose.movement]
    elif pose.kind == "instruction":
        what = pose.step_title
    else:
        what = KIND_WORDS.get(pose.kind, pose.step_title)
    return f"{leg} · {what}" if leg else what


class LegDiagram(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leg-diagram")
        self._pose = Pose("ready", None)
        self._described = ""
        self.setMinimumSize(220, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Leg diagram")
        self.setToolTip("The working foot as you see it, moving in time with the count.\n"
                        "The small figure marks which leg is working.")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.paints = 0  # painted frames, for the benchmark and the tests
        # caches: the static layer, the layout per size, colours per palette, foot shapes;
        # ``_env`` changes whenever size, palette or font do, invalidating the first three
        self._cache: QPixmap | None = None
        self._cache_key: tuple[object, ...] = ()
        self._env = 0
        self._layout: tuple[int, DiagramLayout] | None = None
        self._colours: tuple[int, DiagramColours] | None = None
        self._feet: dict[tuple[int, int], QPainterPath] = {}
        self._described_key: tuple[object, ...] = ()
        self._update_description()

    def sizeHint(self) -> QSize:
        return QSize(560, 380)

    # ---- state -----------------------------------------------------------------------
    def pose(self) -> Pose:
        return self._pose

    def _update_description(self) -> None:
        pose = self._pose
        key = (pose.kind, pose.leg, pose.movement, pose.rep, pose.seconds_left, pose.count_in,
               pose.step_title)
        if key == self._described_key:
            return
        self._described_key = key
        text = describe(pose)
        if text != self._described:
            self._described = text
            self.setAccessibleDescription(text)

    # ---- geometry (also used by the tests) -------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        self._env += 1
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange,
                            QEvent.Type.StyleChange):
            self._env += 1
            self.update()
        super().changeEvent(event)

    def colours(self) -> DiagramColours:
        if self._colours is None or self._colours[0] != self._env:
            self._colours = (self._env, colours_for(self.palette()))
        return self._colours[1]

    def diagram_layout(self) -> DiagramLayout:
        if self._layout is None or self._layout[0] != self._env:
            self._layout = (self._env, self._compute_layout())
        return self._layout[1]

    def _compute_layout(self) -> DiagramLayout:
        w, h = float(self.width()), float(self.height())
        margin = max(6.0, 0.02 * min(w, h))
        full = QRectF(margin, margin, w - 2 * margin, h - 2 * margin)
        if w >= 1.25 * h:
            bw = min(0.26 * full.width(), 0.7 * full.height())
            body = QRectF(full.right() - bw, full.top(), bw, full.height())
            view = QRectF(full.left(), full.top(), full.width() - bw, full.height())
        else:
            bh = 0.26 * full.height()
            body = QRectF(full.left(), full.bottom() - bh, full.width(), bh)
            view = QRectF(full.left(), full.top(), full.width(), full.height() - bh)
        caption = QRectF(view.left(), view.top(), view.width(), max(20.0, 0.13 * view.height()))
        labels = max(18.0, 0.09 * view.height())
        pivot_y = view.bottom() - labels - 0.08 * view.height()
        room = pivot_y - caption.bottom()
        length = max(20.0, min(0.9 * room, 0.36 * view.width()))
        pivot = QPointF(view.center().x(), pivot_y)
        radius = max(14.0, min(0.17 * view.width(), 0.24 * room))
        ring_centre = QPointF(view.left() + radius + 0.04 * view.width(),
                              caption.bottom() + radius + 0.04 * room)
        return DiagramLayout(view, body, pivot, length, ring_centre, radius, caption)

    def to_widget(self, point: Point, layout: DiagramLayout | None = None) -> QPointF:
        lay = layout or self.diagram_layout()
        return QPointF(lay.pivot.x() + point[0] * lay.length,
                       lay.pivot.y() - point[1] * lay.length)

    def toe_point(self) -> QPointF:
        return self.to_widget(self._pose.toe)

    # ---- painting ----------------------------------------------------------------------
    # What does not move (background, caption, labels, guide path, the lower leg, the body
    # outline) is painted once into a pixmap; a frame repaints only the rectangle the foot,
    # its trail and the ring cover, now and in the previous frame.
    def _static_key(self, pose: Pose) -> tuple[object, ...]:
        return (caption_text(pose), pose.leg, pose.movement, pose.kind in ("press", "find"),
                self._env, self.devicePixelRatioF())

    def _dirty_rect(self, pose: Pose, lay: DiagramLayout) -> QRectF:
        length = lay.length
        pad = 0.26 * length  # the foot's half width and the toes beyond the tip
        points = [lay.pivot, self.to_widget(pose.toe, lay),
                  *(self.to_widget(pt, lay) for pt in pose.trail)]
        xs = [pt.x() for pt in points]
        ys = [pt.y() for pt in points]
        rect = QRectF(min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad,
                      max(ys) - min(ys) + 2 * pad)
        if pose.ring is not None or pose.count_in is not None:
            r = lay.ring_radius
            c = lay.ring_centre
            rect = rect.united(QRectF(c.x() - 1.6 * r, c.y() - 1.3 * r, 3.2 * r, 3.0 * r))
        return rect

    def set_pose(self, pose: Pose) -> None:
        if pose == self._pose:
            return
        old, self._pose = self._pose, pose
        self._update_description()
        if self._static_key(old) != self._static_key(pose):
            self.update()
            return
        lay = self.diagram_layout()
        self.update(self._dirty_rect(old, lay).united(self._dirty_rect(pose, lay))
                    .toAlignedRect())

    def _static_layer(self, lay: DiagramLayout, colours: DiagramColours) -> QPixmap:
        key = self._static_key(self._pose)
        if self._cache is not None and self._cache_key == key:
            return self._cache
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(colours.background)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(self.font())
        self._paint_caption(p, lay, colours)
        self._paint_side_labels(p, lay, colours)
        if self._pose.movement:
            self._paint_path(p, lay, colours)
        self._paint_leg_end(p, lay, colours)
        paint_body(p, lay.body_box, self._pose.leg, colours,
                   thigh=self._pose.kind in ("press", "find"))
        p.end()
        self._cache, self._cache_key = pixmap, key
        return pixmap

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        colours = self.colours()
        lay = self.diagram_layout()
        static = self._static_layer(lay, colours)
        pose = self._pose
        p = QPainter(self)
        p.drawPixmap(0, 0, static)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if pose.trail:
            self._paint_trail(p, lay, colours)
        self._paint_foot(p, lay, colours)
        if pose.ring is not None or pose.count_in is not None:
            self._paint_ring(p, lay, colours)
        p.end()

    def _font(self, pixels: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(11, int(pixels)))
        font.setBold(bold)
        return font

    def _paint_caption(self, p: QPainter, lay: DiagramLayout, c: DiagramColours) -> None:
        text = caption_text(self._pose)
        p.setPen(c.text)
        p.setFont(self._font(lay.caption.height() * 0.42, bold=True))
        p.drawText(lay.caption, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                   | Qt.TextFlag.TextWordWrap, text)

    def _paint_side_labels(self, p: QPainter, lay: DiagramLayout, c: DiagramColours) -> None:
        size = max(12.0, 0.05 * lay.foot_view.height())
        p.setFont(self._font(size))
        p.setPen(c.text)
        band = QRectF(lay.foot_view.left(), lay.foot_view.bottom() - 1.6 * size,
                      lay.foot_view.width(), 1.6 * size)
        p.drawText(band, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   "◀ your left")
        p.drawText(band, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                   "your right ▶")

    def _paint_path(self, p: QPainter, lay: DiagramLayout, c: DiagramColours) -> None:
        movement = self._pose.movement
        assert movement is not None
        # sweeps: drawn just beyond the toes, so the foot does not hide its own path
        scale = 1.0 if movement.startswith("circle") else 1.14
        points = [self.to_widget((x * scale, y * scale), lay)
                  for x, y in movement_path(movement)]
        pen = QPen(c.faint, max(2.0, lay.length * 0.025), Qt.PenStyle.DashLine,
                   Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPolyline(QPolygonF(points))
        # arrowheads show the direction, so it is not told by the animation alone
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(c.faint))
        size = lay.length * 0.09
        if movement.startswith("circle"):
            k = len(points) // 8
            self._arrow(p, points[k], points[k + 1], size)
            self._arrow(p, points[5 * k], points[5 * k + 1], size)
        else:
            self._arrow(p, points[-2], points[-1], size)
            if movement == "sweep-both":
                self._arrow(p, points[1], points[0], size)

    @staticmethod
    def _arrow(p: QPainter, before: QPointF, tip: QPointF, size: float) -> None:
        angle = math.atan2(tip.y() - before.y(), tip.x() - before.x())
        left = QPointF(tip.x() - size * math.cos(angle - 0.45),
                       tip.y() - size * math.sin(angle - 0.45))
        right = QPointF(tip.x() - size * math.cos(angle + 0.45),
                        tip.y() - size * math.sin(angle + 0.45))
        p.drawPolygon(QPolygonF([tip, left, right]))

    def _paint_leg_end(self, p: QPainter, lay: DiagramLayout, c: DiagramColours) -> None:
        """The lower leg, seen end on, behind the heel."""
        r = lay.length * 0.2
        p.setPen(QPen(c.text, max(1.5, lay.length * 0.012)))
        p.setBrush(QBrush(c.faint))
        p.drawEllipse(QPointF(lay.pivot.x(), lay.pivot.y() + 0.05 * lay.length), r, r * 0.8)

    def _paint_trail(self, p: QPainter, lay: DiagramLayout, c: DiagramColours) -> None:
        """The toes' recent path, fading: two strokes (older, fainter; newer, stronger)."""
        points = [self.to_widget(pt, lay) for pt in (*self._pose.trail, self._pose.toe)]
        width = max(2.0, lay.length * 0.04)
        half = len(points) // 2
        for part, share in ((points[: half + 1], 0.2), (points[half:], 0.5)):  # opaque colours
            if len(part) < 2:
                continue
            colour = c.trail_new if share > 0.3 else c.trail_old
            p.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                          Qt.PenJoinStyle.RoundJoin))
            p.drawPolyline(QPolygonF(part))

    def _paint_foot(self, p: QPainter, lay: DiagramLayout, c: DiagramColours) -> None:
        x, y = self._pose.toe
        reach = math.hypot(x, y) * lay.length  # shorter when the toes point away
        tilt = math.degrees(math.atan2(x, y))
        mirror = -1.0 if self._pose.leg == "right" else 1.0  # big toe on the inner side
        p.save()
        p.translate(lay.pivot)
        p.rotate(tilt)
        p.scale(mirror, 1.0)
        w = lay.length
        sole = self._sole(w, reach)
        p.setPen(QPen(c.text, max(1.5, w * 0.015)))
        p.setBrush(QBrush(c.accent))
        p.drawPath(sole)
        # toes: the big toe on the inner side (+x before mirroring: a left foot's right)
        for tx, ty, tr in TOES:
            p.drawEllipse(QPointF(tx * w, -ty * reach), tr * w, tr * max(reach, 0.4 * w))
        p.restore()
        # the heel: the pivot the wiper turns on
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(c.text))
        p.drawEllipse(lay.pivot, w * 0.03, w * 0.03)

    def _sole(self, w: float, reach: float) -> QPainterPath:
        """The sole's outline for a foot of length ``w`` reaching ``reach`` (cached: during
        a sweep only the rotation changes)."""
        key = (round(w * 4), round(reach * 4))
        sole = self._feet.get(key)
        if sole is None:
            if len(self._feet) > 64:
                self._feet.clear()
            sole = QPainterPath()
            sole.moveTo(-0.12 * w, 0.0)
            sole.cubicTo(-0.16 * w, -0.35 * reach, -0.22 * w, -0.65 * reach,
                         -0.2 * w, -0.84 * reach)
            sole.cubicTo(-0.18 * w, -0.96 * reach, 0.1 * w, -1.02 * reach,
                         0.19 * w, -0.9 * reach)
            sole.cubicTo(0.22 * w, -0.7 * reach, 0.15 * w, -0.35 * reach, 0.12 * w, 0.0)
            sole.cubicTo(0.1 * w, 0.07 * w, -0.1 * w, 0.07 * w, -0.12 * w, 0.0)
            self._feet[key] = sole
        return sole

    def _paint_ring(self, p: QPainter, lay: DiagramLayout, c: DiagramColours) -> None:
        pose = self._pose
        centre, r = lay.ring_centre, lay.ring_radius
        width = max(4.0, r * 0.16)
        box = QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(c.faint, width))
        p.drawEllipse(box)
        if pose.ring is not None:
            p.setPen(QPen(c.ring, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            p.drawArc(box, 90 * 16, round(pose.ring * 360 * 16))
        number = pose.seconds_left if pose.count_in is None else pose.count_in
        p.setPen(c.text)
        p.setFont(self._font(r * 0.85, bold=True))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, str(number))
        if pose.count_in is None:
            p.setFont(self._font(r * 0.26))
            under = QRectF(box.left() - 0.5 * r, box.bottom() + width, 3 * r, r * 0.5)
            p.drawText(under, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                       "seconds left")
