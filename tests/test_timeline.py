"""The timeline compiler: the guide's routine, timed, and how settings change it."""

from __future__ import annotations

from collections import Counter
from itertools import groupby, pairwise

import pytest

from knee_desktop.common.errors import SettingsError
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import (
    BEAT_PHASE,
    Timeline,
    compile_timeline,
    estimate_speech_seconds,
    overlaps,
)
from knee_desktop.routine.loader import load_catalog

GUIDE_ORDER = ["sweep-left", "sweep-right", "sweep-both", "circle-clockwise",
               "circle-counterclockwise"]


def wiper(**settings: object) -> Timeline:
    return compile_timeline(load_catalog().routines["windshield-wiper"],
                            PlanSettings(**settings))  # type: ignore[arg-type]


def groups(tl: Timeline, leg: str) -> list[tuple[str, list[int]]]:
    reps = [e for e in tl.events if e.kind == "rep" and e.leg == leg]
    return [(m, [e.rep for e in g]) for m, g in groupby(reps, key=lambda e: e.movement)]


def test_default_session_follows_the_guide_for_each_leg() -> None:
    tl = wiper()
    assert [e.t for e in tl.events] == sorted(e.t for e in tl.events)
    for leg in ("left", "right"):
        assert groups(tl, leg) == [(m, list(range(1, 11))) for m in GUIDE_ORDER]
        stills = [e for e in tl.events if e.kind == "still" and e.leg == leg]
        assert [e.duration for e in stills] == [10.0] * 5
    switches = [e for e in tl.events if e.kind == "switch"]
    assert len(switches) == 1 and switches[0].leg == "right"
    last_left = max(e.t for e in tl.events if e.leg == "left")
    assert last_left < switches[0].t < min(e.t for e in tl.events if e.kind == "rep"
                                          and e.leg == "right")
    assert tl.events[-1].kind == "end" and tl.duration > tl.events[-1].t
    assert Counter(e.kind for e in tl.events)["rep"] == 100


def test_each_still_pause_comes_after_its_group_and_its_end_is_announced() -> None:
    tl = wiper()
    events = list(tl.events)
    for i, e in enumerate(events):
        if e.kind == "still":
            before = [x for x in events[:i] if x.kind in ("rep", "still", "still-end")][-1]
            assert before.kind == "rep" and before.rep == 10
            end = next(x for x in events[i:] if x.kind == "still-end")
            assert end.t == pytest.approx(e.t + 10.0) and end.text
            assert "ten seconds" in (e.text or "")


def test_counts_fall_on_the_beat_of_each_repetition() -> None:
    tl = wiper(sweep_seconds=2.5, circle_seconds=4.0)
    for movement in GUIDE_ORDER:
        reps = [e for e in tl.events if e.kind == "rep" and e.movement == movement
                and e.leg == "left"]
        gaps = {round(b.t - a.t, 6) for a, b in pairwise(reps)}
        period = 2.5 if movement.startswith("sweep") else 4.0
        assert gaps == {period}
        first = reps[0]
        assert first.beat == BEAT_PHASE[movement]
        assert first.move_start == pytest.approx(first.t - first.beat * period)
    assert [e.text for e in tl.events if e.kind == "rep"][:3] == ["One.", "Two.", "Three."]


def test_options_change_reps_pause_tempo_and_legs() -> None:
    tl = wiper(reps=3, pause_seconds=5, leg="right")
    assert groups(tl, "right") == [(m, [1, 2, 3]) for m in GUIDE_ORDER]
    assert groups(tl, "left") == []
    assert not [e for e in tl.events if e.kind == "switch"]
    assert {e.duration for e in tl.events if e.kind == "still"} == {5.0}
    assert "three times" in " ".join(e.text or "" for e in tl.events)
    slow = wiper(reps=3, sweep_seconds=4, circle_seconds=4)
    assert slow.duration > wiper(reps=3).duration
    right_first = wiper(first_leg="right")
    legs = [e.leg for e in right_first.events if e.kind == "rep"]
    assert legs[0] == "right" and legs[-1] == "left"


def test_tempo_option_sets_sweeps_and_circles_alike() -> None:
    s = PlanSettings().with_tempo(3.5)
    assert (s.sweep_seconds, s.circle_seconds) == (3.5, 3.5)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"reps": 0}, "--reps: expected reps from 1 to 100, got 0"),
        ({"pause_seconds": 0}, "--pause: expected pause from 0.5 to 3600 seconds, got 0"),
        ({"sweep_seconds": 0.1}, "--tempo"),
        ({"lead_in_seconds": 99}, "--lead-in"),
    ],
)
def test_bad_settings_are_refused_with_the_option_named(settings: dict[str, float],
                                                         message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        wiper(**settings)


def test_lead_in_tells_how_to_lie_gives_safety_and_counts_in() -> None:
    tl = wiper(lead_in_seconds=5)
    lead = [e for e in tl.events if e.step == 0]
    text = " ".join(e.text or "" for e in lead)
    assert "Lie on your back" in text and "point of pain" in text
    counts = [e for e in lead if e.kind == "count"]
    assert [e.rep for e in counts] == [5, 4, 3, 2, 1]
    assert [round(b.t - a.t, 6) for a, b in pairwise(counts)] == [1.0] * 4
    assert tl.steps[1].start == pytest.approx(counts[-1].t + 1.0)
    assert not [e for e in wiper(lead_in_seconds=0).events if e.kind == "count"]


def test_steps_tile_the_session_and_every_event_sits_in_its_step() -> None:
    tl = wiper()
    for a, b in zip(tl.steps, tl.steps[1:], strict=False):
        assert a.end == pytest.approx(b.start)
    for e in tl.events:
        span = tl.steps[e.step]
        assert span.start - 1e-9 <= e.t <= span.end + 1e-9
    titles = [s.title for s in tl.steps]
    assert titles[0] == "Get ready" and titles[-1] == "Finish"
    assert "Switch to the right leg" in titles
    assert tl.step_at(tl.steps[3].start + 0.01).index == 3


def test_no_phrase_runs_into_the_next_with_estimated_speech() -> None:
    for routine in load_catalog().routines.values():
        tl = compile_timeline(routine)
        assert overlaps(tl, estimate_speech_seconds) == []


def test_overlaps_finds_counts_too_long_for_a_fast_tempo() -> None:
    tl = wiper(sweep_seconds=0.5, circle_seconds=0.5)
    slow_voice = overlaps(tl, lambda text: 0.62)
    assert slow_voice and all(o.event.kind in ("rep", "count") for o in slow_voice)


def test_thigh_massage_presses_hold_twelve_seconds() -> None:
    tl = compile_timeline(load_catalog().routines["thigh-massage"])
    presses = [e for e in tl.events if e.kind == "press"]
    releases = [e for e in tl.events if e.kind == "release"]
    assert len(presses) == len(releases) == 12  # 6 per thigh, both legs
    for p, r in zip(presses, releases, strict=True):
        assert r.t - p.t == pytest.approx(12.0) and p.duration == 12.0
    # presses are not repetitions of a movement: the Repetitions setting leaves them
    again = compile_timeline(load_catalog().routines["thigh-massage"], PlanSettings(reps=2))
    assert len([e for e in again.events if e.kind == "press"]) == 12


def test_phrases_are_distinct_and_in_order() -> None:
    phrases = wiper().phrases()
    assert len(phrases) == len(set(phrases))
    assert phrases[0] == "Windshield wiper and foot circles."
    assert "Ten." in phrases


def test_json_contract() -> None:
    data = wiper(reps=2).to_json()
    assert data["routine"] == "windshield-wiper" and data["duration"] > 0
    events = data["events"]
    assert [e["t"] for e in events] == sorted(e["t"] for e in events)
    for e in events:
        assert {"t", "kind", "leg", "text"} <= set(e)
        if e["kind"] == "rep":
            assert e["movement"] in GUIDE_ORDER and e["rep"] >= 1 and e["text"]
        if e["kind"] == "still":
            assert e["duration"] == 10.0 and e["text"]
    assert {e["kind"] for e in events} >= {"say", "rep", "still", "switch", "end"}
