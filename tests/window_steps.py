"""Walking a window's session along its fake timers, and pressing keys, for window tests."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.session.engine import State
from knee_desktop.ui.session.main_window import MainWindow


def walk_to(window: MainWindow, timers: FakeTimers, t: float) -> None:
    """Let the session's timers run until timeline position ``t``: every cue and every
    frame on its own time, as the event loop would."""
    session = window.driver.session
    assert session is not None
    timers.advance_until(lambda: session.state is not State.READY)  # a prompt may still sound
    timers.advance(max(0.0, session.time_of(t) - timers.clock.now()))


go_to = walk_to


def key(widget, k: Qt.Key, qtbot) -> None:
    """Press ``k`` on the keyboard after giving ``widget`` the focus (if it can take it: a
    hidden one cannot). The key goes where a keyboard's goes: to the focused widget, else
    the active window; the app's keys must work from there."""
    widget.setFocus()
    qtbot.keyClick(focused(), k)


def focused() -> QWidget:
    """Where a key pressed now goes."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "no window is active: a key would go nowhere"
    return target


def coarse_frames(window: MainWindow) -> None:
    """After the start: a frame each half second, for tests that walk a whole session and
    check where it ends rather than how it moves (every cue still fires at its own time)."""
    window.controller.frame_seconds = 0.5
