"""Screen readers (issue 10, item 5): polite announcements by the "who speaks" setting, a
running screen reader detected on the accessibility bus, focus that does not move per step."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtDBus import QDBusConnection
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from knee_desktop.desktop.a11y_status import listens_for_announcements, screen_reader_enabled
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import State
from knee_desktop.ui.app.a11y import Announcer
from knee_desktop.ui.session.main_window import MainWindow
from tests.fixtures.dbus import PrivateBus

LAUNCHER = Path("/usr/libexec/at-spi-bus-launcher")


@pytest.fixture
def plan_settings() -> PlanSettings:
    return PlanSettings(reps=3, lead_in_seconds=1, pause_seconds=1)


@pytest.fixture
def window(window: MainWindow, clock: FakeClock) -> Iterator[tuple[MainWindow, FakeClock]]:
    """The conftest window (closing it answers yes), with its fake clock."""
    yield window, clock
    window.driver.close()


def walk(window: MainWindow, clock: FakeClock, seconds: float) -> None:
    timers = window.driver.timers
    assert isinstance(timers, FakeTimers)
    session = window.driver.session
    assert session is not None
    end = session.position() + seconds
    while session.position() < end and session.state is State.RUNNING:
        timers.advance(0.05)


def test_focus_stays_on_pause_through_the_steps(window) -> None:
    w, clock = window
    w.controls.start.setFocus()
    w.controls.start.click()
    assert w.focusWidget() is w.controls.pause
    for _ in range(3):
        w.driver.skip()
        walk(w, clock, 1.0)
        assert w.focusWidget() is w.controls.pause
    assert w.steps.current() >= 3


@pytest.mark.parametrize("mode, reader, expected", [
    ("auto", False, True), ("auto", True, False), ("app", False, False), ("both", True, True)])
def test_who_speaks_decides_the_announcements(window, mode: str, reader: bool,
                                              expected: bool) -> None:
    w, clock = window
    announcer = Announcer(w, lambda: mode, ask=lambda answer: answer(reader))
    heard: list[str] = []
    announcer.announced.connect(heard.append)
    session = w.start_session()
    assert session is not None
    assert announcer.enabled is expected and announcer.screen_reader is reader
    second = [e for e in session.timeline.events if e.kind == "rep"][1]
    walk(w, clock, second.t + 0.1)
    w.driver.toggle_pause()
    if not expected:
        assert heard == []
        return
    timeline = w.timeline
    assert timeline is not None
    first = next(s for s in timeline.steps if s.reps)
    assert f"1 of {first.reps}" in heard and f"2 of {first.reps}" in heard
    assert first.title in heard  # the step's instruction, then its counts
    assert heard.index(first.title) < heard.index(f"1 of {first.reps}")
    assert heard[-1] == "PAUSED: press Space to go on"


@pytest.mark.skipif(not LAUNCHER.exists(), reason="needs at-spi2-core")
def test_a_running_screen_reader_is_detected(qtbot: QtBot,
                                             private_bus: PrivateBus) -> None:
    bus = QDBusConnection.connectToBus(private_bus.address, f"a11y-{time.monotonic()}")
    launcher = subprocess.Popen([str(LAUNCHER), "--launch-immediately"], env=private_bus.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        qtbot.waitUntil(lambda: bus.interface().isServiceRegistered("org.a11y.Bus").value(),
                        timeout=10000)
        assert screen_reader_enabled(bus) is False
        private_bus.gdbus(qtbot, "call", "--session", "-d", "org.a11y.Bus", "-o",
                          "/org/a11y/bus", "-m", "org.freedesktop.DBus.Properties.Set",
                          "org.a11y.Status", "ScreenReaderEnabled", "<true>")
        assert screen_reader_enabled(bus) is True
    finally:
        launcher.terminate()
        launcher.wait(timeout=5)
        QDBusConnection.disconnectFromBus(bus.name())


def test_no_bus_means_no_screen_reader() -> None:
    bus = QDBusConnection.connectToBus("unix:path=/nonexistent/bus", "a11y-no-bus")
    assert screen_reader_enabled(bus) is False
    assert listens_for_announcements(bus) is False
    QDBusConnection.disconnectFromBus("a11y-no-bus")


def test_who_speaks_is_saved_and_a_bad_value_is_named() -> None:
    from knee_desktop.prefs import user_settings as us

    path = us.save(us.UserSettings(who_speaks="both"))
    assert 'who_speaks = "both"' in path.read_text()
    assert us.load().settings.who_speaks == "both"
    path.write_text('who_speaks = "orca"\n')
    result = us.load()
    assert result.settings.who_speaks == "auto"
    assert "who_speaks: expected auto, app or both, got 'orca'" in "\n".join(result.messages)


def test_the_settings_dialog_edits_who_speaks(qtbot: QtBot) -> None:
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.ui.settings.dialog import SettingsDialog

    dialog = SettingsDialog(UserSettings(who_speaks="app"))
    qtbot.addWidget(dialog)
    assert dialog.who_speaks.currentData() == "app" and dialog.who_speaks.accessibleName()
    dialog.who_speaks.setCurrentIndex(dialog.who_speaks.findData("both"))
    assert dialog.settings().who_speaks == "both"
    dialog.lister.stop()


def reader_on_screen(w: MainWindow, listens: bool) -> Announcer:
    """The window shown and active, a running screen reader ("both" speak) that does or
    does not listen for announcements."""
    announcer = Announcer(w, lambda: "both", ask=lambda answer: answer(True),
                          listens=lambda: listens)
    w.show()
    w.activateWindow()
    return announcer


@pytest.mark.parametrize("listens, described", [(False, True), (True, False)])
def test_a_reader_deaf_to_announcements_hears_the_focused_description(
        window, listens: bool, described: bool) -> None:
    """Orca 43 drops AT-SPI announcements (tests/test_orca.py); it presents a changed
    description of the control it has focus on. Only for a reader that does not listen
    for announcements (asked from the AT-SPI registry): a newer one would hear both."""
    w, clock = window
    announcer = reader_on_screen(w, listens)
    w.controls.pause.setFocus()
    session = w.start_session()
    assert session is not None
    assert announcer.by_description is described
    first = next(e for e in session.timeline.events if e.kind == "rep")
    walk(w, clock, first.t + 0.1)
    focused = QApplication.focusWidget()
    assert focused is not None
    if described:
        assert focused.accessibleDescription() == w.session_view.count.text()
    else:
        assert focused.accessibleDescription() == ""
    w.driver.stop()
    w.start_session()  # the next session gives the control its own description back
    assert focused.accessibleDescription() == ""


def test_the_knee_question_is_left_to_a_running_screen_reader(window, qtbot: QtBot) -> None:
    """Orca reads the question's dialog (tests/test_orca.py): the voice does not ask too;
    the answer is said back by the voice and, in "both" mode, to the screen reader."""
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.ui.app.wiring import Wiring
    from knee_desktop.ui.dialogs.knee_feel import KneeFeelDialog

    w, _ = window
    wiring = Wiring(w, UserSettings(who_speaks="both"))
    wiring.announcer = Announcer(w, lambda: "both", ask=lambda answer: answer(True),
                                 listens=lambda: False)
    heard: list[str] = []
    wiring.announcer.announced.connect(heard.append)
    said: list[str] = []

    def answer() -> None:
        dialog = next(d for d in QApplication.topLevelWidgets()
                      if isinstance(d, KneeFeelDialog) and d.isVisible())
        qtbot.keyClick(dialog, Qt.Key.Key_3)

    QTimer.singleShot(100, answer)
    feel = wiring.ask_feel("before", said.append)
    assert feel is not None and feel.score == 3
    assert said == ["Three. Thank you."] and heard == ["Three. Thank you."]


@pytest.mark.parametrize("end", ["finish", "stop"])
def test_the_end_is_told_on_the_focused_control_before_the_focus_moves(window, end: str
                                                                       ) -> None:
    """Orca 43 reads a control's description when the focus reaches it, and again when
    that description changes: given to the control that takes the focus at the end, the
    end's words were read twice (tests/test_orca.py). They go to the control that had the
    focus, before the window moves it."""
    w, clock = window
    announcer = reader_on_screen(w, listens=False)  # as Orca 43
    w.controls.start.setFocus()
    w.controls.start.click()
    log: list[tuple[str, object]] = []
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.focusChanged.connect(lambda _old, new: log.append(("focus", new)))
    announcer.announced.connect(
        lambda text: log.append((text, QApplication.focusWidget())))
    if end == "stop":
        w.driver.stop()
        w.driver.stop()
    else:
        walk(w, clock, 1e6)
    words = "FINISHED: well done" if end == "finish" else "STOPPED"
    told = log.index((words, w.controls.pause))  # the control Orca was on
    assert w.controls.pause.accessibleDescription() == words
    assert [new for what, new in log[told:] if what == "focus"][-1] is w.controls.start
    assert w.controls.start.accessibleDescription() != words  # its focus read: not again


def test_words_given_while_nothing_has_the_focus_wait_for_it(window, qtbot: QtBot,
                                                             monkeypatch) -> None:
    """The knee question closes; until the window manager gives the window the focus back
    no control has it, and Orca 43 hears only a description of the control it is on. The
    lead-in's words (the routine's safety words) given then reached nobody: under load in
    tests/test_orca.py the focus came back after them, and Orca never said them. They wait,
    and go to the control that gets the focus, one by one; a count does not wait."""
    w, clock = window
    reader_on_screen(w, listens=False)  # as Orca 43
    other = QWidget()  # another window has the focus (as no window, after the dialog)
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is None and not w.isActiveWindow())
    pause = w.controls.pause
    told: list[tuple[str, bool]] = []  # (words, given while Pause had the focus)
    describe = pause.setAccessibleDescription
    monkeypatch.setattr(pause, "setAccessibleDescription", lambda text: (
        told.append((text, QApplication.focusWidget() is pause)), describe(text)))
    w.driver.say("Three. Thank you.")  # the knee question's read-back: the start waits
    session = w.start_session()
    assert session is not None and w.routine is not None and w.routine.safety
    assert session.state is State.READY
    timers = w.driver.timers
    assert isinstance(timers, FakeTimers)
    while session.state is State.READY:
        timers.advance(0.05)
    safety = w.routine.safety[-1]
    said = next(e for e in session.timeline.events if e.text == safety)
    count = next(e for e in session.timeline.events if e.kind == "count")
    assert said.t < count.t
    walk(w, clock, count.t + 0.1)  # the safety words, then the first count of the lead-in
    assert told == []  # nothing has the focus: no reader hears a description now
    w.activateWindow()  # the focus back: on Pause, as when the window had it all along
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    assert QApplication.focusWidget() is pause
    qtbot.waitUntil(lambda: any(text == safety for text, _ in told))
    words = [text for text, on_pause in told if on_pause]
    assert words == [text for text, _ in told]  # each given while Pause had the focus
    # in order, from the step's title; a count heard late is wrong: not kept
    assert words == [session.timeline.steps[0].title] + [
        e.text for e in session.timeline.events if e.t < count.t and e.text]
