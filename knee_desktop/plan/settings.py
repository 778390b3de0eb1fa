"""Session settings: what a user may change for one session (reps, pause, tempo, legs)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

from knee_desktop.common import limits
from knee_desktop.common.errors import SettingsError, quote
from knee_desktop.routine.model import Leg, Routine

LegChoice = Literal["left", "right", "both"]

# The allowed range of each session number (common/limits.py), as (lo, hi).
LIMITS: dict[str, tuple[float, float]] = {k: (r.lo, r.hi) for k, r in limits.PLAN.items()}


def shown_number(value: object) -> str:
    """A number as the user wrote it: 30.0000001 stays 30.0000001 (``:g`` would say 30)."""
    if isinstance(value, float) and math.isfinite(value):
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    return quote(value)


@dataclass(frozen=True)
class PlanSettings:
    """Overrides for one session; ``None`` means "the routine's default"."""

    reps: int | None = None
    pause_seconds: float | None = None
    sweep_seconds: float | None = None
    circle_seconds: float | None = None
    lead_in_seconds: float | None = None
    leg: LegChoice = "both"
    first_leg: Leg = "left"

    def with_tempo(self, seconds: float | None) -> PlanSettings:
        """``--tempo`` sets the seconds for one sweep and one circle alike."""
        if seconds is None:
            return self
        return replace(self, sweep_seconds=seconds, circle_seconds=seconds)

    def validate(self) -> PlanSettings:
        """Raise :class:`SettingsError` naming the setting and the range it must be in."""
        checks: list[tuple[str, str, float | None, str]] = [
            ("reps", "--reps", self.reps, "reps"),
            ("pause", "--pause", self.pause_seconds, "pause_seconds"),
            ("sweep tempo", "--tempo", self.sweep_seconds, "sweep_seconds"),
            ("circle tempo", "--tempo", self.circle_seconds, "circle_seconds"),
            ("lead-in", "--lead-in", self.lead_in_seconds, "lead_in_seconds"),
        ]
        for name, option, value, key in checks:
            r = limits.PLAN[key]
            if value is None or value in r:
                continue
            got = shown_number(value)
            whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
            if r.whole and (isinstance(value, bool) or not whole):
                raise SettingsError(f"{option}: expected a whole number of {name}, got {got}.")
            raise SettingsError(
                f"{option}: expected {name} from {r.lo:g} to {r.hi:g}{r.unit}, got {got}.")
        if self.leg not in ("left", "right", "both"):
            raise SettingsError(f"--leg: expected left, right or both, got {self.leg!r}.")
        if self.first_leg not in ("left", "right"):
            raise SettingsError(f"first leg: expected left or right, got {self.first_leg!r}.")
        return self


@dataclass(frozen=True)
class Resolved:
    """Settings with every value decided, for one routine."""

    reps: int
    pause_seconds: float
    sweep_seconds: float
    circle_seconds: float
    lead_in_seconds: float
    legs: tuple[Leg, ...]
    reps_chosen: bool = False  # the user set reps: it wins over a step's own count
    routine_reps: int | None = None  # the routine's own count (presses keep it)

    def reps_for(self, step_reps: int | None) -> int:
        return step_reps if step_reps is not None and not self.reps_chosen else self.reps

    def presses_for(self, step_presses: int | None) -> int:
        """Presses are not repetitions of a movement: the Repetitions setting leaves them
        as the routine has them."""
        if step_presses is not None:
            return step_presses
        return self.routine_reps if self.routine_reps is not None else self.reps


def resolve(routine: Routine, settings: PlanSettings) -> Resolved:
    settings.validate()
    d = routine.defaults
    if settings.leg == "both":
        first = settings.first_leg
        legs: tuple[Leg, ...] = (first, "right" if first == "left" else "left")
    else:
        legs = (settings.leg,)
    return Resolved(
        reps=settings.reps if settings.reps is not None else d.reps,
        pause_seconds=settings.pause_seconds if settings.pause_seconds is not None
        else d.pause_seconds,
        sweep_seconds=settings.sweep_seconds if settings.sweep_seconds is not None
        else d.sweep_seconds,
        circle_seconds=settings.circle_seconds if settings.circle_seconds is not None
        else d.circle_seconds,
        lead_in_seconds=settings.lead_in_seconds if settings.lead_in_seconds is not None
        else d.lead_in_seconds,
        legs=legs,
        reps_chosen=settings.reps is not None,
        routine_reps=d.reps,
    )
