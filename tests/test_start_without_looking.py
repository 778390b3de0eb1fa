"""Start without looking (issue 24): Space or Enter at launch starts (the knee question
first), Start has visible focus, "Back to routines" takes the keys; a screen that cannot be
kept awake is said once; the close question holds the session until it is answered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from window_steps import focused, key, walk_to

from knee_desktop.runtime.driver import STOP_CONFIRM_SECONDS
from knee_desktop.runtime.prompts import CONFIRM_QUIT, GOING_ON, HOW_TO_START, SCREEN_AWAKE
from knee_desktop.session.engine import State
from knee_desktop.ui.session import keys


@pytest.mark.parametrize("k", [Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_space_or_enter_at_launch_starts_after_the_knee_question(window, qtbot, k):
    asked: list[str] = []
    window.before_session = lambda: asked.append("knee question")
    assert window.focusWidget() is window.controls.start  # where Space and Enter go
    qtbot.keyClick(focused(), k)
    assert asked == ["knee question"] and window.driver.active


def test_a_list_or_a_picker_keeps_its_own_space(window, qtbot):
    picker = window.routine_panel.picker
    key(picker, Qt.Key.Key_Return, qtbot)
    assert not window.driver.active


def test_the_finished_screen_takes_space_back_to_routines_then_space_starts(
        window, timers, qtbot):
    window.start_session()
    key(window.steps, Qt.Key.Key_Escape, qtbot)
    key(window.steps, Qt.Key.Key_Escape, qtbot)
    timers.advance_until(lambda: not window.driver.ending)
    assert window.driver.state is State.STOPPED
    assert window.controls.start.text() == "Back to routines"
    assert window.focusWidget() is window.controls.start
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    assert window.pages.currentWidget() is window.routine_panel
    assert window.focusWidget() is window.controls.start
    qtbot.keyClick(focused(), Qt.Key.Key_Enter)
    assert window.driver.active


def test_start_shows_its_focus(window):
    start = window.controls.start
    focused = start.grab().toImage()
    window.routine_panel.picker.setFocus()
    unfocused = start.grab().toImage()
    assert focused != unfocused  # the ring: a sighted helper sees where Space goes


def test_a_screen_that_cannot_be_kept_awake_is_said_once(window, timers, voice, inhibitor):
    inhibitor.agrees = False
    window.start_session()
    assert voice.said.count(SCREEN_AWAKE) == 1
    assert window.statusBar().currentMessage() == SCREEN_AWAKE
    window.driver.stop()
    timers.advance_until(lambda: not window.driver.ending)
    window.choose_routine("windshield-wiper")
    window.start_session()
    assert voice.said.count(SCREEN_AWAKE) == 1


def test_the_close_question_holds_the_session_until_answered(window, timers, voice,
                                                             monkeypatch):
    window.start_session()
    walk_to(window, timers, 20.0)
    session = window.driver.session

    def answer(*_args, **_kwargs):  # the person thinks for 30 s: the session waits
        at = session.position()
        timers.advance(30.0)
        assert session.held and session.position() == at
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert window.confirm_stop_and_close() is False
    assert voice.said[-2:] == [CONFIRM_QUIT, GOING_ON]
    timers.advance(5.0)
    assert not session.held and session.state is State.RUNNING


def test_the_esc_hint_goes_from_the_screen_when_its_window_closes(window, timers, qtbot):
    window.start_session()
    key(window.steps, Qt.Key.Key_Escape, qtbot)
    assert "Esc again" in window.session_view.status.text()
    timers.advance(STOP_CONFIRM_SECONDS + 0.1)
    assert "Esc again" not in window.session_view.status.text()
    assert window.driver.state is State.RUNNING


def test_launch_says_how_to_start_once_unless_a_screen_reader_runs(window, voice, monkeypatch):
    from knee_desktop.desktop import a11y_status

    monkeypatch.setattr(a11y_status, "screen_reader_enabled", lambda: True)
    assert not keys.say_how_to_start(window.driver) and voice.said == []
    monkeypatch.setattr(a11y_status, "screen_reader_enabled", lambda: False)
    assert keys.say_how_to_start(window.driver)
    assert voice.said == [HOW_TO_START]
