"""What the history holds, as plain data: a session and its steps, a table row, a week.

Times are wall-clock records: seconds since the epoch plus the UTC offset in force, so days
and weeks are the user's own (``stamp`` and ``to_datetime`` convert).
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, NamedTuple

from knee_desktop.common.errors import KneeError

NowWall = Callable[[], datetime]
Zones = dict[int, timezone]  # a cache of fixed zones by offset, owned by one read
# Times every reader can show: stored times outside this range are damaged.
EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MAX_OFFSET = 18 * 3600  # seconds east or west of UTC
# The steps whose time is exercise: the movements, the still pauses and rests between them
# (the guide: "that's when the magic happens") and the held presses. Not the spoken setup,
# the switch to the other leg, or the closing words.
EXERCISE_KINDS = ("move", "still", "rest", "press")


class HistoryError(KneeError):
    """The history could not be read or written; the message says why, for the user.
    ``busy``: another instance held the file longer than the busy timeout (transient)."""

    def __init__(self, message: str, *, busy: bool = False) -> None:
        super().__init__(message)
        self.busy = busy


def local_now() -> datetime:
    return datetime.now().astimezone()


def to_datetime(ts: float, offset: int, zones: Zones | None = None) -> datetime:
    """A stored time as an aware datetime in the UTC offset it was recorded with."""
    return datetime.fromtimestamp(ts, zone(offset, zones))


def safe_datetime(ts: object, offset: object, zones: Zones | None = None) -> datetime | None:
    """:func:`to_datetime` of a value read from a file that may be damaged: None unless it
    is a time in the sane range with a sane offset. ``zones``: see :func:`zone`."""
    if isinstance(ts, bool) or not isinstance(ts, int | float) \
            or isinstance(offset, bool) or not isinstance(offset, int):
        return None
    if not -MAX_OFFSET <= offset <= MAX_OFFSET \
            or not EARLIEST.timestamp() <= ts <= LATEST.timestamp():
        return None  # also catches NaN (every comparison is false)
    return to_datetime(ts, offset, zones)


def zone(offset: int, zones: Zones | None = None) -> timezone:
    """The fixed zone of ``offset`` seconds; ``zones`` is a cache owned by the caller (one
    read of 10,000 rows makes a handful of zones, not 10,000)."""
    if zones is None:
        return timezone(timedelta(seconds=offset))
    found = zones.get(offset)
    if found is None:
        found = zones[offset] = timezone(timedelta(seconds=offset))
    return found


def stamp(when: datetime) -> tuple[float, int]:
    """(seconds since the epoch, UTC offset in seconds) of ``when``."""
    if when.tzinfo is None:
        when = when.astimezone()
    offset = when.utcoffset() or timedelta(0)
    return when.timestamp(), int(offset.total_seconds())


@dataclass
class StepRecord:
    """One step of a session as it went."""

    step_index: int
    title: str
    kind: str
    movement: str | None = None
    leg: str | None = None
    reps_planned: int | None = None
    reps_done: int = 0
    seconds: float = 0.0
    completed: bool = False
    ended: datetime | None = None


@dataclass
class SessionRecord:
    """A whole session: what the store writes and what export/import carry."""

    routine_id: str
    title: str
    started: datetime
    uuid: str = field(default_factory=lambda: str(uuidlib.uuid4()))
    settings: dict[str, Any] = field(default_factory=dict)
    planned_seconds: float = 0.0
    steps_planned: int = 0
    ended: datetime | None = None
    end_state: str | None = None
    at_step: int | None = None
    at_title: str | None = None
    paused_seconds: float = 0.0
    feel_before: int | None = None
    feel_after: int | None = None
    note: str = ""
    steps: list[StepRecord] = field(default_factory=list)
    id: int | None = None  # the row id in one database; not carried across machines
    damaged: bool = False  # read from a row with values no reader can show (older versions)

    # Totals derived from the steps (stored too, so the table reads one row per session).
    @property
    def exercise_seconds(self) -> float:
        """Movements, still pauses, rests and presses: not the spoken setup (EXERCISE_KINDS)."""
        return sum(s.seconds for s in self.steps if s.kind in EXERCISE_KINDS)

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s.completed)

    @property
    def reps_done(self) -> int:
        return sum(s.reps_done for s in self.steps)

    @property
    def legs_done(self) -> str:
        legs = {s.leg for s in self.steps if s.leg and s.reps_done > 0}
        return ",".join(sorted(legs))


class Row(NamedTuple):
    """One line of the history table (a tuple: 10,000 of them are made in milliseconds)."""

    id: int
    started: datetime
    routine_id: str
    title: str
    exercise_seconds: float
    paused_seconds: float
    legs_done: str
    legs_planned: int
    end_state: str | None  # None: still being recorded (or by a live second instance)
    at_title: str | None
    steps_done: int
    steps_planned: int
    feel_before: int | None
    feel_after: int | None
    note: str
    damaged: bool = False  # a row with values no reader can show, kept and marked


@dataclass(frozen=True)
class Week:
    monday: date
    sessions: int
    minutes: float
    feel_before: float | None
    feel_after: float | None


def current_streak(days: Iterable[date], today: date) -> int:
    """Days in a row with a session, ending today (or yesterday: today is not over)."""
    active = set(days)
    day = today if today in active else today - timedelta(days=1)
    streak = 0
    while day in active:
        streak += 1
        day -= timedelta(days=1)
    return streak


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
