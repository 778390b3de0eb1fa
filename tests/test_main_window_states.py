"""The main window after and around a session: states, one-off options, the status key."""

from __future__ import annotations

from PySide6.QtCore import Qt

from knee_desktop.cli.main import parse_launch
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.words import number_words
from knee_desktop.session.engine import State
from knee_desktop.ui.session.controller import MOTION_FPS, RING_FRAME
from tests.window_steps import coarse_frames, go_to, key, walk_to

PAUSED = "Paused. Press space to go on."



def test_settings_change_the_plan(window):
    window.set_plan_settings(PlanSettings(reps=5, leg="left"))
    assert "5 repetitions" in window.routine_panel.plan.text()
    assert all(s.leg in (None, "left") for s in window.timeline.steps)


def test_command_line_start(qtbot, voice, inhibitor):
    from knee_desktop.ui.app.launch import open_window

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
    coarse_frames(window)
    go_to(window, timers, window.timeline.duration + 1)
    view = window.session_view
    words = " ".join((view.status.text(), view.instruction.text(), view.count.text(),
                      view.diagram.caption())).lower()
    assert words.count("finish") + words.count("the end of") == 1, words


def test_frames_only_while_something_moves_and_as_often_as_it_needs(window, timers):
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
    assert ctl.frame_seconds >= 1 / MOTION_FPS - 1e-3  # 25 a second: what the motion needs
    still = next(e for e in window.timeline.events if e.kind == "still")
    walk_to(window, timers, still.t + 1.5)
    # the ring counts down: ten frames a second are enough for it (not 25), and its
    # seconds change on time: a frame falls on the next whole second of the hold
    assert ctl.frame_seconds < next_frame() <= RING_FRAME + 1e-9
    walk_to(window, timers, still.t + 1.95)
    assert 0 < next_frame() <= 0.055 + 1e-6
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
    assert voice.said == ["No session is running.", "Press space to begin."]
    window.start_session()
    rep = [e for e in window.timeline.events if e.kind == "rep"][1]
    # the count is still sounding; it ends within one_voice.KEEP_SECONDS, so it is heard
    # whole before the answer (this voice's phrases last UNKNOWN_SAY_SECONDS, 1.5 s)
    walk_to(window, timers, rep.t + 1.0)
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
