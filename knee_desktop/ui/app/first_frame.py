"""Run the rest of a launch after the window's first frame is on the screen.

What the window does not need to draw itself (media keys and the desktop's media widget,
spoken commands, the reminder's tray icon, signal handling, a ``--start`` session) is set up
right after its first frame rather than before it: the person sees the window that much
sooner, and the event loop is busy for those few milliseconds only after it has painted.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QWidget

LIMIT_MS = 1000  # a compositor that never exposes the window (another workspace) waits no longer


class AfterFirstFrame(QObject):
    """Calls ``then`` once, just after ``window`` handled its first Expose (Qt paints and
    flushes the whole window there), or after :data:`LIMIT_MS`, or at once when the
    window is not shown (``--tray``). A filter on the window's native window only (a few
    events), removed once it has fired."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._then: Callable[[], None] | None = then
        self._handle: QWindow | None = window.windowHandle() if window.isVisible() else None
        if self._handle is None:
            QTimer.singleShot(0, self._fire)
            return
        self._handle.installEventFilter(self)
        QTimer.singleShot(LIMIT_MS, self._fire)

    @property
    def done(self) -> bool:
        return self._then is None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and self._handle is not None \
                and self._handle.isExposed():
            QTimer.singleShot(0, self._fire)  # after this event: once Qt has painted
        return False

    def _fire(self) -> None:
        then, self._then = self._then, None
        if then is None:
            return
        if self._handle is not None:
            self._handle.removeEventFilter(self)
        then()
