"""Progress that means something: knee-feel changes against a clinically meaningful change,
and the safety nudge when the knee feels worse after the sessions.

The threshold (docs/history.md, "Progress"): on a 0-10 pain scale a change of about
**2 points or 30 %** is the smallest that people themselves call a meaningful improvement
(Farrar et al. 2001, Pain 94:149-158; Salaffi et al. 2004, Eur J Pain 8:283-291). Below
:data:`MIN_ANSWERS` answers nothing is said but "too few answers". Nothing here is a
diagnosis: the words say what the person reported, against a published yardstick.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import mean
from typing import Any, Literal, Protocol

from knee_desktop.common import limits
from knee_desktop.history.records import SessionRecord

MEANINGFUL_POINTS = 2  # points on the 0-10 scale (Farrar 2001: about 2 points) ...
MEANINGFUL_SHARE = 0.30  # ... or 30 % of the score before (Farrar 2001; Salaffi 2004: 33 %)
MIN_ANSWERS = 3  # sessions with both answers before anything is said about a trend
NUDGE_WINDOW = 3  # the last sessions looked at ...
NUDGE_WORSE = 2  # ... and how many of them felt meaningfully worse after
SOURCE = ("Farrar et al. 2001, Pain 94:149-158; Salaffi et al. 2004, Eur J Pain 8:283-291")
NOT_A_DIAGNOSIS = "What you reported, not a diagnosis."
GUIDE_ADVICE = ("Make the move smaller; only move to a point of resistance, never to a point "
                "of pain.")
ASK_DOCTOR = "If it goes on, ask your doctor."
TOO_FEW = "too few answers to say"

Direction = Literal["better", "worse", "same"]


class Answers(Protocol):
    """A session's two answers: a SessionRecord, or a row of the history table."""

    @property
    def feel_before(self) -> int | None: ...

    @property
    def feel_after(self) -> int | None: ...


def meaningful(before: float, after: float) -> bool:
    """A change of at least 2 points, or at least 30 % of the score before (so from 3, one
    point is: 3 → 2 is a third less pain; from 0, only 2 points are)."""
    change = abs(after - before)
    if change < 1e-9:
        return False
    return change >= MEANINGFUL_POINTS - 1e-9 or (
        before > 0 and change >= MEANINGFUL_SHARE * before - 1e-9)


def direction(before: float, after: float) -> Direction:
    """Better (less pain), worse, or the same within the meaningful change."""
    if not meaningful(before, after):
        return "same"
    return "better" if after < before else "worse"


def _score(v: float) -> str:
    return f"{v:.1f}".removesuffix(".0")


def change_words(before: float, after: float) -> str:
    """``5 → 3: meaningfully better`` (0 = no pain)."""
    d = direction(before, after)
    words = {"better": "meaningfully better (less pain)",
             "worse": "meaningfully worse (more pain)",
             "same": "no meaningful change"}[d]
    return f"{_score(before)} → {_score(after)}: {words}"


def answered(records: Sequence[Answers]) -> list[tuple[int, int]]:
    """(before, after) of the sessions with both answers, in the order given."""
    return [(r.feel_before, r.feel_after) for r in records
            if r.feel_before is not None and r.feel_after is not None]


@dataclass(frozen=True)
class Progress:
    """What the answers of a period say; each text is ready to show."""

    answers: int  # sessions with both answers
    within: str  # the usual change from before to after a session
    over_period: str  # the feel before the sessions, first weeks against last weeks


def progress(records: Sequence[SessionRecord]) -> Progress:
    """``records`` oldest first. The usual change within a session (mean of after − before
    over the sessions with both answers), and the change of the feel *before* the sessions
    from the first third of the answers to the last third (each at least MIN_ANSWERS)."""
    both = answered(records)
    if len(both) < MIN_ANSWERS:
        within = f"Within a session: {TOO_FEW} ({len(both)} of at least {MIN_ANSWERS})."
    else:
        b = mean(before for before, _ in both)
        a = mean(after for _, after in both)
        within = (f"Within a session, on average over {len(both)} sessions: "
                  f"{change_words(b, a)}.")
    befores = [r.feel_before for r in records if r.feel_before is not None]
    third = len(befores) // 3
    if third < MIN_ANSWERS:
        over = (f"Over the period: {TOO_FEW} ({len(befores)} answers before a session; "
                f"at least {3 * MIN_ANSWERS} needed).")
    else:
        first, last = mean(befores[:third]), mean(befores[-third:])
        over = (f"Over the period, knee feel before a session, first {third} against last "
                f"{third} answers: {change_words(first, last)}.")
    return Progress(len(both), within, over)


@dataclass(frozen=True)
class Nudge:
    """The knee felt meaningfully worse after ``worse`` of the last ``of`` sessions."""

    worse: int
    of: int

    def text(self) -> str:
        return (f"Your knee felt worse after the session than before it in {self.worse} of "
                f"your last {self.of} sessions. {GUIDE_ADVICE} {ASK_DOCTOR}")


def nudge(records: Sequence[Answers]) -> Nudge | None:
    """The safety nudge, or None. ``records`` oldest first; the last NUDGE_WINDOW sessions
    are looked at (a session without both answers counts as not worse)."""
    last = list(records)[-NUDGE_WINDOW:]
    worse = sum(1 for before, after in answered(last) if direction(before, after) == "worse")
    return Nudge(worse, len(last)) if worse >= NUDGE_WORSE else None


def nudge_after(records: Sequence[Answers]) -> Nudge | None:
    """The nudge to say right after the last of ``records`` (oldest first): only when that
    session itself felt meaningfully worse (not again after one that felt fine)."""
    last = records[-1] if records else None
    if last is None or last.feel_before is None or last.feel_after is None \
            or direction(last.feel_before, last.feel_after) != "worse":
        return None
    return nudge(records)


@dataclass(frozen=True)
class SmallerMoves:
    """An offer for the next session: fewer repetitions, a slower tempo (seconds each)."""

    reps: int
    sweep_seconds: float
    circle_seconds: float

    def text(self) -> str:
        return (f"{self.reps} repetitions, {_score(self.sweep_seconds)} s per sweep and "
                f"{_score(self.circle_seconds)} s per circle")

    def options(self) -> str:
        """The same for the command line (``--tempo`` sets sweeps and circles alike)."""
        return f"--reps {self.reps} --tempo {_score(max(self.sweep_seconds, self.circle_seconds))}"


def smaller_moves(settings: dict[str, Any]) -> SmallerMoves:
    """Two thirds of the repetitions and half as slow again, from a session's settings
    (its ``reps``, ``sweep``, ``circle``), kept within the allowed ranges."""
    def number(key: str, default: float) -> float:
        v = settings.get(key)
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else default

    reps_range, sweep_range = limits.PLAN["reps"], limits.PLAN["sweep_seconds"]
    reps = max(int(reps_range.lo), round(number("reps", 10) * 2 / 3))
    sweep = min(sweep_range.hi, round(number("sweep", 2.0) * 1.5, 1))
    circle = min(limits.PLAN["circle_seconds"].hi, round(number("circle", 3.0) * 1.5, 1))
    return SmallerMoves(reps, sweep, circle)
