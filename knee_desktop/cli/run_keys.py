"""Session keys in the terminal for `run`, as in the window: Space pauses and resumes,
N or → skips, R repeats the instruction and the count, I says where the session is, Esc
asks and a second Esc stops. Only when stdin is a terminal; it is put in cbreak mode (one
key at a time, no echo) for the session and given back as it was when the session ends,
before the knee question is asked line by line.
"""

from __future__ import annotations

import contextlib
import os
import sys
import termios
import tty
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knee_desktop.runtime.driver import SessionDriver

HELP = "Keys: Space pause/resume, N skip, R repeat, I where am I, Esc or S twice stop."
ARROW_RIGHT = b"\x1b[C"
ESC = b"\x1b"


def key_actions(driver: SessionDriver, show: Callable[[str], object]) -> dict[bytes, Any]:
    def where() -> None:
        show(driver.where_am_i())

    return {b" ": driver.toggle_pause, b"n": driver.skip, b"N": driver.skip,
            ARROW_RIGHT: driver.skip, b"r": driver.repeat, b"R": driver.repeat,
            b"i": where, b"I": where, ESC: driver.request_stop,
            b"s": driver.request_stop, b"S": driver.request_stop}


def split_keys(data: bytes) -> list[bytes]:
    """Bytes read at once into keys: the right arrow's escape sequence is one key."""
    keys = []
    while data:
        if data.startswith(b"\x1b[") and len(data) >= 3:
            keys.append(data[:3])
            data = data[3:]
        else:
            keys.append(data[:1])
            data = data[1:]
    return keys


class TerminalKeys:
    """Reads single keys from stdin while a session runs, through the Qt event loop."""

    def __init__(self, driver: SessionDriver, show: Callable[[str], object]) -> None:
        from PySide6.QtCore import QSocketNotifier

        self.fd = sys.stdin.fileno()
        self.actions = key_actions(driver, show)
        self._saved: list[Any] | None = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        self._notifier: QSocketNotifier | None = QSocketNotifier(
            self.fd, QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._read)
        driver.ended.connect(lambda _session: self.close())

    @classmethod
    def attach(cls, driver: SessionDriver, show: Callable[[str], object]) -> TerminalKeys | None:
        """Keys if stdin is a terminal, else None (scripts and pipes are left alone)."""
        try:
            if not sys.stdin.isatty():
                return None
            return cls(driver, show)
        except (OSError, termios.error, ValueError):
            return None

    def _read(self) -> None:
        try:
            data = os.read(self.fd, 64)
        except OSError:
            return
        for key in split_keys(data):
            action = self.actions.get(key)
            if action is not None:
                action()

    def close(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._saved is not None:
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None
