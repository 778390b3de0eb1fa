"""A launch does what the window does not need to draw itself after its first frame
(ui/app/first_frame.py): just after the window's first Expose, once; at once for a window
that is not shown (--tray); and at most LIMIT_MS later for one that is never exposed."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from knee_desktop.ui.app import first_frame
from knee_desktop.ui.app.first_frame import AfterFirstFrame


def test_the_rest_comes_just_after_the_first_frame_and_once(qtbot) -> None:
    window = QMainWindow()
    window.setCentralWidget(QLabel("x"))
    qtbot.addWidget(window)
    seen: list[bool] = []
    window.show()
    waiting = AfterFirstFrame(window, lambda: seen.append(window.windowHandle().isExposed()))
    assert seen == [] and not waiting.done  # nothing before the event loop shows it
    qtbot.waitUntil(lambda: seen != [], timeout=5_000)
    assert seen == [True]  # after the window was on the screen
    window.hide()
    window.show()  # exposed again: not again
    qtbot.waitExposed(window)
    qtbot.wait(50)
    assert seen == [True] and waiting.done


def test_a_window_not_shown_gets_the_rest_at_once(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    seen: list[str] = []
    AfterFirstFrame(window, lambda: seen.append("rest"))  # --tray: the window stays hidden
    qtbot.waitUntil(lambda: seen == ["rest"], timeout=1_000)


def test_a_window_never_exposed_gets_the_rest_after_the_limit(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(first_frame, "LIMIT_MS", 100)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    seen: list[str] = []
    waiting = AfterFirstFrame(window, lambda: seen.append("rest"))
    handle = window.windowHandle()
    assert handle is not None
    handle.removeEventFilter(waiting)  # as a compositor that never exposes it
    qtbot.waitUntil(lambda: seen == ["rest"], timeout=2_000)
