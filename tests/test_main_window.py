"""The window driven by the keyboard, on a fake clock, with a recording voice."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
)

from knee_desktop.history.feel import KneeFeel
from knee_desktop.runtime.driver import CONFIRM_STOP
from knee_desktop.session.engine import State
from knee_desktop.ui.diagram.leg_diagram import LegDiagram
from tests.window_steps import coarse_frames, focused, go_to, key, walk_to

PAUSED = "Paused. Press space to go on."


def test_safety_words_and_script_are_shown_before_a_session(window):
    assert window.pages.currentWidget() is window.routine_panel
    safety = window.routine_panel.safety.text()
    assert "point of resistance" in safety
    assert "not a replacement for your doctor" in safety
    assert window.routine_panel.safety.isVisible()
    script = window.routine_panel.script.toPlainText()
    assert "Five … One" in script and "Wipe to the left, three times." in script
    assert window.routine_panel.current_id() == "windshield-wiper"
    assert window.steps.count() == len(window.timeline.steps)
    assert not window.controller.animating  # idle: no timer at all


def test_start_speaks_the_lead_in_and_counts_in(window, timers, voice, inhibitor):
    window.controls.start.click()
    assert window.driver.state is State.RUNNING
    assert window.pages.currentWidget() is window.session_view
    assert inhibitor.calls == ["inhibit"]
    assert voice.played[0] == "Windshield wiper and foot circles."
    # every confirmation a control may speak is rendered with the cues, before the start
    from knee_desktop.session.engine import announcements

    assert set(announcements(window.timeline)) | {CONFIRM_STOP} <= set(voice.prepared)
    five = next(e for e in window.timeline.events if e.kind == "count")
    walk_to(window, timers, five.t + 0.1)
    assert window.session_view.count.text() == "5"
    assert window.session_view.diagram.pose().count_in == 5
    assert voice.played[-1] == "Five."
    assert window.steps.current() == 0


def test_diagram_reads_the_session_timers(window, timers):
    window.start_session()
    rep = next(e for e in window.timeline.events if e.kind == "rep")
    walk_to(window, timers, rep.t)
    pose = window.session_view.diagram.pose()
    assert pose.kind == "move" and pose.movement == "sweep-left"
    assert pose.tilt == pytest.approx(-35.0, abs=0.01)
    walk_to(window, timers, rep.t + 0.02)  # the count is handed out on its beat
    assert window.session_view.count.text() == "1 of 3"
    assert window.controller.animating


def test_space_pauses_and_resumes_whatever_has_focus(window, timers, voice, qtbot):
    window.start_session()
    go_to(window, timers, 3.0)
    key(window.steps, Qt.Key.Key_Space, qtbot)
    assert window.driver.state is State.PAUSED
    assert voice.said[-1] == PAUSED
    assert not window.controller.animating  # paused: nothing moves, no frame timer
    assert "PAUSED" in window.session_view.status.text()
    assert window.controls.pause.text().startswith("Resume")
    # Space on a focused push button must not also click it
    key(window.controls.skip, Qt.Key.Key_Space, qtbot)
    assert window.driver.state is State.RUNNING
    assert voice.said[-1] == "Resuming."
    assert window.steps.current() == 0  # not skipped
    assert window.controller.animating


def test_r_repeats_the_last_cue(window, timers, voice, qtbot):
    window.start_session()
    go_to(window, timers, 0.5)
    key(window.session_view.diagram, Qt.Key.Key_R, qtbot)
    assert voice.played[-1] == "Windshield wiper and foot circles."
    assert voice.played.count("Windshield wiper and foot circles.") == 2


@pytest.mark.parametrize("k", [Qt.Key.Key_N, Qt.Key.Key_Right])
def test_n_or_right_skips_to_the_next_step(window, voice, qtbot, k):
    window.start_session()
    key(window.controls.pause, k, qtbot)
    assert window.steps.current() == 1
    assert voice.said[-1] == "Skipping to wipe to the left."
    assert "(now)" in window.steps.item(1).text()
    assert window.steps.item(1).font().bold()
    assert window.steps.item(0).text().startswith("✓")
    key(window.steps, k, qtbot)
    assert voice.said[-1] == "Skipping to still pause."


def test_escape_asks_aloud_then_a_second_escape_stops(window, timers, voice, inhibitor,
                                                       qtbot):
    ended = []
    window.session_ended.connect(ended.append)
    window.start_session()
    key(window.steps, Qt.Key.Key_Escape, qtbot)
    assert window.driver.state is State.RUNNING
    assert voice.said[-1] == CONFIRM_STOP == "Press escape again to stop."
    assert "Esc again" in window.session_view.status.text()
    timers.advance(1.0)
    key(window.controls.repeat, Qt.Key.Key_Escape, qtbot)
    assert window.driver.state is State.STOPPED
    assert voice.said[-1] == "Session stopped."
    assert inhibitor.calls == ["inhibit", "release"]
    assert ended and ended[0] is window.driver.session
    assert not window.controller.animating
    assert window.controls.start.isEnabled()
    window.controls.start.click()  # back to the routine and its safety words, not a restart
    assert window.pages.currentWidget() is window.routine_panel
    assert window.driver.state is State.STOPPED
    window.controls.start.click()
    assert window.driver.active  # at once; its first words once "Session stopped." is heard
    # one voice at a time: "Session stopped." waited for the last 0.5 s of the question
    timers.advance(0.5 + 0.15 + 1.5 + 0.3)
    assert window.driver.state is State.RUNNING
    window.driver.stop()


def test_a_late_second_escape_only_asks_again(window, timers, voice, qtbot):
    window.start_session()
    key(window.steps, Qt.Key.Key_Escape, qtbot)
    timers.advance(6.0)
    key(window.steps, Qt.Key.Key_Escape, qtbot)
    assert window.driver.state is State.RUNNING
    assert voice.said[-2:] == [CONFIRM_STOP, CONFIRM_STOP]
    # another control in between cancels the request
    key(window.steps, Qt.Key.Key_R, qtbot)
    key(window.steps, Qt.Key.Key_Escape, qtbot)
    assert window.driver.state is State.RUNNING


def test_held_down_keys_count_once(window, voice):
    window.start_session()
    for repeat in (False, True, True):
        event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Space,
                          Qt.KeyboardModifier.NoModifier, " ", repeat)
        QApplication.sendEvent(focused(), event)
    assert window.driver.state is State.PAUSED
    assert voice.said == [PAUSED]
    window.driver.toggle_pause()


def test_keys_do_nothing_special_without_a_session(window, voice, qtbot):
    # (Space and Enter start one: tests/test_start_without_looking.py)
    key(window.routine_panel.script, Qt.Key.Key_R, qtbot)
    key(window.steps, Qt.Key.Key_N, qtbot)
    key(window.steps, Qt.Key.Key_Escape, qtbot)
    assert window.driver.session is None
    assert voice.log == []


def test_skip_at_the_last_step_says_so(window, voice):
    window.start_session()
    for _ in range(len(window.timeline.steps) - 1):
        window.driver.skip()
    window.driver.skip()
    assert voice.said[-1] == "This is the last step."


def test_finishing_releases_everything(window, timers, voice, inhibitor):
    ended = []
    window.session_ended.connect(ended.append)
    window.start_session()
    coarse_frames(window)
    go_to(window, timers, window.timeline.duration + 1)
    assert window.driver.state is State.FINISHED
    assert voice.played[-1].startswith("That is the end of the session.")
    assert inhibitor.calls == ["inhibit", "release"]
    assert ended
    assert "FINISHED" in window.session_view.status.text()
    assert window.session_view.diagram.pose().kind == "end"
    assert window.controls.progress.value() == 100
    assert not window.controller.animating
    assert window.driver.scheduler is not None and not window.driver.scheduler.armed


def test_progress_and_time_left_follow_the_session(window, timers):
    window.start_session()
    coarse_frames(window)
    total = window.timeline.duration
    go_to(window, timers, total / 2)
    assert 48 <= window.controls.progress.value() <= 52
    left = total - total / 2
    assert window.controls.time_left.text().startswith(f"{int(left // 60)}:")


def test_buttons_follow_the_state(window, qtbot):
    c = window.controls
    assert c.start.isEnabled() and not c.pause.isEnabled() and not c.stop.isEnabled()
    c.start.click()
    assert not c.start.isEnabled() and c.pause.isEnabled() and c.stop.isEnabled()
    assert not window.routine_panel.picker.isEnabled()
    c.pause.click()
    assert window.driver.state is State.PAUSED
    c.pause.click()
    c.skip.click()
    assert window.steps.current() == 1
    c.stop.click()  # a click is deliberate: no second confirmation
    assert window.driver.state is State.STOPPED
    assert window.routine_panel.picker.isEnabled()


def test_the_recorder_is_attached_when_a_session_starts(window):
    seen = []

    def recorder(session, feel):
        seen.append((session.state, feel))
        return None  # nothing to record here

    window.driver.recorder_factory = recorder
    started = []
    window.session_started.connect(started.append)
    window.feel_before = KneeFeel(4)
    session = window.start_session()
    assert seen == [(State.READY, KneeFeel(4))]  # before the first cue
    assert started == [session]
    assert window.feel_before is None  # one answer, one session


def test_menu_actions_are_seams(window):
    for action in (window.history_action, window.settings_action, window.about_action):
        assert not action.isEnabled() and action.toolTip()
    called = []
    window.connect_action(window.history_action, lambda: called.append(1))
    window.history_action.trigger()
    assert called == [1] and window.history_action.isEnabled()


def test_every_control_is_named_and_explained(window):
    kinds = (QAbstractButton, QComboBox, QListWidget, QProgressBar, QPlainTextEdit,
             LegDiagram)
    controls = [w for kind in kinds for w in window.findChildren(kind)
                if w.objectName() not in ("", "qt_scrollarea_viewport")
                and not w.objectName().startswith("qt_")]
    assert len(controls) >= 10
    for widget in controls:
        assert widget.accessibleName(), widget.objectName()
        assert widget.toolTip(), widget.objectName()
    for label in (window.session_view.instruction, window.session_view.count,
                  window.session_view.status, window.controls.time_left):
        # An accessible name on a QLabel hides its text from AT-SPI: the text is the name,
        # the description says what it is (tests/test_atspi.py reads them from outside).
        assert not label.accessibleName() and label.accessibleDescription()
        assert label.toolTip()
    base = window.font().pointSizeF()
    assert window.session_view.instruction.font().pointSizeF() >= 1.9 * base
    assert window.session_view.count.font().pointSizeF() >= 2.9 * base


def test_keys_work_again_when_the_window_is_shown_after_a_close(window, qtbot):
    """Closed (into the tray) and shown again: the session keys follow the focus again;
    closing twice is no matter."""
    window.close()
    window.close()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    window.start_session()
    key(window.controls.pause, Qt.Key.Key_Space, qtbot)
    assert window.driver.state is State.PAUSED
