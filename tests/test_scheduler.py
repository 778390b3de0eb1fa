"""The cue scheduler: one timer, armed to the next absolute deadline (on the fake timers
paired with the fake clock); and the Qt timer behind the port: precise and single-shot."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer

from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import compile_timeline
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime.scheduler import CueScheduler
from knee_desktop.runtime.timers import FakeTimers, QtTimers
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import Session, State


@pytest.fixture
def timers() -> FakeTimers:
    return FakeTimers(FakeClock(100.0))


@pytest.fixture
def scheduler(qtbot: object, timers: FakeTimers) -> CueScheduler:
    tl = compile_timeline(load_catalog().routines["windshield-wiper"],
                          PlanSettings(reps=2, lead_in_seconds=1))
    return CueScheduler(Session(tl, timers.clock), timers=timers)


def test_armed_to_the_next_deadline_and_re_armed_for_what_is_left(
    scheduler: CueScheduler, timers: FakeTimers,
) -> None:
    cues: list[object] = []
    scheduler.cue.connect(cues.append)
    scheduler.start()
    assert len(cues) == 1 and scheduler.armed
    second = scheduler.session.timeline.events[1]
    start = scheduler.session.started_at
    assert start is not None
    assert timers.deadline("cue-timer") == pytest.approx(start + second.t)
    # time passes without reaching it: nothing is handed out, the deadline stays absolute
    timers.advance(second.t - 0.25)
    assert len(cues) == 1
    assert timers.deadline("cue-timer") == pytest.approx(start + second.t)
    timers.advance(0.25)
    assert len(cues) == 2
    assert cues[1].fired == pytest.approx(start + second.t)  # type: ignore[attr-defined]
    scheduler.stop()
    assert not scheduler.armed


def test_pause_disarms_and_stop_leaves_no_timer_running(scheduler: CueScheduler) -> None:
    states: list[object] = []
    scheduler.state_changed.connect(states.append)
    said: list[str] = []
    scheduler.announce.connect(said.append)
    scheduler.start()
    scheduler.toggle_pause()
    assert not scheduler.armed and said == ["Paused. Press space to go on."]
    scheduler.toggle_pause()
    assert scheduler.armed
    scheduler.stop()
    assert not scheduler.armed and states[-1] is State.STOPPED


def test_the_qt_timer_is_precise_single_shot_and_rounds_up(qtbot) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(50.0)
    fired: list[float] = []
    timer = QtTimers(clock).timer("test-timer", lambda: fired.append(clock.now()))
    inner = timer.findChild(QTimer, "test-timer")
    assert inner is not None
    assert inner.timerType() == Qt.TimerType.PreciseTimer and inner.isSingleShot()
    timer.start_at(50.0 + 0.2501)
    assert inner.interval() == 251 and timer.active
    assert timer.deadline == pytest.approx(50.2501)
    timer.start_at(49.0)  # already due: at once, never a negative wait
    assert inner.interval() == 0
    qtbot.waitUntil(lambda: fired == [50.0], timeout=1000)
    assert not timer.active and timer.deadline is None
