"""Cues at the cue level with a fake clock: when each is handed to the voice and for when,
pause/resume, skip, repeat and stale-cue dropping; and the Qt scheduler on a real clock."""

from __future__ import annotations

import pytest

from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import Event, StepSpan, Timeline, compile_timeline
from knee_desktop.routine.loader import load_catalog
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import Cue, Session, State
from tests.fakes import CueLogVoice

LATENCY = CueLogVoice.LATENCY

def wire(timeline: Timeline) -> tuple[Session, CueLogVoice, FakeClock, list[Cue]]:
    clock = FakeClock()
    voice = CueLogVoice(clock)
    session = Session(timeline, clock, lookahead=voice.latency)
    dropped: list[Cue] = []
    session.cue.connect(lambda c: voice.play_at(c.event.text or "", c.event.kind, c.due))
    session.repeated.connect(lambda c: voice.play_at(c.event.text or "", c.event.kind, c.due))
    session.announce.connect(voice.say)
    session.dropped.connect(dropped.append)
    return session, voice, clock, dropped


def step_to_next(session: Session, clock: FakeClock, late: float = 0.0) -> None:
    deadline = session.next_deadline()
    assert deadline is not None
    clock.set(max(clock.now(), deadline + late))
    session.poll()


@pytest.fixture
def timeline() -> Timeline:
    routine = load_catalog().get("windshield-wiper")
    return compile_timeline(routine, PlanSettings(reps=3, pause_seconds=2, leg="left",
                                                  lead_in_seconds=3))


def test_each_cue_is_handed_over_early_by_the_latency_for_its_beat(timeline: Timeline) -> None:
    session, voice, clock, dropped = wire(timeline)
    start = clock.now()
    session.start()
    session.poll()
    while session.state is State.RUNNING:
        step_to_next(session, clock)
    spoken = [e for e in timeline.events if e.text]
    assert [p.text for p in voice.played] == [e.text for e in spoken]
    for p, e in zip(voice.played, spoken, strict=True):
        assert p.heard_at == pytest.approx(start + LATENCY + e.t)
        assert p.heard_at - p.handed == pytest.approx(LATENCY)
    assert not dropped
    assert session.state is State.FINISHED


def test_pause_holds_the_counts_and_resume_restarts_the_repetition(timeline: Timeline) -> None:
    session, voice, clock, _ = wire(timeline)
    session.start()
    reps = [e for e in timeline.events if e.kind == "rep"]
    while not voice.played or voice.played[-1].kind != "rep":
        step_to_next(session, clock)
    clock.advance(1.3)  # the foot is on its way to the second count
    session.pause()
    assert voice.played[-1].text.startswith("Paused")
    assert session.next_deadline() is None
    clock.advance(30)
    session.poll()
    assert voice.played[-1].text.startswith("Paused")  # nothing while paused
    session.resume()
    resumed = clock.now()
    step_to_next(session, clock)
    two = voice.played[-1]
    assert two.text == reps[1].text
    # The second repetition starts again from its beginning, after the resume gap.
    expected = resumed + session.resume_gap + (reps[1].t - reps[1].move_start)
    assert two.heard_at == pytest.approx(expected)


def test_skip_moves_the_next_cue_to_the_next_step(timeline: Timeline) -> None:
    session, voice, clock, _ = wire(timeline)
    session.start()
    session.poll()
    target = session.skip()
    assert target is not None
    assert voice.played[-1].text.startswith("Skipping to")
    step_to_next(session, clock)
    first_of_target = next(e for e in timeline.events if e.step == target.index and e.text)
    assert voice.played[-1].text == first_of_target.text


def test_repeat_says_the_last_phrase_again_now(timeline: Timeline) -> None:
    session, voice, clock, _ = wire(timeline)
    session.start()
    session.poll()
    step_to_next(session, clock)
    last = voice.played[-1]
    clock.advance(0.5)
    session.repeat()
    again = voice.played[-1]
    assert again.text == last.text
    assert again.heard_at == pytest.approx(clock.now() + LATENCY)


def test_a_stall_drops_stale_cues_instead_of_bursting(timeline: Timeline) -> None:
    session, voice, clock, dropped = wire(timeline)
    session.start()
    session.poll()
    before = len(voice.played)
    deadline = session.next_deadline()
    assert deadline is not None
    clock.set(deadline + 5.0)  # the machine stalled for five seconds
    session.poll()
    assert dropped, "late cues are dropped"
    assert all(clock.now() - (c.due - LATENCY) > session.stale_after for c in dropped)
    played_now = voice.played[before:]
    assert len(played_now) <= 1  # at most the one cue that is due right now, no burst


def tiny_timeline(gap: float) -> Timeline:
    events = tuple(Event(i * gap, "rep", f"n{i}", "left", 0, rep=i + 1) for i in range(3))
    events += (Event(3 * gap, "end", "bye", "left", 0),)
    step = StepSpan(0, "All", "move", "left", 0.0, 3 * gap + 0.1)
    routine = load_catalog().get("windshield-wiper")
    settings = compile_timeline(routine).settings
    return Timeline("tiny", "Tiny", settings, events, (step,), 3 * gap + 0.1)


def test_qt_scheduler_fires_every_cue_in_order_on_time(qtbot) -> None:  # type: ignore[no-untyped-def]
    from knee_desktop.runtime.scheduler import CueScheduler
    from knee_desktop.session.clock import MonotonicClock

    session = Session(tiny_timeline(0.05), MonotonicClock(), lookahead=0.02)
    scheduler = CueScheduler(session)
    fired: list[tuple[float, Cue]] = []
    scheduler.cue.connect(lambda c: fired.append((session.clock.now(), c)))
    with qtbot.waitSignal(scheduler.state_changed, timeout=5000,
                          check_params_cb=lambda s: s is State.FINISHED):
        scheduler.start()
    assert [c.event.text for _, c in fired] == ["n0", "n1", "n2", "bye"]
    for at, cue in fired:
        assert at >= cue.due - session.lookahead - 0.001  # never early
    assert not scheduler.armed
