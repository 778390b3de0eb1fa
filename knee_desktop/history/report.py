"""The report for a physiotherapist, as plain data: what the PDF says, worked out from the
history with no Qt (the renderer is :mod:`knee_desktop.printout`).

Only what the person entered or did is in it: the routines and their settings, when they
exercised, how the knee felt, what was skipped or stopped, and their own notes. No name, no
machine, no file path; nothing is sent anywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from statistics import mean
from typing import Any

from knee_desktop import APP_NAME, __version__
from knee_desktop.common.limits import DEFAULT_WEEKS as DEFAULT_WEEKS
from knee_desktop.common.limits import MAX_WEEKS as MAX_WEEKS
from knee_desktop.history.progress import Nudge, Progress, nudge, progress
from knee_desktop.history.records import SessionRecord, monday
from knee_desktop.history.store import HistoryStore

DEFAULT_TARGET = 3  # sessions a week, when there is no last month to go by
TARGET_DAYS = 28  # "your last month", for the default weekly target
# The guide's own safety words (shared/seed: "Natural Relief for Knee Pain").
SAFETY_WORDS = (
    "Only move to a point of resistance. Do not move to a point of pain. If you have pain, "
    "make the move smaller.",
    "This app is not a replacement for your doctor. If you have questions, please ask "
    "him or her.",
)


def counts(rec: SessionRecord) -> bool:
    """A session that counts towards the weekly target: at least one repetition done."""
    return rec.reps_done > 0 and not rec.damaged


def default_target(days: Iterable[date], today: date) -> int:
    """Sessions a week from the person's own last month: ``days`` has the day of each
    session that counts (a day twice for two sessions); those in the 28 days before today,
    a week's worth, at least 1. :data:`DEFAULT_TARGET` with no session in that month."""
    start = today - timedelta(days=TARGET_DAYS)
    n = sum(1 for d in days if start <= d < today)
    return max(1, round(n * 7 / TARGET_DAYS)) if n else DEFAULT_TARGET


def effective_target(setting: int | None, days: Iterable[date], today: date) -> int:
    """The person's own weekly target, or the default from their last month."""
    return setting if setting is not None else default_target(days, today)


def this_week(days: Sequence[date], setting: int | None, today: date) -> tuple[int, int]:
    """(sessions that count this week so far, the weekly target) from the day of each
    session that counts."""
    target = effective_target(setting, days, today)
    return sum(1 for d in days if monday(d) == monday(today)), target


def week_words(days: Sequence[date], setting: int | None, today: date) -> str:
    """``This week so far: 1 session of your weekly target of 3.`` (for the reminder)."""
    done, target = this_week(days, setting, today)
    return (f"This week so far: {done} session{'' if done == 1 else 's'} of your weekly "
            f"target of {target}.")


@dataclass(frozen=True)
class Period:
    first: date  # the first day in the report
    last: date  # the last day (today, when made)
    starts_history: bool = False  # the period asked for began before the first session
    cut: bool = False  # the period asked for was longer than MAX_WEEKS

    @property
    def mondays(self) -> list[date]:
        out, day = [], monday(self.first)
        while day <= self.last:
            out.append(day)
            day += timedelta(weeks=1)
        return out

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last


def period_of(today: date, weeks: int | None = None, since: date | None = None) -> Period:
    """``weeks`` whole weeks ending with this one, or from ``since`` to today; at most
    :data:`MAX_WEEKS` (a year's calendar is what two pages hold), ``cut`` if shortened."""
    earliest = monday(today) - timedelta(weeks=MAX_WEEKS - 1)
    if since is not None:
        first = min(since, today)
    else:
        first = monday(today) - timedelta(weeks=(weeks or DEFAULT_WEEKS) - 1)
    return Period(max(first, earliest), today, cut=first < earliest)


@dataclass(frozen=True)
class DayMark:
    """One session in the calendar: how it ended and the knee feel before → after."""

    end_state: str  # completed, stopped, interrupted, running
    feel_before: int | None
    feel_after: int | None


@dataclass(frozen=True)
class WeekRow:
    monday: date
    sessions: int  # sessions that count (at least one repetition done)
    completed: int
    minutes: float
    feel_before: float | None  # the week's average, or None without answers
    feel_after: float | None
    days: tuple[tuple[DayMark, ...], ...]  # Monday … Sunday


@dataclass(frozen=True)
class RoutineUse:
    routine_id: str
    title: str
    sessions: int
    settings: tuple[str, ...]  # each set of settings used, in words, most used first


@dataclass(frozen=True)
class Note:
    started: datetime
    title: str
    text: str  # the person's own words, as they typed them (plain text, never markup)


@dataclass(frozen=True)
class Report:
    period: Period
    made: datetime
    target: int
    target_is_default: bool
    routine_filter: str | None
    total: int  # every session in the period
    sessions: int  # those that count: at least one repetition done
    completed: int
    stopped: int
    interrupted: int
    minutes: float
    stopped_at: tuple[tuple[str, int], ...]  # step title, times, most first
    skipped: tuple[tuple[str, int], ...]  # step title, times skipped, most first
    steps_skipped: int
    routines: tuple[RoutineUse, ...]
    weeks: tuple[WeekRow, ...]
    notes: tuple[Note, ...]
    progress: Progress
    nudge: Nudge | None
    safety: tuple[str, ...] = SAFETY_WORDS
    app: str = f"{APP_NAME} {__version__}"
    answers_before: int = 0
    answers_after: int = 0
    weeks_on_target: int = field(default=0)


def settings_words(settings: dict[str, Any], moves: bool = True) -> str:
    """``10 reps · pauses 10 s · sweep 2 s · circle 3 s · legs left, right``; without
    movements (the thigh massage's presses) no tempo, and ``6 presses``."""
    def num(key: str) -> str | None:
        v = settings.get(key)
        if isinstance(v, bool) or not isinstance(v, int | float):
            return None
        return f"{v:g}"

    parts = []
    keys = (("reps", "reps" if moves else "presses", ""), ("pause", "pauses", " s"),
            ("sweep", "sweep", " s"), ("circle", "circle", " s"))
    for key, word, unit in keys if moves else keys[:2]:
        v = num(key)
        if v is not None:
            parts.append(f"{v} {word}" if key == "reps" else f"{word} {v}{unit}")
    legs = settings.get("legs")
    if isinstance(legs, list) and legs and all(isinstance(x, str) for x in legs):
        parts.append("legs " + ", ".join(legs))
    return " · ".join(parts) or "settings not recorded"


def _routines(records: Sequence[SessionRecord]) -> tuple[RoutineUse, ...]:
    by_id: dict[str, list[SessionRecord]] = {}
    for r in records:
        by_id.setdefault(r.routine_id, []).append(r)
    out = []
    for rid, recs in sorted(by_id.items(), key=lambda kv: -len(kv[1])):
        moves = any(s.kind == "move" for r in recs for s in r.steps) or not any(
            s.kind == "press" for r in recs for s in r.steps)
        used = Counter(settings_words(r.settings, moves) for r in recs)
        words = tuple(f"{w} ({n}×)" if len(used) > 1 else w for w, n in used.most_common())
        out.append(RoutineUse(rid, recs[-1].title, len(recs), words))
    return tuple(out)


def _avg(values: list[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(mean(known), 1) if known else None


def _weeks(records: Sequence[SessionRecord], period: Period) -> tuple[WeekRow, ...]:
    rows = []
    for start in period.mondays:
        week = [r for r in records if monday(r.started.date()) == start]
        days = tuple(tuple(DayMark(r.end_state or "running", r.feel_before, r.feel_after)
                           for r in week if r.started.date() == start + timedelta(days=d))
                     for d in range(7))
        rows.append(WeekRow(
            start, sum(1 for r in week if counts(r)),
            sum(1 for r in week if r.end_state == "completed"),
            round(sum(r.exercise_seconds for r in week) / 60, 1),
            _avg([r.feel_before for r in week]), _avg([r.feel_after for r in week]), days))
    return tuple(rows)


def _skipped(records: Sequence[SessionRecord]) -> Counter[str]:
    """Steps skipped: not completed, and not the step a stopped session ended in."""
    out: Counter[str] = Counter()
    for r in records:
        for s in r.steps:
            last_of_stopped = s is r.steps[-1] and r.end_state != "completed"
            if not s.completed and not last_of_stopped:
                out[s.title] += 1
    return out


def read(store: HistoryStore, period: Period) -> tuple[list[SessionRecord], date | None]:
    """What :func:`build` needs of the history: the sessions from a day before the period
    (or before the last month, for the default target) on, and the day the history began.
    Years of history are not read whole (10,000 sessions with their steps: seconds)."""
    start = min(period.first, period.last - timedelta(days=TARGET_DAYS)) - timedelta(days=1)
    began = min((r.started.date() for r in store.rows() if not r.damaged), default=None)
    since = datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp()
    return store.sessions(since), began


def build(records: Sequence[SessionRecord], period: Period, *, target: int | None,
          made: datetime, routine: str | None = None, began: date | None = None) -> Report:
    """The report of ``records`` (the history, any order; at least the period and the last
    month before its end) in ``period``, of one routine or all; ``target`` None:
    :func:`default_target` from the history. ``began``: the history's first day (default:
    the first of ``records``)."""
    ordered = sorted((r for r in records if not r.damaged), key=lambda r: r.started)
    began = began or (ordered[0].started.date() if ordered else None)
    if began is not None and period.first < began <= period.last:
        # No empty weeks before the history began (nor a target "missed" in them).
        period = Period(began, period.last, starts_history=True)
    chosen = [r for r in ordered if period.holds(r.started.date())
              and (routine is None or r.routine_id == routine)]
    goal = effective_target(target, (r.started.date() for r in ordered if counts(r)),
                            period.last)
    weeks = _weeks(chosen, period)
    stopped = [r for r in chosen if r.end_state == "stopped"]
    skipped = _skipped(chosen)
    return Report(
        period=period, made=made, target=goal, target_is_default=target is None,
        routine_filter=routine, total=len(chosen), sessions=sum(1 for r in chosen if counts(r)),
        completed=sum(1 for r in chosen if r.end_state == "completed"),
        stopped=len(stopped),
        interrupted=sum(1 for r in chosen if r.end_state == "interrupted"),
        minutes=round(sum(r.exercise_seconds for r in chosen) / 60, 1),
        stopped_at=tuple(Counter(r.at_title or "?" for r in stopped).most_common()),
        skipped=tuple(skipped.most_common()), steps_skipped=sum(skipped.values()),
        routines=_routines(chosen), weeks=weeks,
        notes=tuple(Note(r.started, r.title, r.note) for r in chosen if r.note.strip()),
        progress=progress(chosen), nudge=nudge(chosen),
        answers_before=sum(1 for r in chosen if r.feel_before is not None),
        answers_after=sum(1 for r in chosen if r.feel_after is not None),
        weeks_on_target=sum(1 for w in weeks if w.sessions >= goal))
