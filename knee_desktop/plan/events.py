"""The timeline as data: its events and steps. :mod:`knee_desktop.plan.timeline` compiles it;
everything downstream (the session, the voice, the diagram, the export) only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from knee_desktop.plan.settings import Resolved
from knee_desktop.routine.model import Leg, Movement

EventKind = Literal[
    "say", "count", "rep", "still", "still-end", "rest", "rest-end", "press", "release",
    "switch", "end",
]

@dataclass(frozen=True)
class Event:
    """One timed event. ``t`` is seconds from the session start at which it is heard."""

    t: float
    kind: EventKind
    text: str | None
    leg: Leg | None
    step: int
    movement: Movement | None = None
    rep: int | None = None
    duration: float | None = None  # still/rest/press length; for a rep, its movement time
    beat: float | None = None  # rep: phase of the movement at which its count is heard
    # count/rep: seconds from ``t`` (the clip's start) to the count's vowel onset, its
    # perceptual centre. The count is heard on its beat at ``t + centre``.
    centre: float | None = None

    @property
    def on_beat(self) -> float:
        """When the count is heard on its beat (``t`` for anything but a count)."""
        return self.t + (self.centre or 0.0)

    @property
    def move_start(self) -> float:
        """For a rep: when its movement starts (the count is heard ``beat`` of the way in)."""
        return self.on_beat - (self.beat or 0.0) * (self.duration or 0.0)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"t": round(self.t, 3), "kind": self.kind, "leg": self.leg,
                               "text": self.text, "step": self.step}
        for name in ("movement", "rep", "duration", "beat", "centre"):
            value = getattr(self, name)
            if value is not None:
                out[name] = round(value, 3) if isinstance(value, float) else value
        return out


@dataclass(frozen=True)
class StepSpan:
    """One step of the session as the user sees it in the step list."""

    index: int
    title: str
    kind: str
    leg: Leg | None
    start: float
    end: float
    movement: Movement | None = None
    reps: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "title": self.title, "kind": self.kind, "leg": self.leg,
                "start": round(self.start, 3), "end": round(self.end, 3),
                "movement": self.movement, "reps": self.reps}


@dataclass(frozen=True)
class Timeline:
    """A compiled session: what is said and done when, for every reader."""

    routine_id: str
    title: str
    settings: Resolved  # the settings it was compiled with, every default filled in
    # sorted by time; the steps as the step list shows them
    events: tuple[Event, ...]
    steps: tuple[StepSpan, ...]
    duration: float

    def speech(self) -> list[Event]:
        return [e for e in self.events if e.text]

    def phrases(self) -> list[str]:
        """Every distinct phrase the session speaks, in first-use order."""
        return list(dict.fromkeys(e.text for e in self.events if e.text))

    def step_at(self, t: float) -> StepSpan:
        for span in self.steps:
            if t < span.end:
                return span
        return self.steps[-1]

    def to_json(self) -> dict[str, Any]:
        s = self.settings
        return {
            "routine": self.routine_id,
            "title": self.title,
            "duration": round(self.duration, 3),
            "settings": {"reps": s.reps, "pause": s.pause_seconds, "sweep": s.sweep_seconds,
                         "circle": s.circle_seconds, "lead_in": s.lead_in_seconds,
                         "legs": list(s.legs)},
            "steps": [span.to_json() for span in self.steps],
            "events": [e.to_json() for e in self.events],
        }
