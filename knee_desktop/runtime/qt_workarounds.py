"""Every PySide6 / Qt workaround of the app, in one place, each with why.

- **Named timers** (:func:`named_timer`): every QTimer carries an object name, so the test
  suite's leftover-timer check (``tests/conftest.py``) says *which* one still runs.
- **Keep-alive** (:func:`keep_alive`): a Qt connection to a plain Python callable does not
  keep its object alive; an object that is only connected must be referenced somewhere.
- **Disposal** (:func:`dispose`): a QObject made per session is detached from its parent
  and deleted by the event loop (``deleteLater``), never by Python's garbage collector,
  which may run on another thread (the audio tests' recorder thread) and crash Qt.
- **Unix signals** (:class:`UnixSignals`): Python runs a signal handler only between
  bytecodes, never while Qt waits in C++; the signal's byte on a wake-up socket watched by a
  QSocketNotifier brings it into the event loop (no polling timer).
- **PySide6 6.12.0 refcounts**: 6.12.0 on Python 3.11 drops a reference to ``None`` at
  every void Qt call and to ``True`` at every ``Signal.emit``; a long session aborted with
  "deallocating None". The pin is :data:`PYSIDE6_PIN` (6.11.3), the same in every file that
  names a version (``tests/test_pins.py``); ``tests/test_pyside_refcounts.py`` fails if a
  bump brings the bug back.
- **Reading every module's source** (:func:`quicker_source_scan`): PySide6 reads the whole
  source of each module named by an import after it is loaded (``inspect.getsource``, for
  its ``__feature__`` switch, PYSIDE-2029), ~0.07 ms each: ~7 ms of a launch. The same
  question is answered from the file's bytes.
- **QAudioSink.stateChanged** cannot be delivered to a Python slot in PySide6 6.11/6.12
  ("QAudio::State cannot be converted", then a crash): ``runtime/audio_output.py`` polls
  ``error()`` from its feeder instead.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from collections.abc import Callable, Iterable
from types import ModuleType

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

PYSIDE6_PIN = "6.11.3"


def quicker_source_scan() -> None:
    """Answer PySide6's question for each newly imported module, "does its source say
    PySide6?", from the file's bytes rather than ``inspect.getsource`` (~0.01 ms, not
    ~0.07). A module without a source file is left to PySide's own check; nothing changes
    with a PySide6 that does not ask (the check is PySide's own, in ``shibokensupport``)."""
    feature = sys.modules.get("shibokensupport.feature")
    own = getattr(feature, "_mod_uses_pyside", None)
    if not callable(own) or getattr(own, "quicker", False):
        return

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(own(module))

    uses_pyside.quicker = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]


def named_timer(name: str, parent: QObject | None = None) -> QTimer:
    timer = QTimer(parent)
    timer.setObjectName(name)
    return timer


def keep_alive(owner: object, thing: object) -> None:
    """Reference ``thing`` from ``owner`` for as long as ``owner`` lives."""
    kept: list[object] = owner.__dict__.setdefault("_kept_alive", [])
    kept.append(thing)


def dispose(obj: QObject | None) -> None:
    """Detach and delete on the event loop's thread, at its next turn."""
    if obj is not None:
        obj.setParent(None)
        obj.deleteLater()


class UnixSignals(QObject):
    """Call ``handler(signum)`` from the event loop when one of ``signals`` arrives."""

    def __init__(self, handler: Callable[[int], object],
                 signals: Iterable[int] = (signal.SIGINT, signal.SIGTERM),
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handler = handler
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno())
        # A Python-level handler that does nothing: the byte on the socket does the work.
        self._previous = {s: signal.signal(s, lambda *_: None) for s in signals}
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _drain(self) -> None:
        try:
            data = self._read.recv(64)
        except BlockingIOError:
            return
        for signum in data:
            self._handler(signum)

    def close(self) -> None:
        """Give the signals back as they were."""
        self._notifier.setEnabled(False)
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()
        with contextlib.suppress(ValueError):
            signal.set_wakeup_fd(self._previous_fd)
        self._read.close()
        self._write.close()
