"""The one injectable clock. Production reads ``time.monotonic``; tests step a fake by hand."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Seconds on a monotonic clock (arbitrary origin, never goes backwards)."""

    def now(self) -> float: ...


class MonotonicClock:
    """The real clock: ``time.monotonic()``, the same clock the cue log reports."""

    def now(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock that only moves when a test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self._t = start

    def now(self) -> float:
        return self._t

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("a monotonic clock cannot go backwards")
        self._t += seconds
        return self._t

    def set(self, t: float) -> None:
        if t < self._t:
            raise ValueError("a monotonic clock cannot go backwards")
        self._t = t
