"""The window wired to the rest of the app: each session lands in the real history file,
with the knee-feel answers from before and after, and the menu opens the other windows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from knee_desktop.history.feel import KneeFeel
from knee_desktop.history.store import HistoryStore
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.prefs import user_settings as us
from knee_desktop.prefs.launch import LaunchOptions
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import State
from knee_desktop.ui.app import wiring as desktop_wiring
from knee_desktop.ui.dialogs import knee_feel as knee_feel_dialog
from knee_desktop.ui.session.main_window import MainWindow
from tests.fakes import FakeInhibitor, RecordingVoice


@pytest.fixture
def wired(qtbot, monkeypatch: pytest.MonkeyPatch):
    timers, voice = FakeTimers(), RecordingVoice()
    window = MainWindow(load_catalog(), lambda: voice, timers=timers,
                        settings=PlanSettings(reps=2, lead_in_seconds=1, pause_seconds=1),
                        inhibitor=FakeInhibitor())
    qtbot.addWidget(window)
    answers = {"before": KneeFeel(6, "stiff after the walk"), "after": KneeFeel(3)}
    asked: list[str] = []

    def ask(parent, *, when, speak=None, ask_aloud=True):  # the dialog: test_knee_feel*
        asked.append(when)
        return answers[when]

    monkeypatch.setattr(knee_feel_dialog, "ask_knee_feel", ask)
    wiring = desktop_wiring.wire_window(window, us.UserSettings())
    window.show()
    return window, timers, voice, wiring, asked


def run_to_end(window: MainWindow, timers: FakeTimers) -> None:
    session = window.driver.session
    assert session is not None
    timers.advance_until(lambda: session.state is not State.RUNNING)


@pytest.mark.slow
def test_a_window_session_is_recorded_with_knee_feel_before_and_after(wired, qtbot) -> None:
    window, timers, _voice, wiring, asked = wired
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    assert asked == ["before"] and wiring.recorder is not None
    run_to_end(window, timers)
    assert asked == ["before"]  # not while the closing words are still being heard
    timers.advance_until(lambda: not window.driver.ending)
    assert asked == ["before", "after"]
    with HistoryStore() as store:
        (record,) = store.sessions()
    assert record.end_state == "completed" and record.routine_id == "windshield-wiper"
    assert (record.feel_before, record.feel_after) == (6, 3)
    assert record.note == "stiff after the walk"
    assert window.timeline is not None
    assert len(record.steps) == len(window.timeline.steps)
    assert wiring.recorder is None


def test_a_stopped_session_is_recorded_as_stopped(wired, qtbot) -> None:
    window, timers, _voice, wiring, asked = wired
    wiring.settings = us.UserSettings(knee_feel=False)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    assert asked == []
    timers.advance(3)
    window.driver.stop()
    with HistoryStore() as store:
        (record,) = store.sessions()
    assert record.end_state == "stopped" and record.feel_before is None


def test_escape_on_the_before_question_does_not_start(wired, qtbot,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    window, *_ = wired
    monkeypatch.setattr(knee_feel_dialog, "ask_knee_feel", lambda *a, **k: None)  # Escape
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    assert window.driver.session is None and not window.driver.active


def test_menu_actions_open_history_and_about(wired, qtbot) -> None:
    window, *_ = wired
    for action in (window.history_action, window.settings_action, window.about_action):
        assert action.isEnabled()
    window.history_action.trigger()
    wiring = wired[3]
    assert wiring.history is not None and wiring.history.isVisible()
    wiring.history.close()


def test_a_history_problem_is_shown_and_said(wired) -> None:
    window, _, voice, wiring, _ = wired
    wiring.tell("Your history could not be saved: the disk is full.")
    assert window.statusBar().currentMessage().startswith("Your history could not")
    assert voice.said[-1].startswith("Your history could not")


def test_no_audio_output_is_said_at_once_and_start_asks_first(qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from knee_desktop.runtime.voice_base import NoAudioVoice
    from knee_desktop.ui.app.launch import voice_factory_for

    monkeypatch.delenv("PULSE_SERVER", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/nonexistent")  # no audio server to be found
    voice = voice_factory_for(LaunchOptions())()
    assert isinstance(voice, NoAudioVoice) and "audio" in voice.reason.lower()
    window = MainWindow(load_catalog(), lambda: voice, timers=FakeTimers(),
                        settings=PlanSettings(reps=2), inhibitor=FakeInhibitor())
    qtbot.addWidget(window)
    wiring = desktop_wiring.wire_window(window, us.UserSettings(knee_feel=False))
    assert window.statusBar().currentMessage() == voice.reason
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    window.show()
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    assert window.driver.session is None  # "No": nothing started
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    assert window.driver.active and wiring.silent_ok
    window.driver.stop()


def test_silent_flag_gives_a_silent_voice_without_asking() -> None:
    from knee_desktop.runtime.voice_base import SilentVoice
    from knee_desktop.ui.app.launch import voice_factory_for

    assert isinstance(voice_factory_for(LaunchOptions(silent=True))(), SilentVoice)


def test_a_start_from_a_launch_never_begins_a_session_that_cannot_be_heard(qtbot) -> None:
    from knee_desktop.runtime.voice_base import NoAudioVoice
    from knee_desktop.ui.app.launch import start_soon

    for voice, starts in ((NoAudioVoice("No audio output was found."), False),
                          (RecordingVoice(), True)):
        window = MainWindow(load_catalog(), lambda v=voice: v, clock=FakeClock(),
                            settings=PlanSettings(reps=2), inhibitor=FakeInhibitor())
        qtbot.addWidget(window)
        start_soon(window)
        if starts:
            qtbot.waitUntil(lambda w=window: w.driver.active, timeout=2000)
            window.driver.stop()
        else:
            qtbot.wait(50)  # let a wrongly queued start run, if there were one
            assert window.driver.session is None


def test_closing_during_a_session_asks_aloud_and_a_stop_this_way_is_recorded(
        wired, qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from knee_desktop.runtime.driver import CONFIRM_QUIT, GOING_ON

    window, timers, voice, wiring, asked = wired
    quits: list[int] = []
    wiring.window_closed = lambda: quits.append(1)  # the quitting itself: tested below
    window.closed.disconnect()
    window.closed.connect(wiring.window_closed)
    window.start_session()
    timers.advance(3)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    shown: list[str] = []

    def question(parent, title, text, *rest):  # type: ignore[no-untyped-def]
        shown.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    window.close()
    assert window.isVisible() and window.driver.state is State.RUNNING
    assert voice.said[-2:] == [CONFIRM_QUIT, GOING_ON] and shown
    window.quit_action.trigger()  # Ctrl+Q asks the same way
    assert not window.isVisible() and window.driver.state is State.STOPPED
    assert quits == [1] and asked == []  # no knee question on the way out
    with HistoryStore() as store:
        (record,) = store.sessions()
    assert record.end_state == "stopped"


def test_quit_quits_even_after_history_was_opened_unless_a_tray_is_shown(wired,
                                                                         qtbot) -> None:
    """With no tray icon the user can see, Quit (and closing the window) ends the app."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    window, _timers, _voice, wiring, _asked = wired
    window.history_action.trigger()
    assert wiring.history is not None
    wiring.history.close()
    app = QApplication.instance()
    assert app is not None
    guard = QTimer()
    guard.setObjectName("quit-guard")
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: app.exit(7))  # the process would have kept running
    guard.start(5000)
    # As once a tray icon was made for the reminder: Qt alone would then keep running.
    app.setQuitOnLastWindowClosed(False)
    QTimer.singleShot(0, window.quit_action.trigger)
    try:
        assert app.exec() == 0
    finally:
        guard.stop()
        app.setQuitOnLastWindowClosed(True)
    assert not window.isVisible()


def test_a_voice_note_is_shown_and_said(qtbot) -> None:
    """An unknown voice (or any note about the voice) is said by the voice that speaks
    instead, as well as shown: the user may already be lying down."""
    voice = RecordingVoice()
    note = "The voice 'x' chosen in Settings is not installed; the default voice speaks instead."
    voice.notes.append(note)
    window = MainWindow(load_catalog(), lambda: voice, timers=FakeTimers(),
                        inhibitor=FakeInhibitor())
    qtbot.addWidget(window)
    desktop_wiring.wire_window(window, us.UserSettings(knee_feel=False))
    assert window.statusBar().currentMessage() == note and voice.said == [note]
