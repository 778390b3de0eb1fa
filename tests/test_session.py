"""The session state machine, driven by a fake clock that the tests step by hand."""

from __future__ import annotations

import pytest

from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import Event, Timeline, compile_timeline
from knee_desktop.routine.loader import load_catalog
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import Cue, Session, State, StepResult


class Recorder:
    """Collects everything a session reports."""

    def __init__(self, session: Session) -> None:
        self.cues: list[Cue] = []
        self.dropped: list[Cue] = []
        self.repeated: list[Cue] = []
        self.said: list[str] = []
        self.states: list[State] = []
        self.finished: list[StepResult] = []
        session.cue.connect(self.cues.append)
        session.dropped.connect(self.dropped.append)
        session.repeated.connect(self.repeated.append)
        session.announce.connect(self.said.append)
        session.state_changed.connect(self.states.append)
        session.step_finished.connect(self.finished.append)


def timeline(**settings: object) -> Timeline:
    base = {"reps": 3, "pause_seconds": 10, "lead_in_seconds": 2}
    return compile_timeline(load_catalog().routines["windshield-wiper"],
                            PlanSettings(**{**base, **settings}))  # type: ignore[arg-type]


def make(tl: Timeline | None = None, **kw: float) -> tuple[Session, FakeClock, Recorder]:
    clock = FakeClock(500.0)
    session = Session(tl or timeline(), clock, **kw)
    return session, clock, Recorder(session)


def run_until(session: Session, clock: FakeClock, t: float) -> None:
    """Step the clock from deadline to deadline, polling at each, up to session time t."""
    while (deadline := session.next_deadline()) is not None and deadline <= session.time_of(t):
        clock.set(max(clock.now(), deadline))
        session.poll()
    clock.set(max(clock.now(), session.time_of(t)))
    session.poll()


def first(tl: Timeline, kind: str, **match: object) -> Event:
    return next(e for e in tl.events if e.kind == kind
                and all(getattr(e, k) == v for k, v in match.items()))


def test_a_whole_session_plays_every_cue_on_time_and_finishes() -> None:
    session, clock, rec = make()
    start = clock.now()
    session.start()
    while (deadline := session.next_deadline()) is not None:
        clock.set(deadline)
        session.poll()
    tl = session.timeline
    assert [c.event for c in rec.cues] == list(tl.events)
    assert all(c.due == pytest.approx(start + c.event.t) for c in rec.cues)
    assert all(c.fired == pytest.approx(c.due) for c in rec.cues)
    assert rec.dropped == [] and session.state is State.FINISHED
    assert rec.states == [State.RUNNING, State.FINISHED]
    assert [r.step.index for r in rec.finished] == list(range(len(tl.steps)))
    assert all(r.completed for r in rec.finished)
    moves = [r for r in rec.finished if r.step.kind == "move"]
    assert len(moves) == 10 and {r.reps_done for r in moves} == {3}
    assert moves[0].seconds == pytest.approx(moves[0].step.end - moves[0].step.start)
    assert session.poll() == [] and session.next_deadline() is None


def test_nothing_is_handed_out_before_it_is_due() -> None:
    session, clock, rec = make()
    session.start()
    assert rec.cues == []  # start() only starts; the driver polls
    assert [c.event.t for c in session.poll()] == [0.0]  # the title
    second = session.timeline.events[1]
    clock.advance(second.t - 0.001)
    assert session.poll() == []
    clock.advance(0.001)
    assert [c.event for c in session.poll()] == [second]


def test_lookahead_hands_cues_out_early_so_they_are_heard_on_the_beat() -> None:
    session, clock, rec = make(lookahead=0.08)
    start = clock.now()
    session.start()
    assert rec.cues == []  # even the first cue waits for its heard time
    deadline = session.next_deadline()
    assert deadline == pytest.approx(start)
    clock.set(deadline)
    session.poll()
    assert rec.cues[0].due == pytest.approx(start + 0.08)
    rep = first(session.timeline, "rep", rep=2)
    run_until(session, clock, rep.t)
    cue = next(c for c in rec.cues if c.event == rep)
    assert cue.due - cue.fired == pytest.approx(0.08)


def test_a_still_pause_keeps_the_seconds_it_had_left() -> None:
    session, clock, rec = make(resume_gap=1.5)
    session.start()
    still = first(session.timeline, "still")
    run_until(session, clock, still.t + 3.0)
    assert session.pause()
    assert rec.said[-1].startswith("Paused")
    clock.advance(120.0)
    assert session.poll() == [] and session.position() == pytest.approx(still.t + 3.0)
    resumed_at = clock.now()
    assert session.resume() and rec.said[-1] == "Resuming."
    end = first(session.timeline, "still-end")
    assert session.due_time(end) == pytest.approx(resumed_at + 1.5 + 7.0)
    run_until(session, clock, end.t)
    assert rec.cues[-1].event == end
    assert session.paused_seconds() == pytest.approx(120.0)


def test_resuming_mid_repetition_restarts_that_repetition() -> None:
    session, clock, _ = make(resume_gap=1.0)
    session.start()
    rep = first(session.timeline, "rep", rep=2)
    run_until(session, clock, rep.move_start + 0.4)  # moving, count not yet heard
    session.pause()
    clock.advance(30)
    now = clock.now()
    session.resume()
    assert session.due_time(rep) == pytest.approx(now + 1.0 + rep.t - rep.move_start)


def test_skip_jumps_to_the_next_step_and_records_the_partial_one() -> None:
    session, clock, rec = make(resume_gap=1.0)
    session.start()
    rep = first(session.timeline, "rep", rep=2)
    run_until(session, clock, rep.t + 0.1)
    current = session.current_step
    target = session.skip()
    assert target is not None and target.index == current.index + 1
    assert rec.said[-1] == f"Skipping to {target.title.lower()}."
    partial = rec.finished[-1]
    assert partial.step == current and partial.reps_done == 2 and not partial.completed
    now = clock.now()
    next_event = session.timeline.events[session._next]
    assert next_event.step == target.index
    assert session.next_deadline() == pytest.approx(now + 1.0 + next_event.t - target.start)
    assert first(session.timeline, "rep", rep=3) not in [
        c.event for c in session.poll()]
    last = session.timeline.steps[-1]
    while session.current_step.index < last.index:
        session.skip()
    assert session.skip() is None


def test_repeat_says_the_last_phrase_again_without_moving_on() -> None:
    session, clock, rec = make()
    session.start()
    rep = first(session.timeline, "rep", rep=1)
    run_until(session, clock, rep.t + 0.2)
    index = session._next
    cue = session.repeat()
    assert cue is not None and cue.repeat and cue.event == rep
    assert rec.repeated == [cue] and session._next == index


def test_a_stalled_machine_drops_stale_cues_and_resyncs() -> None:
    session, clock, rec = make()
    start = clock.now()
    session.start()
    reps = [e for e in session.timeline.events if e.kind == "rep"][:3]
    run_until(session, clock, reps[0].t - 0.5)
    clock.advance(reps[1].t - session.position() + 0.3)  # a 0.3 s late stall past rep 2
    played = session.poll()
    assert [c.event for c in rec.dropped][-2:] == reps[:2]
    assert all(c.event not in reps[:2] for c in played)
    # the next cue is still due at its original time: the session did not drift
    assert session.due_time(reps[2]) == pytest.approx(start + reps[2].t)
    clock.set(session.next_deadline() or 0)
    assert [c.event for c in session.poll()] == [reps[2]]


def test_a_slightly_late_cue_is_still_played() -> None:
    session, clock, _rec = make(stale_after=0.15)
    session.start()
    event = session.timeline.events[1]
    clock.advance(event.t + 0.149)
    assert [c.event for c in session.poll()] == [event]


def test_stop_ends_the_session_and_says_so() -> None:
    session, clock, rec = make()
    session.start()
    run_until(session, clock, first(session.timeline, "rep", rep=1).t + 0.1)
    session.pause()
    clock.advance(5)
    assert session.stop()
    assert session.state is State.STOPPED and rec.said[-1] == "Session stopped."
    assert not rec.finished[-1].completed and session.paused_seconds() == pytest.approx(5)
    assert session.poll() == [] and session.next_deadline() is None
    assert not session.stop() and not session.resume() and session.skip() is None


def test_controls_before_start_do_nothing_and_start_twice_fails() -> None:
    session, _, _rec = make()
    assert not session.pause() and not session.resume() and session.repeat() is None
    assert session.position() == 0.0
    session.start()
    with pytest.raises(RuntimeError):
        session.start()


def test_a_finished_session_is_at_its_end() -> None:
    session, clock, _ = make()
    session.start()
    while (deadline := session.next_deadline()) is not None:
        clock.set(deadline)
        session.poll()
    assert session.state is State.FINISHED
    assert session.position() == session.timeline.duration and session.progress() == 1.0
    assert session.time_left() == 0.0
