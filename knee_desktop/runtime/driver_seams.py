"""What the session driver (``runtime/driver.py``) is plugged into: the history recorder
and the knee question, given by the window (``ui/app/wiring.py``) or the terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from knee_desktop.history.feel import KneeFeel, When
from knee_desktop.session.engine import Session

Say = Callable[[str], None]
# Asks "How do your knees feel?" (None: not asked); speaks through the Say it is given.
Asker = Callable[[When, Say], KneeFeel | None]


class Recorder(Protocol):
    """What the driver needs from a history recorder (``history.recorder``)."""

    def keep_after(self, feel: KneeFeel | None) -> None: ...

    def detach(self) -> None: ...


RecorderFactory = Callable[[Session, KneeFeel], Recorder]
