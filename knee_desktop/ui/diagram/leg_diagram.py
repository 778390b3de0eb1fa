"""The animated diagram: paints a :class:`~knee_desktop.plan.pose.Pose`, nothing more.

It owns no timer. Whoever drives the session sets the pose (``set_pose``) once per frame
while something moves; an unchanged pose does not repaint. The pose comes from the same
timeline and clock as the voice, so the foot is at the end of its sweep when the count is
heard.

Two pictures (``set_picture``): ``legs``, the person lying on their back seen from above,
the working leg highlighted, swinging from the hip for the sweeps and the foot circling at
the ankle; ``thigh``, the front of the thigh with its press points, the current one lit
and counting down. Shapes are in :mod:`knee_desktop.ui.diagram.art`, colours from the
palette (:mod:`knee_desktop.ui.diagram.colours`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QFont,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from knee_desktop.plan.pose import Point, Pose
from knee_desktop.routine.model import Leg
from knee_desktop.ui.diagram.art import Figure, Thigh
from knee_desktop.ui.diagram.colours import DiagramColours, colours_for
from knee_desktop.ui.diagram.legs_picture import leg_angle, paint_figure_still, paint_working_leg

Picture = Literal["legs", "thigh"]
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
    "end": "",
}
# The thigh massage is done sitting or lying as one likes: its words say what its voice says.
THIGH_WORDS = {**KIND_WORDS, "lead-in": "Get ready: sit or lie comfortably",
               "rest": "Rest and feel"}


def kind_words(picture: Picture) -> dict[str, str]:
    return THIGH_WORDS if picture == "thigh" else KIND_WORDS


@dataclass(frozen=True)
class DiagramLayout:
    foot_view: QRectF  # where the figure is drawn
    body_box: QRectF  # the figure's own box
    pivot: QPointF  # the working foot's ankle at rest, in widget coordinates
    length: float  # the foot's length in pixels
    ring_centre: QPointF
    ring_radius: float
    caption: QRectF


def describe(pose: Pose, picture: Picture = "legs") -> str:
    """The diagram in words, for screen readers and the tooltip."""
    part = "thigh" if picture == "thigh" else "foot"
    leg = f"{pose.leg.capitalize()} {part}. " if pose.leg else ""
    if pose.kind == "move" and pose.movement:
        return f"{leg}{MOVEMENT_WORDS[pose.movement].capitalize()}, {pose.rep} of {pose.reps}."
    if pose.kind == "press" and pose.seconds_left is not None:
        return (f"{leg}Press point {pose.rep} of {pose.reps}: "
                f"{pose.seconds_left} seconds left.")
    if pose.kind in ("still", "rest") and pose.seconds_left is not None:
        return (f"{leg}{kind_words(picture)[pose.kind]}: "
                f"{pose.seconds_left} seconds left.")
    if pose.kind == "count-in":
        return f"{leg}Starting in {pose.count_in}."
    if pose.kind == "instruction":
        return f"{leg}{pose.step_title}. Leg at rest."
    if pose.kind == "end":
        return f"{pose.step_title or 'The end'}. Both legs at rest."
    return f"{leg}{kind_words(picture).get(pose.kind, pose.step_title)}."


def caption_text(pose: Pose, picture: Picture = "legs") -> str:
    """The line above the picture: which leg, doing what (nothing once it is over: the
    status line says it once)."""
    if pose.kind == "end":
        return ""
    part = "THIGH" if picture == "thigh" else "LEG"
    leg = f"{pose.leg.upper()} {part}" if pose.leg else ""
    if pose.kind == "ready" and leg:
        return f"{leg} first"
    if pose.kind in ("move", "instruction") and pose.movement:
        what = MOVEMENT_WORDS[pose.movement]
    elif pose.kind == "instruction":
        what = pose.step_title
    else:
        what = kind_words(picture).get(pose.kind, pose.step_title)
    return f"{leg} · {what}" if leg else what


class LegDiagram(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leg-diagram")
        self._pose = Pose("ready", None)
        self._picture: Picture = "legs"
        self._described = ""
        self.setMinimumSize(160, 110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Leg diagram")
        self.setToolTip("You, lying on your back, seen from above: the working leg is\n"
                        "highlighted and moves in time with the count.")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.paints = 0  # painted frames, for the benchmark and the tests
        # caches: the static layer, the layout per size, colours per palette;
        # ``_env`` changes whenever size, palette or font do, invalidating them
        self._cache: QPixmap | None = None
        self._cache_key: tuple[object, ...] = ()
        self._env = 0
        self._layout: tuple[int, DiagramLayout] | None = None
        self._colours: tuple[int, DiagramColours] | None = None
        self._update_description()

    def sizeHint(self) -> QSize:
        return QSize(560, 420)

    # ---- state -----------------------------------------------------------------------
    def pose(self) -> Pose:
        return self._pose

    def picture(self) -> Picture:
        return self._picture

    def set_picture(self, picture: Picture) -> None:
        """``thigh`` for a routine of presses, ``legs`` for movements."""
        if picture != self._picture:
            self._picture = picture
            self._described_key: tuple[object, ...] = ()
            self._update_description()
            self.update()

    def caption(self) -> str:
        return caption_text(self._pose, self._picture)

    def _update_description(self) -> None:
        pose = self._pose
        key = (pose.kind, pose.leg, pose.movement, pose.rep, pose.seconds_left, pose.count_in,
               pose.step_title, self._picture)
        if key == getattr(self, "_described_key", None):
            return
        self._described_key = key
        text = describe(pose, self._picture)
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
        key = hash((self._env, self._pose.leg))
        if self._layout is None or self._layout[0] != key:
            self._layout = (key, self._compute_layout())
        return self._layout[1]

    def _compute_layout(self) -> DiagramLayout:
        w, h = float(self.width()), float(self.height())
        margin = max(6.0, 0.02 * min(w, h))
        full = QRectF(margin, margin, w - 2 * margin, h - 2 * margin)
        caption = QRectF(full.left(), full.top(), full.width(),
                         max(18.0, min(0.09 * full.height(), 0.06 * full.width() + 12)))
        view = QRectF(full.left(), caption.bottom(), full.width(),
                      full.bottom() - caption.bottom())
        figure = Figure(view)
        leg: Leg = self._pose.leg or "left"
        radius = max(14.0, min(0.16 * view.height(), 0.14 * view.width()))
        # the ring sits on the side away from the working leg
        x = view.right() - radius * 1.15 if leg == "left" else view.left() + radius * 1.15
        ring_centre = QPointF(x, view.top() + radius * 1.15)
        return DiagramLayout(view, view, figure.ankle(leg), figure.foot, ring_centre, radius,
                             caption)

    def figure(self) -> Figure:
        return Figure(self.diagram_layout().foot_view)

    def to_widget(self, point: Point, layout: DiagramLayout | None = None) -> QPointF:
        """A toe position of the pose (foot lengths from the ankle) in widget pixels."""
        lay = layout or self.diagram_layout()
        angle = leg_angle(self._pose)
        return Figure(lay.foot_view).toe(self._pose.leg or "left", point, angle)

    def toe_point(self) -> QPointF:
        return self.to_widget(self._pose.toe)

    # ---- painting ----------------------------------------------------------------------
    # What does not move (background, caption, labels, body, resting leg, guide path) is
    # painted once into a pixmap; a frame repaints only the rectangle the working leg, its
    # trail and the ring cover, now and in the previous frame.
    def _static_key(self, pose: Pose) -> tuple[object, ...]:
        return (caption_text(pose, self._picture), pose.leg, pose.movement, self._picture,
                pose.kind == "end", self._env, self.devicePixelRatioF())

    def _dirty_rect(self, pose: Pose, lay: DiagramLayout) -> QRectF:
        figure = Figure(lay.foot_view)
        if self._picture == "thigh":
            return lay.foot_view.adjusted(-2, -2, 2, 2)
        leg: Leg = pose.leg or "left"
        angle = leg_angle(pose)
        pad = 0.07 * figure.h
        # The toe and its trail sit at ankle + (x, -y) foot lengths: their box is the
        # ankle moved by the box of the toe offsets (one pass, no Qt point per trail dot).
        hip, ankle, foot = figure.hip(leg), figure.ankle(leg, angle), figure.foot
        tx = [pose.toe[0], *(pt[0] for pt in pose.trail)]
        ty = [pose.toe[1], *(pt[1] for pt in pose.trail)]
        xs = [hip.x(), ankle.x(), ankle.x() + min(tx) * foot, ankle.x() + max(tx) * foot]
        ys = [hip.y(), ankle.y(), ankle.y() - max(ty) * foot, ankle.y() - min(ty) * foot]
        rect = QRectF(min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad,
                      max(ys) - min(ys) + 2 * pad)
        if pose.ring is not None or pose.count_in is not None:
            r = lay.ring_radius
            c = lay.ring_centre
            rect = rect.united(QRectF(c.x() - 1.2 * r, c.y() - 1.2 * r, 2.4 * r, 3.2 * r))
        return rect

    def set_pose(self, pose: Pose) -> None:
        if pose == self._pose:
            return
        old, self._pose = self._pose, pose
        self._update_description()
        if self._static_key(old) != self._static_key(pose) or old.leg != pose.leg:
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
        if self._picture == "legs":
            paint_figure_still(p, Figure(lay.foot_view), self._pose, colours)
            self._paint_side_labels(p, lay, colours)
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
        if self._picture == "thigh":
            from knee_desktop.ui.diagram.thigh_picture import paint_thigh

            paint_thigh(p, Thigh(lay.foot_view), pose, colours, self._font)
        elif pose.leg is not None:
            paint_working_leg(p, Figure(lay.foot_view), pose, colours)
        if pose.ring is not None or pose.count_in is not None:
            self._paint_ring(p, lay, colours)
        p.end()

    def _font(self, pixels: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(11, int(pixels)))
        font.setBold(bold)
        return font

    def _paint_caption(self, p: QPainter, lay: DiagramLayout, c: DiagramColours) -> None:
        p.setPen(c.text)
        p.setFont(self._font(lay.caption.height() * 0.62, bold=True))
        p.drawText(lay.caption, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                   | Qt.TextFlag.TextWordWrap, self.caption())

    def _paint_side_labels(self, p: QPainter, lay: DiagramLayout, c: DiagramColours) -> None:
        size = max(12.0, min(0.045 * lay.foot_view.height(), 0.04 * lay.foot_view.width()))
        p.setFont(self._font(size))
        p.setPen(c.text)
        band = QRectF(lay.foot_view.left(), lay.foot_view.bottom() - 1.6 * size,
                      lay.foot_view.width(), 1.6 * size)
        p.drawText(band, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   "◀ your left")
        p.drawText(band, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                   "your right ▶")

    def _paint_ring(self, p: QPainter, lay: DiagramLayout, c: DiagramColours) -> None:
        pose = self._pose
        centre, r = lay.ring_centre, lay.ring_radius
        width = max(4.0, r * 0.16)
        box = QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(c.faint, width * 0.5))
        p.drawEllipse(box)
        if pose.ring is not None:
            p.setPen(QPen(c.ring, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawArc(box, 90 * 16, round(pose.ring * 360 * 16))
        number = pose.seconds_left if pose.count_in is None else pose.count_in
        p.setPen(c.text)
        p.setFont(self._font(r * 0.85, bold=True))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, str(number))
        if pose.count_in is None:
            p.setFont(self._font(r * 0.3))
            under = QRectF(box.left() - 0.2 * r, box.bottom() + width, 2.4 * r, r * 0.6)
            p.drawText(under, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                       "seconds")
