"""Image tests: grab the diagram at chosen timeline positions and look where the foot is."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage

from knee_desktop.plan.pose import Pose, Poser
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import Timeline, compile_timeline
from knee_desktop.routine.loader import load_catalog
from knee_desktop.ui.diagram_colours import colours_for
from knee_desktop.ui.leg_diagram import LegDiagram, describe


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


def foot_pixels(widget: LegDiagram, pose: Pose) -> list[tuple[int, int]]:
    """Pixels of the foot's own colour inside the foot view."""
    widget.set_pose(pose)
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    accent = colours_for(widget.palette()).accent
    want = (accent.red(), accent.green(), accent.blue())
    view = widget.diagram_layout().foot_view
    ratio = image.width() / widget.width()
    out = []
    for y in range(int(view.top() * ratio), int(view.bottom() * ratio)):
        for x in range(int(view.left() * ratio), int(view.right() * ratio)):
            c = QColor(image.pixel(x, y))
            if abs(c.red() - want[0]) + abs(c.green() - want[1]) + abs(c.blue() - want[2]) < 30:
                out.append((x, y))
    assert len(out) > 200, "the foot is not painted"
    return out


def centroid_x(pixels: list[tuple[int, int]]) -> float:
    return sum(x for x, _ in pixels) / len(pixels)


def test_foot_is_left_of_centre_in_a_left_sweep(diagram, timeline):
    poser = Poser(timeline)
    pivot = diagram.diagram_layout().pivot.x()
    pixels = foot_pixels(diagram, poser(rep(timeline, "sweep-left").t))
    assert centroid_x(pixels) < pivot - 40
    tip = min(pixels, key=lambda p: p[1] + 0.0)  # a point near the top of the foot
    assert tip[0] < pivot
    assert diagram.toe_point().x() < pivot - 0.4 * diagram.diagram_layout().length


def test_foot_is_right_of_centre_in_a_right_sweep(diagram, timeline):
    poser = Poser(timeline)
    pivot = diagram.diagram_layout().pivot.x()
    assert centroid_x(foot_pixels(diagram, poser(rep(timeline, "sweep-right").t))) > pivot + 40


def test_whole_wiper_goes_both_ways(diagram, timeline):
    poser = Poser(timeline)
    pivot = diagram.diagram_layout().pivot.x()
    r = rep(timeline, "sweep-both")
    left = foot_pixels(diagram, poser(r.move_start + 0.25 * r.duration))
    right = foot_pixels(diagram, poser(r.t))
    assert centroid_x(left) < pivot - 40 < pivot + 40 < centroid_x(right)


def test_circles_trace_positions_around_a_circle(diagram, timeline):
    poser = Poser(timeline)
    pivot = diagram.diagram_layout().pivot.x()
    r = rep(timeline, "circle-clockwise", n=2)
    at = [foot_pixels(diagram, poser(r.move_start + f * r.duration))
          for f in (0.0, 0.25, 0.5, 0.75)]
    tops = [min(y for _, y in px) for px in at]
    xs = [centroid_x(px) for px in at]
    assert xs[1] > pivot + 15  # a quarter round: toes to the right (clockwise)
    assert xs[3] < pivot - 15  # three quarters: to the left
    assert tops[2] > tops[0] + 40  # half way: toes at the bottom of the circle
    ccw = rep(timeline, "circle-counterclockwise")
    assert centroid_x(foot_pixels(diagram, poser(ccw.move_start + 0.25 * ccw.duration))) \
        < pivot - 15


def test_foot_is_upright_in_a_still_pause_with_a_ring(diagram, timeline):
    poser = Poser(timeline)
    pivot = diagram.diagram_layout().pivot.x()
    still = next(e for e in timeline.events if e.kind == "still")
    pose = poser(still.t + 4.2)
    assert pose.ring is not None and pose.seconds_left == 6
    pixels = foot_pixels(diagram, pose)
    assert abs(centroid_x(pixels) - pivot) < 12
    assert "6 seconds left" in diagram.accessibleDescription()


def test_other_leg_is_mirrored(diagram, timeline):
    poser = Poser(timeline)
    pivot = diagram.diagram_layout().pivot.x()
    left_still = next(e for e in timeline.events if e.kind == "still" and e.leg == "left")
    right_still = next(e for e in timeline.events if e.kind == "still" and e.leg == "right")
    left = set(foot_pixels(diagram, poser(left_still.t + 1)))
    right = set(foot_pixels(diagram, poser(right_still.t + 1)))
    mirrored = {(round(2 * pivot - x - 1), y) for x, y in right}
    near = {(x + dx, y) for x, y in mirrored for dx in (-1, 0, 1)}
    assert len(left & near) / len(left) > 0.95
    # the big toe is on the inner side: a left foot's toes lean right, a right foot's left
    top = min(y for _, y in left)
    toes_left = [p for p in left if p[1] < top + 25]
    toes_right = [p for p in right if p[1] < top + 25]
    assert centroid_x(toes_left) > pivot > centroid_x(toes_right)
    # the same movement goes the same way for either leg
    sweep_right_leg = foot_pixels(diagram, poser(rep(timeline, "sweep-left", "right").t))
    assert centroid_x(sweep_right_leg) < pivot - 40


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
    assert diagram.rect().toRectF().contains(lay.body_box)
    toe = diagram.to_widget((-0.6, 0.8))
    assert lay.foot_view.contains(toe)
    foot_pixels(diagram, poser(rep(timeline, "sweep-left").t))


def test_dark_palette(diagram, timeline):
    from PySide6.QtGui import QPalette

    palette = QPalette(diagram.palette())
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#f0f0f0"))
    diagram.setPalette(palette)
    colours = colours_for(diagram.palette())
    assert colours.dark
    pivot = diagram.diagram_layout().pivot.x()
    pixels = foot_pixels(diagram, Poser(timeline)(rep(timeline, "sweep-right").t))
    assert centroid_x(pixels) > pivot + 40


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
        changed = [(x, y) for y in range(0, full.height(), 2) for x in range(0, full.width(), 2)
                   if full.pixel(x, y) != static.pixel(x, y)]
        assert len(changed) > 100  # the foot is drawn on top of the static layer
        outside = [p for p in changed if not dirty.contains(*p)]
        assert outside == [], (t, pose.kind, outside[:5])
