"""The routine model: what a routine file says, validated and typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Leg = Literal["left", "right"]
LEGS: tuple[Leg, Leg] = ("left", "right")
Movement = Literal[
    "sweep-left", "sweep-right", "sweep-both", "circle-clockwise", "circle-counterclockwise"
]
MOVEMENTS: tuple[Movement, ...] = (
    "sweep-left",
    "sweep-right",
    "sweep-both",
    "circle-clockwise",
    "circle-counterclockwise",
)


@dataclass(frozen=True)
class Defaults:
    """A routine's own defaults; the user's settings override them for a session."""

    reps: int = 10
    pause_seconds: float = 10.0
    sweep_seconds: float = 2.0
    circle_seconds: float = 3.0
    lead_in_seconds: float = 5.0


@dataclass(frozen=True)
class SayStep:
    """Something spoken, with no movement (e.g. "Lie still and feel your leg")."""

    title: str
    say: str


@dataclass(frozen=True)
class MoveStep:
    """A group of counted repetitions of one movement."""

    title: str
    say: str
    movement: Movement
    reps: int | None = None  # None: the session's repetition setting


@dataclass(frozen=True)
class StillStep:
    """A still pause, announced at its start and its end."""

    title: str
    say: str
    end_say: str
    seconds: float | None = None  # None: the session's pause setting


@dataclass(frozen=True)
class RestStep:
    """A longer rest ("lie there and feel"), with its own length."""

    title: str
    say: str
    end_say: str
    seconds: float


@dataclass(frozen=True)
class PressStep:
    """Repeated presses into tender spots: hold, release, find the next one."""

    title: str
    say: str
    press_say: str
    release_say: str
    hold_seconds: float
    find_seconds: float
    presses: int | None = None  # None: the session's repetition setting


Step = SayStep | MoveStep | StillStep | RestStep | PressStep


@dataclass(frozen=True)
class Routine:
    id: str
    title: str
    summary: str
    instructions: str
    safety: tuple[str, ...]
    setup: tuple[str, ...]
    per_leg: bool
    switch_say: str
    closing: str
    steps: tuple[Step, ...]
    defaults: Defaults = field(default_factory=Defaults)
    source: Path | None = None
