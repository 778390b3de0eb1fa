"""The pose is a pure function of the timeline position (no Qt)."""

from __future__ import annotations

import math

import pytest

from knee_desktop.plan.pose import SWEEP_DEGREES, Poser, movement_path, toe_at
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import Timeline, compile_timeline
from knee_desktop.routine.loader import load_catalog


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    routine = load_catalog().get("windshield-wiper")
    return compile_timeline(routine, PlanSettings(reps=3))


def reps_of(timeline: Timeline, movement: str, leg: str = "left"):
    return [e for e in timeline.events
            if e.kind == "rep" and e.movement == movement and e.leg == leg]


def test_sweep_reaches_its_extreme_exactly_when_the_count_is_heard(timeline):
    poser = Poser(timeline)
    for movement, sign in (("sweep-left", -1), ("sweep-right", 1), ("sweep-both", 1)):
        for rep in reps_of(timeline, movement):
            at_count = poser(rep.t)
            assert at_count.kind == "move"
            assert at_count.tilt == pytest.approx(sign * SWEEP_DEGREES, abs=1e-6)
            # a moment either side the foot is less far out: the count is the extreme
            for dt in (-0.05, 0.05):
                assert abs(poser(rep.t + dt).tilt) < SWEEP_DEGREES - 0.01


def test_left_sweep_goes_left_and_right_sweep_goes_right(timeline):
    poser = Poser(timeline)
    left = reps_of(timeline, "sweep-left")[0]
    right = reps_of(timeline, "sweep-right")[0]
    assert poser(left.t - 0.3).toe[0] < -0.2
    assert poser(right.t - 0.3).toe[0] > 0.2
    # the whole wiper: left at a quarter, right at three quarters (its count)
    both = reps_of(timeline, "sweep-both")[0]
    assert poser(both.move_start + 0.25 * both.duration).toe[0] < -0.5
    assert poser(both.t).toe[0] > 0.5


def test_circles_go_round_and_close_on_the_count(timeline):
    poser = Poser(timeline)
    for movement, right_at_quarter in (("circle-clockwise", True),
                                       ("circle-counterclockwise", False)):
        rep = reps_of(timeline, movement)[1]
        d = rep.duration
        quarter = poser(rep.move_start + 0.25 * d).toe
        half = poser(rep.move_start + 0.5 * d).toe
        three = poser(rep.move_start + 0.75 * d).toe
        assert (quarter[0] > 0.2) is right_at_quarter
        assert (three[0] > 0.2) is not right_at_quarter
        assert half[1] < 0.6  # the toes dip to the bottom of the circle
        # the count falls where the circle closes: back upright
        assert poser(rep.t - 1e-6).toe == pytest.approx((0.0, 1.0), abs=1e-4)


def test_still_pause_is_upright_with_a_ring_counting_down(timeline):
    poser = Poser(timeline)
    still = next(e for e in timeline.events if e.kind == "still")
    start = poser(still.t)
    assert start.kind == "still"
    assert start.toe == (0.0, 1.0)
    assert start.ring == pytest.approx(1.0)
    assert start.seconds_left == 10
    mid = poser(still.t + 3.5)
    assert mid.ring == pytest.approx(0.65)
    assert mid.seconds_left == 7
    assert poser(still.t + 9.99).seconds_left == 1
    assert poser(still.t + 10.2).kind == "instruction"  # after "And move again."


def test_rest_shows_time_left(timeline):
    poser = Poser(timeline)
    rest = next(e for e in timeline.events if e.kind == "rest")
    pose = poser(rest.t + 5)
    assert pose.kind == "rest"
    assert pose.seconds_left == math.ceil(rest.duration - 5)
    assert pose.toe == (0.0, 1.0)


def test_lead_in_counts_in_from_the_timeline(timeline):
    poser = Poser(timeline)
    assert poser(0.0).kind == "lead-in"
    counts = [e for e in timeline.events if e.kind == "count"]
    assert [poser(e.t + 0.1).count_in for e in counts] == [5, 4, 3, 2, 1]
    assert all(poser(e.t).kind == "count-in" for e in counts)


def test_legs_and_steps_follow_the_timeline(timeline):
    poser = Poser(timeline)
    first = reps_of(timeline, "sweep-left", "left")[0]
    other = reps_of(timeline, "sweep-left", "right")[0]
    assert poser(first.t).leg == "left"
    assert poser(other.t).leg == "right"
    # same movement, same phase: the same toe position for either leg
    assert poser(first.t).toe == pytest.approx(poser(other.t).toe)
    switch = next(s for s in timeline.steps if s.kind == "switch")
    assert poser(switch.start + 0.1).kind == "switch"
    assert poser(timeline.duration).kind == "end"
    assert poser(timeline.duration).leg is None  # no leg works once it is over


def test_instruction_before_reps_is_upright_and_trail_follows_the_toe(timeline):
    poser = Poser(timeline)
    step = next(s for s in timeline.steps if s.movement == "sweep-left")
    before = poser(step.start + 0.5)
    assert before.kind == "instruction" and before.toe == (0.0, 1.0)
    assert before.movement == "sweep-left"
    rep = reps_of(timeline, "sweep-left")[1]
    pose = poser(rep.t)
    assert pose.trail and pose.trail[-1][0] > pose.toe[0] - 1e-9  # trail lags behind
    assert all(-1.0 <= x <= 1.0 and 0.0 < y <= 1.0 for x, y in pose.trail)


def test_paths_and_positions_stay_in_range():
    for movement in ("sweep-left", "sweep-right", "sweep-both", "circle-clockwise",
                     "circle-counterclockwise"):
        path = movement_path(movement)  # type: ignore[arg-type]
        assert len(path) > 10
        for phase in (x / 20 for x in range(21)):
            x, y = toe_at(movement, phase)  # type: ignore[arg-type]
            assert math.hypot(x, y) <= 1.0 + 1e-9
    both = movement_path("sweep-both")
    assert both[0][0] < -0.5 < 0.5 < both[-1][0]


def test_press_steps_count_the_hold(tmp_path):
    routine = load_catalog().get("thigh-massage")
    timeline = compile_timeline(routine, PlanSettings(reps=2))
    poser = Poser(timeline)
    press = next(e for e in timeline.events if e.kind == "press")
    pose = poser(press.t + 2)
    assert pose.kind == "press" and pose.seconds_left == 10 and pose.rep == 1
    assert poser(press.t + press.duration + 0.5).kind == "find"


def test_still_until_tells_when_the_picture_next_changes(timeline):
    poser = Poser(timeline)
    first = reps_of(timeline, "sweep-left")[0]
    step = timeline.steps[first.step]
    # during the spoken instruction the foot waits upright until the first repetition
    assert poser.still_until(step.start + 0.2) == pytest.approx(first.move_start)
    # while it moves, it changes all the time
    assert poser.still_until(first.t) == first.t
    still = next(e for e in timeline.events if e.kind == "still")
    assert poser.still_until(still.t + 1) == still.t + 1  # the ring counts down
    counts = [e for e in timeline.events if e.kind == "count"]
    assert poser.still_until(counts[0].t + 0.1) == pytest.approx(counts[1].t)
    assert poser.still_until(1.0) == pytest.approx(counts[0].t)  # lead-in words
    # whatever the moment, the picture at t and just before still_until(t) is the same
    t = 0.0
    while t < timeline.duration:
        until = poser.still_until(t)
        if until > t + 0.02:
            assert poser(t) == poser(until - 0.01), t
        t += 0.37
