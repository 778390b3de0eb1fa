"""The animated diagram: paints a :class:`~knee_desktop.plan.pose.Pose`, nothing more.

It owns no timer. Whoever drives the session sets the pose (``set_pose``) once per frame
while something moves; an unchanged pose does not repaint. The pose comes from the same
timeline and clock as the voice, so the foot is at the end of its sweep when the count is
heard.

Two pictures (``set_picture``): ``legs``, the working foot and lower leg seen along the
leg, toes up, turning about the heel like a windshield wiper for the sweeps (the whole leg
turns on its long axis) and its toes drawing a circle for the foot circles, with a small
view of the whole person for orientation (docs/diagram.md says why); ``thigh``, the front
of the thigh with its press points, the current one lit and counting down. Shapes are in
:mod:`~knee_desktop.ui.diagram.end_view` and :mod:`~knee_desktop.ui.diagram.art`,
colours from the palette (:mod:`knee_desktop.ui.diagram.colours`); every painted word is
fitted to its box (:mod:`~knee_desktop.ui.diagram.painted_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from knee_desktop.plan.pose import Point, Pose
from knee_desktop.routine.model import Leg
from knee_desktop.ui.diagram.art import Thigh
from knee_desktop.ui.diagram.colours import DiagramColours, colours_for
from knee_desktop.ui.diagram.end_view import EndView
from knee_desktop.ui.diagram.legs_picture import (
    Text,
    paint_end_moving,
    paint_end_still,
    paint_orientation,
    paint_still_ring,
    ring_bounds,
)
from knee_desktop.ui.diagram.painted_text import PaintedText, draw_fitted, fitted_font

Picture = Literal["legs", "thigh"]
SMALLEST_INSET = 90.0  # px: a narrower small view of the whole person is left out
VIEW_WORDS = "your foot as you see it"  # under the big view, if there is room
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
    foot_view: QRectF  # the big view: the working foot seen along the leg (or the thigh)
    body_box: QRectF  # the small view of the whole person (empty for the thigh)
    band: QRectF  # the side words under the big view
    pivot: QPointF  # the working foot's pivot (heel, the leg's axis), widget pixels
    length: float  # the foot's length in pixels
    ring_centre: QPointF  # the thigh's countdown ring
    ring_radius: float


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
        self.setToolTip("Your working foot, toes up, as you see it when you look down at it:\n"
                        "it turns like a windshield wiper, or its toes draw circles.\n"
                        "The small picture is you, lying down, the working leg filled.")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.paints = 0  # painted frames, for the benchmark and the tests
        # caches: the static layer, the layout per size, colours per palette;
        # ``_env`` changes whenever size, palette or font do, invalidating them
        self._cache: QPixmap | None = None
        self._cache_key: tuple[object, ...] = ()
        self._env = 0
        self._layout: tuple[int, DiagramLayout] | None = None
        self._colours: tuple[int, DiagramColours] | None = None
        self._static_texts: list[PaintedText] = []  # words in the static layer
        self._frame_texts: list[PaintedText] = []  # words painted by the last frame
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
        """Which leg, doing what: shown by the session view above the picture."""
        return caption_text(self._pose, self._picture)

    def painted_texts(self) -> list[PaintedText]:
        """Every word the last paint drew, where, and whether it fit (for the tests)."""
        return [*self._static_texts, *self._frame_texts]

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
        key = hash((self._env, self._pose.leg, self._picture))
        if self._layout is None or self._layout[0] != key:
            self._layout = (key, self._compute_layout())
        return self._layout[1]

    def _compute_layout(self) -> DiagramLayout:
        w, h = float(self.width()), float(self.height())
        margin = max(6.0, 0.02 * min(w, h))
        full = QRectF(margin, margin, w - 2 * margin, h - 2 * margin)
        leg: Leg = self._pose.leg or "left"
        if self._picture == "thigh":
            radius = max(14.0, min(0.16 * full.height(), 0.14 * full.width()))
            x = full.right() - radius * 1.15 if leg == "left" else full.left() + radius * 1.15
            view = EndView(full, leg)
            return DiagramLayout(full, QRectF(), QRectF(), view.pivot, view.length,
                                 QPointF(x, full.top() + radius * 1.15), radius)
        band_h = max(16.0, min(0.08 * full.height(), 0.05 * full.width() + 8))
        band = QRectF(full.left(), full.bottom() - band_h, full.width(), band_h)
        above = QRectF(full.left(), full.top(), full.width(), band.top() - full.top())
        if above.width() >= 1.15 * above.height():  # the small view in a column at the side
            side = min(0.17 * above.width(), 0.45 * above.height())
            inset = QRectF(above.right() - side, above.top(), side, min(above.height(),
                                                                        1.7 * side))
            main = QRectF(above.left(), above.top(), above.width() - 1.08 * side,
                          above.height())
            if side < SMALLEST_INSET:  # too small to read: the big view takes its room
                inset, main = QRectF(), above
        else:  # tall: the small view in a strip at the top
            strip = 0.24 * above.height()
            inset = QRectF(above.center().x() - 0.3 * strip, above.top(), 0.6 * strip, strip)
            main = QRectF(above.left(), above.top() + 1.05 * strip, above.width(),
                          above.height() - 1.05 * strip)
            if inset.width() < SMALLEST_INSET:
                inset, main = QRectF(), above
        view = EndView(main, leg)
        return DiagramLayout(main, inset, band, view.pivot, view.length, view.at(0, 0.44),
                             0.74 * view.length)

    def end_view(self, layout: DiagramLayout | None = None) -> EndView:
        lay = layout or self.diagram_layout()
        return EndView(lay.foot_view, self._pose.leg or "left")

    def to_widget(self, point: Point, layout: DiagramLayout | None = None) -> QPointF:
        """A toe position of the pose (foot lengths from the pivot) in widget pixels."""
        return self.end_view(layout).at(*point)

    def toe_point(self) -> QPointF:
        return self.to_widget(self._pose.toe)

    # ---- painting ----------------------------------------------------------------------
    # What does not move (background, bed, resting foot, guide, small view, side words) is
    # painted once into a pixmap; a frame repaints only the rectangle the working foot,
    # its trail and the ring cover, now and in the previous frame.
    def _static_key(self, pose: Pose) -> tuple[object, ...]:
        guide = pose.movement if pose.kind in ("move", "instruction") else None
        return (pose.leg, guide, self._picture, pose.kind == "end", self._env,
                self.devicePixelRatioF())

    def _dirty_rect(self, pose: Pose, lay: DiagramLayout) -> QRectF:
        if self._picture == "thigh":
            return lay.foot_view.adjusted(-2, -2, 2, 2)
        view = EndView(lay.foot_view, pose.leg or "left")
        rect = view.moving_bounds(pose.toe, pose.trail)
        if pose.ring is not None:
            rect = rect.united(ring_bounds(view))
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
        self._static_texts = []
        text = self._texter(colours, self._static_texts)
        if self._picture == "legs":
            paint_end_still(p, self.end_view(lay), self._pose, colours, text)
            if not lay.body_box.isEmpty():
                paint_orientation(p, lay.body_box, self._pose.leg, colours, text)
            self._paint_side_labels(p, lay, colours, text)
        p.end()
        self._cache, self._cache_key = pixmap, key
        return pixmap

    def _texter(self, colours: DiagramColours, log: list[PaintedText]) -> Text:
        base = self.font()

        def text(p: QPainter, box: QRectF, flags: int, words: str, pixels: float,
                 bold: bool) -> None:
            p.setPen(colours.text)
            draw_fitted(p, base, box, flags, words, pixels, bold, log)

        return text

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        colours = self.colours()
        lay = self.diagram_layout()
        static = self._static_layer(lay, colours)
        pose = self._pose
        p = QPainter(self)
        p.drawPixmap(0, 0, static)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._frame_texts = []
        if self._picture == "thigh":
            from knee_desktop.ui.diagram.thigh_picture import paint_thigh, paint_thigh_ring

            text = self._texter(colours, self._frame_texts)
            paint_thigh(p, Thigh(lay.foot_view), pose, colours, text)
            if pose.ring is not None:
                paint_thigh_ring(p, lay.ring_centre, lay.ring_radius, pose, colours, text)
        else:
            view = self.end_view(lay)
            if pose.ring is not None:
                paint_still_ring(p, view, pose.ring, colours)
            paint_end_moving(p, view, pose, colours)
        p.end()

    def _paint_side_labels(self, p: QPainter, lay: DiagramLayout, c: DiagramColours,
                           text: Text) -> None:
        """The sides, for either leg, at one size; what the big view is between them if it
        fits (else the sides take its room)."""
        band = lay.band
        box = QRectF(band.left() + 0.31 * band.width(), band.top(), 0.38 * band.width(),
                     band.height())
        flags = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        _, needed = fitted_font(self.font(), box, flags, VIEW_WORDS, 0.45 * band.height(),
                                False)
        caption = needed.height() <= box.height() + 0.5 and needed.width() <= box.width() + 0.5
        if caption:
            text(p, box, flags, VIEW_WORDS, 0.45 * band.height(), False)
        share = 0.3 if caption else 0.49
        side = QRectF(band.left(), band.top(), share * band.width(), band.height())
        middle = Qt.AlignmentFlag.AlignVCenter
        left = int(Qt.AlignmentFlag.AlignLeft | middle)
        right = int(Qt.AlignmentFlag.AlignRight | middle)
        size = min(fitted_font(self.font(), side, left, words, 0.7 * band.height(),
                               True)[0].pixelSize() for words in ("◀ your left", "your right ▶"))
        text(p, side, left, "◀ your left", size, True)
        text(p, side.translated((1 - share) * band.width(), 0), right, "your right ▶", size,
             True)
