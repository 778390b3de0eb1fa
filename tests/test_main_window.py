"""The window driven by the keyboard, on a fake clock, with a recording voice."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
)
from window_helpers import FakeInhibitor, RecordingVoice

from knee_desktop.cli.main import parse_launch
from knee_desktop.history.feel import KneeFeel
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.words import number_words
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime.driver import CONFIRM_STOP
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import State
from knee_desktop.ui.leg_diagram import LegDiagram
from knee_desktop.ui.main_window import MainWindow

PAUSED = "Paused. Press space to go on."


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def timers(clock: FakeClock) -> FakeTimers:
    return FakeTimers(clock)


@pytest.fixture
def voice() -> RecordingVoice:
    return RecordingVoice()


@pytest.fixture
def inhibitor() -> FakeInhibitor:
    return FakeInhibitor()


@pytest.fixture
def window(qtbot, timers, voice, inhibitor, monkeypatch) -> MainWindow:
    # closing a window mid-session asks first (tested on its own): here, the answer is yes
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win = MainWindow(load_catalog(), lambda: voice, timers=timers,
                     settings=PlanSettings(reps=3), inhibitor=inhibitor)  # type: ignore[arg-type]
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def walk_to(window: MainWindow, timers: FakeTimers, t: float) -> None:
    """Let the session's timers run until timeline position ``t``: every cue and every
    frame on its own time, as the event loop would."""
    session = window.driver.session
    assert session is not None
    timers.advance_until(lambda: session.state is not State.READY)  # a prompt may still sound
    timers.advance(max(0.0, session.time_of(t) - timers.clock.now()))


go_to = walk_to


def key(widget, k: Qt.Key, qtbot) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, k)


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
    timers.advance(1.5 + 0.3)
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
        QApplication.sendEvent(window.steps, event)
    assert window.driver.state is State.PAUSED
    assert voice.said == [PAUSED]
    window.driver.toggle_pause()


def test_keys_do_nothing_special_without_a_session(window, voice, qtbot):
    key(window.routine_panel.script, Qt.Key.Key_Space, qtbot)
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
    go_to(window, timers, window.timeline.duration + 1)
    assert window.driver.state is State.FINISHED
    assert voice.played[-1].startswith("That is the end of the session.")
    assert inhibitor.calls == ["inhibit", "release"]
    assert ended
    assert "FINISHED" in window.session_view.status.text()
    assert window.session_view.diagram.pose().kind == "end"
    assert window.controls.progress.value() == 1000
    assert not window.controller.animating
    assert window.driver.scheduler is not None and not window.driver.scheduler.armed


def test_progress_and_time_left_follow_the_session(window, timers):
    window.start_session()
    total = window.timeline.duration
    go_to(window, timers, total / 2)
    assert 480 <= window.controls.progress.value() <= 520
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


def test_settings_change_the_plan(window):
    window.set_plan_settings(PlanSettings(reps=5, leg="left"))
    assert "5 repetitions" in window.routine_panel.plan.text()
    assert all(s.leg in (None, "left") for s in window.timeline.steps)


def test_command_line_start(qtbot, voice, inhibitor):
    from knee_desktop.ui.app import open_window

    options = parse_launch(["--start", "windshield-wiper", "--reps", "5", "--silent"])
    assert options is not None
    assert options.start == "windshield-wiper" and options.overrides.reps == 5 and options.silent
    window = open_window(options, inhibitor=inhibitor)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.driver.active)
    assert window.timeline.settings.reps == 5
    assert window.routine.id == "windshield-wiper"
    assert inhibitor.calls == ["inhibit"]
    window.driver.stop()
    assert window.driver.state is State.STOPPED
    window.controls.start.click()  # back to the ready screen: --reps 5 was for that run only
    assert window.pages.currentWidget() is window.routine_panel
    assert window.timeline.settings.reps == 10
    assert "10 repetitions" in window.routine_panel.plan.text()
    assert inhibitor.calls == ["inhibit", "release"]
    window.close()


def test_stop_in_a_still_pause_clears_the_words_count_and_ring(window, timers):
    window.start_session()
    still = next(e for e in window.timeline.events if e.kind == "still")
    walk_to(window, timers, still.t + 5.2)
    assert window.session_view.diagram.pose().ring is not None
    window.driver.stop()
    view = window.session_view
    assert view.status.text() == "STOPPED"
    assert view.instruction.text() == "" and view.count.text() == ""
    pose = view.diagram.pose()
    assert pose.ring is None and pose.seconds_left is None and pose.kind == "end"
    assert "seconds left" not in view.diagram.accessibleDescription()
    timers.advance(1.0)
    window.controller.emit_frame()  # a late frame does not bring the ring back
    assert view.diagram.pose().ring is None


def test_the_finish_screen_says_finished_once(window, timers):
    window.start_session()
    go_to(window, timers, window.timeline.duration + 1)
    view = window.session_view
    words = " ".join((view.status.text(), view.instruction.text(), view.count.text(),
                      view.diagram.caption())).lower()
    assert words.count("finish") + words.count("the end of") == 1, words


def test_frames_at_display_rate_only_while_something_moves(window, timers):
    window.start_session()
    ctl = window.controller

    def next_frame() -> float:
        due = timers.deadline("frame-timer")
        assert due is not None
        return due - timers.clock.now()

    go_to(window, timers, 1.0)
    assert ctl.animating and next_frame() >= 0.1  # words only: ticks for the clock
    rep = next(e for e in window.timeline.events if e.kind == "rep")
    walk_to(window, timers, rep.t - 0.3)
    assert 0 < next_frame() <= ctl.frame_seconds + 1e-9  # the foot moves: every frame
    still = next(e for e in window.timeline.events if e.kind == "still")
    walk_to(window, timers, still.t + 1.0)
    assert 0 < next_frame() <= ctl.frame_seconds + 1e-9  # the ring counts down
    window.driver.toggle_pause()
    assert not ctl.animating  # paused: no timer


def test_thigh_massage_counts_presses_and_holds(window, timers, voice):
    window.routine_panel.picker.setCurrentIndex(window.routine_panel.picker.findData(
        "thigh-massage"))
    assert window.routine.id == "thigh-massage"
    assert "sharp pain" in window.routine_panel.safety.text()
    # presses are not repetitions: the window's reps=3 leaves the routine's six presses,
    # and the plan line names presses, not repetitions or still pauses it does not have
    plan = window.routine_panel.plan.text()
    assert "6 presses" in plan and "repetitions" not in plan and "still" not in plan
    window.start_session()
    press = next(e for e in window.timeline.events if e.kind == "press")
    walk_to(window, timers, press.t + 2.05)  # the frame painted after 2 s
    assert window.session_view.count.text() == "1 of 6"
    assert window.session_view.instruction.text() == press.text
    pose = window.session_view.diagram.pose()
    assert pose.kind == "press" and pose.seconds_left == 10


def test_i_and_the_menu_say_where_the_session_is(window, timers, voice, qtbot):
    assert window.where_action.text() == "&Where am I?"
    window.where_action.trigger()
    assert voice.said == ["No session is running."]
    window.start_session()
    rep = [e for e in window.timeline.events if e.kind == "rep"][1]
    walk_to(window, timers, rep.t + 0.1)
    key(window.steps, Qt.Key.Key_I, qtbot)
    span = window.timeline.steps[rep.step]
    left = window.timeline.duration - window.driver.position()
    minutes = -(-int(left) // 60)
    assert voice.played[-3:] == [f"{span.title}.", "Two of three.",
                                 f"{number_words(minutes).capitalize()} minutes left."]
    leg = voice.played[-4]
    assert leg in ("Left leg.", "Right leg.") and leg.lower().startswith(span.leg or "?")
    window.where_action.trigger()  # the menu item says the same
    assert voice.played[-3:] == [f"{span.title}.", "Two of three.",
                                 f"{number_words(minutes).capitalize()} minutes left."]
