"""The timer port: "call me back at this time on the session's clock".

Everything in the runtime that waits (the cue scheduler, the session driver's wait for the
last words, the window's frame pacing) asks a :class:`Timers` for a :class:`Timer`, so that
one clock rules every wait:

- :class:`QtTimers` (production): each timer is a single-shot precise ``QTimer`` armed for
  ``deadline - clock.now()``, re-armed by its owner after every firing.
- :class:`FakeTimers` (tests): paired with a :class:`~knee_desktop.session.clock.FakeClock`;
  :meth:`FakeTimers.advance` steps the clock to each deadline in turn and fires the timer
  there, so a test walks a session exactly as the event loop would, without sleeping.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Qt

from knee_desktop.runtime.qt_workarounds import named_timer
from knee_desktop.session.clock import Clock, FakeClock, MonotonicClock

Callback = Callable[[], object]


class Timer(Protocol):
    """A single-shot timer on a clock. Starting it again replaces the old deadline."""

    @property
    def name(self) -> str: ...

    @property
    def active(self) -> bool: ...

    @property
    def deadline(self) -> float | None:
        """The clock time it fires at, while active."""

    def start_at(self, deadline: float) -> None: ...

    def start_in(self, seconds: float) -> None: ...

    def stop(self) -> None: ...


class Timers(Protocol):
    """Makes timers that share one clock."""

    @property
    def clock(self) -> Clock: ...

    def timer(self, name: str, callback: Callback, parent: QObject | None = None) -> Timer: ...


# ---- Qt ------------------------------------------------------------------------------
class QtTimer(QObject):
    """One precise single-shot QTimer, armed to absolute deadlines on ``clock``."""

    def __init__(self, name: str, callback: Callback, clock: Clock,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}-port")
        self._clock = clock
        self._callback = callback
        self._deadline: float | None = None
        self._timer = named_timer(name, self)  # a leftover timer is reported by name
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)

    @property
    def name(self) -> str:
        return self._timer.objectName()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    @property
    def deadline(self) -> float | None:
        return self._deadline if self.active else None

    def start_at(self, deadline: float) -> None:
        self._deadline = deadline
        # Round up: a timer that fires a hair early would only re-arm for 0 ms.
        self._timer.start(max(0, math.ceil((deadline - self._clock.now()) * 1000)))

    def start_in(self, seconds: float) -> None:
        self.start_at(self._clock.now() + seconds)

    def stop(self) -> None:
        self._timer.stop()
        self._deadline = None

    def _fire(self) -> None:
        self._deadline = None
        self._callback()


class QtTimers:
    """Production timers: Qt's event loop, the real (or given) clock."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock: Clock = clock or MonotonicClock()

    @property
    def clock(self) -> Clock:
        return self._clock

    def timer(self, name: str, callback: Callback, parent: QObject | None = None) -> QtTimer:
        return QtTimer(name, callback, self._clock, parent)


# ---- fake ----------------------------------------------------------------------------
class FakeTimer:
    def __init__(self, owner: FakeTimers, name: str, callback: Callback) -> None:
        self._owner = owner
        self._name = name
        self._callback = callback
        self._deadline: float | None = None
        self._seq = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def active(self) -> bool:
        return self._deadline is not None

    @property
    def deadline(self) -> float | None:
        return self._deadline

    def start_at(self, deadline: float) -> None:
        self._deadline = deadline
        self._seq = self._owner._next_seq()

    def start_in(self, seconds: float) -> None:
        self.start_at(self._owner.clock.now() + seconds)

    def stop(self) -> None:
        self._deadline = None

    def fire(self) -> None:
        self._deadline = None
        self._callback()


class FakeTimers:
    """Timers that fire only when the test moves the fake clock through their deadline."""

    MAX_FIRINGS = 1_000_000  # a timer re-armed for "now" forever is a bug: fail, not hang

    def __init__(self, clock: FakeClock | None = None) -> None:
        self._clock = clock or FakeClock()
        self._timers: list[FakeTimer] = []
        self._seq = 0
        self.fired: list[str] = []  # names, in firing order (the last few thousand)

    @property
    def clock(self) -> FakeClock:
        return self._clock

    def timer(self, name: str, callback: Callback, parent: QObject | None = None) -> FakeTimer:
        timer = FakeTimer(self, name, callback)
        self._timers.append(timer)
        return timer

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # ---- reading -----------------------------------------------------------------------
    def active(self) -> dict[str, float]:
        """Every running timer by name, with its deadline."""
        return {t.name: t.deadline for t in self._timers if t.deadline is not None}

    def deadline(self, name: str) -> float | None:
        return self.active().get(name)

    # ---- moving time -------------------------------------------------------------------
    def _due(self, until: float) -> FakeTimer | None:
        due = [t for t in self._timers if t.deadline is not None and t.deadline <= until]
        return min(due, key=lambda t: (t.deadline, t._seq)) if due else None

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` on, firing every timer due on the way at its own
        deadline (so nothing is ever late), then stop at the end."""
        target = self._clock.now() + seconds
        self._run(lambda: self._due(target))
        self._clock.set(max(target, self._clock.now()))

    def advance_until(self, done: Callable[[], bool], limit: float = 3600.0) -> None:
        """Fire timers in deadline order until ``done()`` (or nothing is left, or ``limit``
        seconds passed: then AssertionError)."""
        end = self._clock.now() + limit
        self._run(lambda: None if done() else self._due(end))
        if not done():
            raise AssertionError(f"not done after the timers ran (active: {self.active()})")

    def stall(self, seconds: float) -> None:
        """The machine froze for ``seconds``: jump the clock, then fire what is due once,
        each timer at the new time (late)."""
        self._clock.advance(seconds)
        now = self._clock.now()
        for timer in sorted((t for t in self._timers
                             if t.deadline is not None and t.deadline <= now),
                            key=lambda t: (t.deadline, t._seq)):
            if timer.deadline is not None and timer.deadline <= now:
                self._fire(timer)

    def _run(self, pick: Callable[[], FakeTimer | None]) -> None:
        for _ in range(self.MAX_FIRINGS):
            timer = pick()
            if timer is None:
                return
            assert timer.deadline is not None
            self._clock.set(max(self._clock.now(), timer.deadline))
            self._fire(timer)
        raise AssertionError(f"timers kept firing without end: {self.fired[-5:]}")

    def _fire(self, timer: FakeTimer) -> None:
        self.fired.append(timer.name)
        if len(self.fired) > 5000:
            del self.fired[:1000]
        timer.fire()
