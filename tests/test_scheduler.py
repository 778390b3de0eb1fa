"""The Qt cue scheduler: one precise timer, armed to the next absolute deadline."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import compile_timeline
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime.scheduler import CueScheduler
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import Session, State


@pytest.fixture
def scheduler(qtbot: object) -> CueScheduler:
    tl = compile_timeline(load_catalog().routines["windshield-wiper"],
                          PlanSettings(reps=2, lead_in_seconds=1))
    return CueScheduler(Session(tl, FakeClock(100.0)))


def test_timer_is_precise_single_shot_and_armed_to_the_next_deadline(
    scheduler: CueScheduler,
) -> None:
    cues: list[object] = []
    scheduler.cue.connect(cues.append)
    scheduler.start()
    timer = scheduler._timer
    assert timer.timerType() == Qt.TimerType.PreciseTimer and timer.isSingleShot()
    assert len(cues) == 1 and scheduler.armed
    second = scheduler.session.timeline.events[1]
    assert timer.interval() == pytest.approx(second.t * 1000, abs=1)
    # time passes: the handler re-arms for what is left, not a fixed interval
    clock = scheduler.session.clock
    assert isinstance(clock, FakeClock)
    clock.advance(second.t - 0.25)
    scheduler._fire()
    assert len(cues) == 1 and timer.interval() == 250
    clock.advance(0.25)
    scheduler._fire()
    assert len(cues) == 2
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
