"""Image tests: grab the diagram at chosen timeline positions and look where the foot is."""

from __future__ import annotations

import math

import pytest
from PySide6.QtGui import QColor, QImage, QPalette

from knee_desktop.plan.pose import CIRCLE_RADIUS, SWEEP_DEGREES, Pose, Poser
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import Timeline, compile_timeline
from knee_desktop.routine.loader import load_catalog
from knee_desktop.ui.diagram.colours import colours_for
from knee_desktop.ui.diagram.end_view import SECTION
from knee_desktop.ui.diagram.leg_diagram import LegDiagram, describe


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return compile_timeline(load_catalog().get("windshield-wiper"), PlanSettings(reps=3))


@pytest.fixture
def diagram(qtbot) -> LegDiagram:
    widget = LegDiagram()
    qtbot.addWidget(widget)
    widget.resize(640, 420)
    return widget


def rep(timeline: Timeline, movement: str, leg: str = "left", n: int = 1):
    return [e for e in timeline.events
            if e.kind == "rep" and e.movement == movement and e.leg == leg][n - 1]


def accent_pixels(widget: LegDiagram, pose: Pose, moving: bool = True
                  ) -> list[tuple[int, int]]:
    """Pixels of the working leg's colour; with ``moving``, only those a frame paints over
    the static layer (the guide arc is in the accent colour too, and stays)."""
    widget.set_pose(pose)
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    static = None
    if moving:
        static = widget._static_layer(widget.diagram_layout(), colours_for(widget.palette())) \
            .toImage().convertToFormat(QImage.Format.Format_RGB32)
    accent = colours_for(widget.palette()).accent
    want = (accent.red(), accent.green(), accent.blue())
    # RGB32 pixels as 0xffRRGGBB words, read in one go (a QColor per pixel took seconds)
    words = memoryview(image.constBits()).cast("I")
    before = memoryview(static.constBits()).cast("I") if static is not None else None
    stride = image.bytesPerLine() // 4
    out = []
    for y in range(image.height()):
        row = words[y * stride:y * stride + image.width()]
        for x, c in enumerate(row):
            if (abs((c >> 16 & 255) - want[0]) + abs((c >> 8 & 255) - want[1])
                    + abs((c & 255) - want[2])) < 30 and (
                        before is None or before[y * stride + x] != c):
                out.append((x, y))
    return out


def foot_pixels(widget: LegDiagram, pose: Pose) -> list[tuple[int, int]]:
    """The working foot: moving accent pixels above its leg's round end."""
    widget.set_pose(pose)
    lay = widget.diagram_layout()
    above = lay.pivot.y() - SECTION * lay.length
    out = [p for p in accent_pixels(widget, pose) if p[1] < above]
    assert len(out) > 100, "the foot is not painted"
    return out


def centroid_x(pixels: list[tuple[int, int]]) -> float:
    return sum(x for x, _ in pixels) / len(pixels)


def centroid(pixels: list[tuple[int, int]]) -> tuple[float, float]:
    return centroid_x(pixels), sum(y for _, y in pixels) / len(pixels)


def tilt_of(widget: LegDiagram, pixels: list[tuple[int, int]]) -> float:
    """Degrees from upright of the line from the pivot to the foot's centroid (+: right)."""
    pivot = widget.diagram_layout().pivot
    x, y = centroid(pixels)
    return math.degrees(math.atan2(x - pivot.x(), pivot.y() - y))


def test_foot_is_left_of_its_heel_in_a_left_sweep_at_the_plans_angle(diagram, timeline):
    poser = Poser(timeline)
    pose = poser(rep(timeline, "sweep-left").t)
    diagram.set_pose(pose)
    lay = diagram.diagram_layout()
    pixels = foot_pixels(diagram, pose)
    assert centroid_x(pixels) < lay.pivot.x() - 0.2 * lay.length
    # drawn to scale: the foot leans SWEEP_DEGREES from upright, the toe tip on that line
    assert abs(tilt_of(diagram, pixels) + SWEEP_DEGREES) < 4
    toe = diagram.toe_point()
    assert abs(math.degrees(math.atan2(toe.x() - lay.pivot.x(), lay.pivot.y() - toe.y()))
               + SWEEP_DEGREES) < 0.5


def test_a_sweep_turns_the_leg_on_its_axis_it_does_not_swing_it(diagram, timeline):
    """The wiper turns about the heel: the leg's round end stays where it is (no sideways
    swing at the hip), and nothing else moves (a frame repaints only the foot's box)."""
    poser = Poser(timeline)
    r = rep(timeline, "sweep-left")
    lay = diagram.diagram_layout()
    below = lay.pivot.y() + 0.5 * SECTION * lay.length

    def round_end(pose: Pose) -> tuple[float, float]:
        return centroid([p for p in accent_pixels(diagram, pose) if p[1] > below])

    rest, swept = round_end(poser(r.move_start)), round_end(poser(r.t))
    assert abs(rest[0] - swept[0]) < 3 and abs(rest[1] - swept[1]) < 3
    assert abs(rest[0] - lay.pivot.x()) < 3
    dirty = diagram._dirty_rect(poser(r.t), lay)
    assert dirty.width() * dirty.height() < 0.3 * diagram.width() * diagram.height()


def test_foot_is_right_of_its_heel_in_a_right_sweep(diagram, timeline):
    poser = Poser(timeline)
    pixels = foot_pixels(diagram, poser(rep(timeline, "sweep-right").t))
    assert abs(tilt_of(diagram, pixels) - SWEEP_DEGREES) < 4


def test_whole_wiper_goes_both_ways(diagram, timeline):
    poser = Poser(timeline)
    r = rep(timeline, "sweep-both")
    left = foot_pixels(diagram, poser(r.move_start + 0.25 * r.duration))
    right = foot_pixels(diagram, poser(r.t))
    assert abs(tilt_of(diagram, left) + SWEEP_DEGREES) < 4
    assert abs(tilt_of(diagram, right) - SWEEP_DEGREES) < 4


def test_circles_turn_the_toes_about_the_ankle(diagram, timeline):
    poser = Poser(timeline)
    pivot = diagram.diagram_layout().pivot
    length = diagram.diagram_layout().length
    r = rep(timeline, "circle-clockwise", n=2)
    toes = []
    for f in (0.0, 0.25, 0.5, 0.75):
        diagram.set_pose(poser(r.move_start + f * r.duration))
        toes.append(diagram.toe_point())
        assert diagram.diagram_layout().pivot == pivot  # the leg stays: only the foot turns
    assert toes[1].x() > pivot.x() + 0.2 * length  # a quarter round: toes to the right
    assert toes[3].x() < pivot.x() - 0.2 * length  # three quarters: to the left
    assert toes[2].y() > toes[0].y() + 0.4 * length  # half way: toes at the circle's bottom
    at = [foot_pixels(diagram, poser(r.move_start + f * r.duration)) for f in (0.25, 0.75)]
    assert centroid_x(at[0]) > centroid_x(at[1]) + 0.1 * length
    ccw = rep(timeline, "circle-counterclockwise")
    diagram.set_pose(poser(ccw.move_start + 0.25 * ccw.duration))
    assert diagram.toe_point().x() < pivot.x() - 0.2 * length


def test_the_picture_is_large(qtbot, timeline):
    """Read from 3 m: in the session's place at 1366×768 the foot is a third of the
    picture's height, the toes' circle over 100 px across."""
    widget = LegDiagram()
    qtbot.addWidget(widget)
    widget.resize(800, 640)
    lay = widget.diagram_layout()
    assert lay.length >= 0.33 * widget.height()
    assert 2 * CIRCLE_RADIUS * lay.length > 100


def test_foot_is_upright_in_a_still_pause_with_a_ring(diagram, timeline):
    poser = Poser(timeline)
    still = next(e for e in timeline.events if e.kind == "still")
    pose = poser(still.t + 4.2)
    assert pose.ring is not None and pose.seconds_left == 6
    pixels = foot_pixels(diagram, pose)
    assert abs(tilt_of(diagram, pixels)) < 2
    assert "6 seconds left" in diagram.accessibleDescription()


def test_other_leg_is_mirrored(diagram, timeline):
    """The right leg's foot stands to the right of the resting left one; a wipe to the
    left goes to the person's left with either leg."""
    poser = Poser(timeline)
    left_still = next(e for e in timeline.events if e.kind == "still" and e.leg == "left")
    right_still = next(e for e in timeline.events if e.kind == "still" and e.leg == "right")
    diagram.set_pose(poser(left_still.t + 1))
    left_pivot = diagram.diagram_layout().pivot.x()
    diagram.set_pose(poser(right_still.t + 1))
    right_pivot = diagram.diagram_layout().pivot.x()
    assert right_pivot > left_pivot + 0.5 * diagram.diagram_layout().length
    pixels = foot_pixels(diagram, poser(rep(timeline, "sweep-left", "right").t))
    assert abs(tilt_of(diagram, pixels) + SWEEP_DEGREES) < 4
    pixels = foot_pixels(diagram, poser(rep(timeline, "sweep-right", "right").t))
    assert abs(tilt_of(diagram, pixels) - SWEEP_DEGREES) < 4


def test_unchanged_pose_does_not_repaint(qtbot, diagram, timeline):
    poser = Poser(timeline)
    diagram.show()
    qtbot.waitExposed(diagram)
    pose = poser(rep(timeline, "sweep-left").t)
    diagram.set_pose(pose)
    qtbot.waitUntil(lambda: diagram.paints > 0)
    before = diagram.paints
    diagram.set_pose(Poser(timeline)(rep(timeline, "sweep-left").t))  # equal pose
    diagram.repaint()  # forces exactly one paint; a pending update would add another
    assert diagram.paints == before + 1


@pytest.mark.parametrize("size", [(240, 170), (420, 700), (1900, 1000)])
def test_scales_from_small_to_full_screen(diagram, timeline, size):
    diagram.resize(*size)
    poser = Poser(timeline)
    lay = diagram.diagram_layout()
    assert diagram.rect().toRectF().contains(lay.foot_view)
    if size[0] >= 420:  # a small view of the whole person, if it can be read
        assert diagram.rect().toRectF().contains(lay.body_box)
        assert not lay.foot_view.intersects(lay.body_box)
    diagram.set_pose(poser(rep(timeline, "sweep-left").t))
    view = diagram.end_view()
    assert lay.foot_view.contains(view.moving_bounds(diagram.pose().toe, ()).adjusted(
        4, 4, -4, -4))
    foot_pixels(diagram, poser(rep(timeline, "sweep-left").t))


def test_dark_palette(diagram, timeline):
    palette = QPalette(diagram.palette())
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#f0f0f0"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#8ab4f8"))
    diagram.setPalette(palette)
    colours = colours_for(diagram.palette())
    assert colours.dark and colours.accent == QColor("#8ab4f8")  # the palette's own
    pixels = foot_pixels(diagram, Poser(timeline)(rep(timeline, "sweep-right").t))
    assert abs(tilt_of(diagram, pixels) - SWEEP_DEGREES) < 4


def test_description_tells_the_pose_in_words(timeline):
    poser = Poser(timeline)
    text = describe(poser(rep(timeline, "sweep-left", n=2).t))
    assert text == "Left foot. Wipe to the left, 2 of 3."
    assert describe(poser(34.0)).startswith("Left foot. Starting in")


def test_a_frame_repaints_everything_that_changed(diagram, timeline):
    """Partial repaints: every pixel a pose paints over the static layer lies inside the
    rectangle a frame repaints, so no stale foot or trail is left behind."""
    poser = Poser(timeline)
    diagram.resize(700, 460)
    still = next(e for e in timeline.events if e.kind == "still")
    moments = [rep(timeline, m).move_start + f * rep(timeline, m).duration
               for m in ("sweep-left", "sweep-both", "circle-clockwise")
               for f in (0.1, 0.3, 0.5, 0.8)] + [still.t + 2.5, 33.5]
    for t in moments:
        pose = poser(t)
        diagram.set_pose(pose)
        full = diagram.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        lay = diagram.diagram_layout()
        static = diagram._static_layer(lay, colours_for(diagram.palette())).toImage() \
            .convertToFormat(QImage.Format.Format_RGB32)
        dirty = diagram._dirty_rect(pose, lay)
        changed = changed_pixels(full, static)
        assert len(changed) > 400  # the foot is drawn on top of the static layer
        outside = [p for p in changed if not dirty.contains(*p)]
        assert outside == [], (t, pose.kind, outside[:5])


def changed_pixels(a: QImage, b: QImage) -> list[tuple[int, int]]:
    """Every pixel that differs between two RGB32 images of one size. Equal rows are
    skipped by comparing their bytes, so only the rows the foot crosses are read pixel
    by pixel (every second pixel through QImage.pixel() took 0.6 s)."""
    assert a.size() == b.size() and a.bytesPerLine() == b.bytesPerLine()
    line, width = a.bytesPerLine(), a.width()
    bytes_a, bytes_b = memoryview(a.constBits()), memoryview(b.constBits())
    out = []
    for y in range(a.height()):
        row_a = bytes(bytes_a[y * line:y * line + 4 * width])
        row_b = bytes(bytes_b[y * line:y * line + 4 * width])
        if row_a != row_b:
            words_a, words_b = memoryview(row_a).cast("I"), memoryview(row_b).cast("I")
            out.extend((x, y) for x in range(width) if words_a[x] != words_b[x])
    return out


def test_the_massage_shows_the_thigh_with_its_press_points(diagram):
    timeline = compile_timeline(load_catalog().get("thigh-massage"), PlanSettings())
    poser = Poser(timeline)
    diagram.set_picture("thigh")
    presses = [e for e in timeline.events if e.kind == "press" and e.leg == "left"]
    assert len(presses) == 6
    third = presses[2]
    pose = poser(third.t + 2.5)
    assert pose.kind == "press" and pose.rep == 3 and pose.seconds_left == 10
    from knee_desktop.ui.diagram.art import Thigh

    thigh = Thigh(diagram.diagram_layout().foot_view)
    on_thigh = thigh.shape().boundingRect()
    lit = [p for p in accent_pixels(diagram, pose, moving=False) if on_thigh.contains(*p)]
    assert len(lit) > 50
    spot = thigh.point(3, 6)
    # the lit pixels on the thigh are the third point and its halo, not the others
    assert all(abs(x - spot.x()) <= 2.1 * thigh.spot + 3 and abs(y - spot.y())
               <= 2.1 * thigh.spot + 3 for x, y in lit)
    assert diagram.diagram_layout().ring_radius > 2 * thigh.spot  # the seconds, large
    assert diagram.caption() == "LEFT THIGH · Press and hold"
    assert diagram.accessibleDescription() == "Left thigh. Press point 3 of 6: 10 seconds left."
    found = poser(third.t + third.duration + 1)
    assert found.kind == "find" and accent_pixels(diagram, found, moving=False)  # dashed, lit


@pytest.mark.parametrize("name", ["light", "dark", "high-contrast"])
def test_diagram_colours_come_from_the_palette_and_reach_wcag_aa(name):
    from knee_desktop.ui.theme import contrast, named_palette

    palette = named_palette(name)
    c = colours_for(palette)
    assert c.background == palette.color(QPalette.ColorRole.Base)
    assert c.text == palette.color(QPalette.ColorRole.Text)
    assert contrast(c.text, c.background) >= 4.5
    for line in (c.accent, c.faint, c.ring, c.trail_old, c.trail_new):
        assert contrast(line, c.background) >= 3.0, (name, line.name())
