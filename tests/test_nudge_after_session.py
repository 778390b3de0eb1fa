"""After a session that felt worse (as one of the two before it did): the window says so
aloud and on screen, and offers smaller moves for the next session only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from knee_desktop.history.feel import KneeFeel
from knee_desktop.history.records import SessionRecord, StepRecord, local_now
from knee_desktop.history.store import HistoryStore
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.prefs import user_settings as us
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.session.engine import State
from knee_desktop.ui.app import wiring as desktop_wiring
from knee_desktop.ui.dialogs import knee_feel as knee_feel_dialog
from knee_desktop.ui.session.main_window import MainWindow
from tests.fakes import FakeInhibitor, RecordingVoice


def earlier(before: int, after: int) -> SessionRecord:
    started = local_now() - timedelta(days=1)
    return SessionRecord("windshield-wiper", "Windshield wiper", started,
                         ended=started + timedelta(minutes=8), end_state="completed",
                         feel_before=before, feel_after=after,
                         steps=[StepRecord(0, "Sweep left", "move", reps_done=2, seconds=9)])


def run_session(qtbot, monkeypatch, earlier_feel: tuple[int, int], now: tuple[int, int]):
    with HistoryStore() as store:
        store.import_sessions([earlier(*earlier_feel)])
    timers, voice = FakeTimers(), RecordingVoice()
    window = MainWindow(load_catalog(), lambda: voice, timers=timers,
                        settings=PlanSettings(reps=3, lead_in_seconds=1, pause_seconds=1),
                        inhibitor=FakeInhibitor())
    qtbot.addWidget(window)
    answers = {"before": KneeFeel(now[0]), "after": KneeFeel(now[1])}
    monkeypatch.setattr(knee_feel_dialog, "ask_knee_feel",  # the dialog: test_knee_feel*
                        lambda parent, *, when, **_asking: answers[when])
    desktop_wiring.wire_window(window, us.UserSettings())
    window.show()
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    session = window.driver.session
    assert session is not None
    timers.advance_until(lambda: session.state is not State.RUNNING)
    timers.advance_until(lambda: not window.driver.ending)
    return window, voice


def offer(window: MainWindow) -> QMessageBox | None:
    return window.findChild(QMessageBox, "nudge-offer")


@pytest.mark.slow
def test_worse_twice_is_said_and_smaller_moves_are_offered(qtbot, monkeypatch) -> None:
    window, voice = run_session(qtbot, monkeypatch, (3, 5), (4, 6))
    said = " ".join(voice.said)
    assert "felt worse after the session than before it in 2 of your last" in said
    assert "never to a point of pain" in said and "ask your doctor" in said
    box = offer(window)
    assert box is not None and box.isVisible()
    assert "2 repetitions, 3 s per sweep and 4.5 s per circle" in box.informativeText()
    smaller = next(b for b in box.buttons() if "Smaller" in b.text())
    smaller.click()
    planned = window.next_settings()
    assert (planned.reps, planned.sweep_seconds, planned.circle_seconds) == (2, 3.0, 4.5)
    assert window.plan_settings.reps == 3  # the saved numbers stay: the next session only
    assert "Your next session has smaller moves" in voice.said[-1]


@pytest.mark.slow
def test_no_offer_below_the_threshold_or_after_a_better_session(qtbot, monkeypatch) -> None:
    window, voice = run_session(qtbot, monkeypatch, (3, 5), (5, 6))  # 1 point, 20 %
    assert offer(window) is None
    assert not any("felt worse" in s for s in voice.said)
    assert window.next_settings().reps == 3


@pytest.mark.parametrize(("now", "nudged"), [((4, 6), True), ((5, 6), False), ((6, 3), False)])
def test_the_terminal_says_it_and_offers_the_options(
        now: tuple[int, int], nudged: bool, capsys: pytest.CaptureFixture[str]) -> None:
    from PySide6.QtCore import QCoreApplication

    from knee_desktop.cli.run_cmd import Runner
    from knee_desktop.plan.timeline import compile_timeline
    from knee_desktop.session.clock import FakeClock
    from knee_desktop.session.engine import Session

    last = earlier(*now)
    last.started += timedelta(hours=2)
    with HistoryStore() as store:
        store.import_sessions([earlier(3, 5), last])
    timeline = compile_timeline(load_catalog().get("windshield-wiper"), PlanSettings(reps=10))
    Runner(QCoreApplication.instance()).nudge(Session(timeline, FakeClock()))
    out = capsys.readouterr().out
    assert ("felt worse after the session than before it in 2 of your last 2" in out) == nudged
    assert ("knee-desktop run windshield-wiper --reps 7 --tempo 4.5" in out) == nudged


def test_a_new_weekly_target_reaches_the_open_history(qtbot) -> None:
    with HistoryStore() as store:
        store.import_sessions([earlier(4, 3)])
    window = MainWindow(load_catalog(), RecordingVoice, timers=FakeTimers(),
                        settings=PlanSettings(reps=3), inhibitor=FakeInhibitor())
    qtbot.addWidget(window)
    wiring = desktop_wiring.wire_window(window, us.UserSettings(weekly_target=2))
    wiring.open_history()
    history = wiring.history
    assert history is not None and (history.width(), history.height()) == (1000, 720)
    assert "weekly target 2 (yours)" in history.summary.text()
    new = us.UserSettings(weekly_target=5)
    wiring.settings_saved(new, us.changes(wiring.settings, new))
    assert "weekly target 5 (yours)" in history.summary.text()
    history.close()
