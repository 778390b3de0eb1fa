"""Where the foot is at a position on the timeline: a pure function, no Qt.

The leg diagram paints what :class:`Poser` says; the voice plays what the session hands
out; both read the same timeline and the same clock, so the foot reaches the end of its
sweep at the very moment its count is heard (``Event.t``), and a circle closes on its count.

Coordinates: the working foot seen from the end of the bed, as the person lying there
would see it if they looked down at it: ``x`` grows to *their* right, ``y`` grows up,
the heel is the pivot at (0, 0) and the upright foot's toe tip is at (0, 1).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Literal

from knee_desktop.plan.timeline import Event, StepSpan, Timeline
from knee_desktop.routine.model import Leg, Movement

PoseKind = Literal[
    "ready",  # before the session starts
    "lead-in",  # how to lie, the safety words
    "count-in",  # "five", "four" ... before the first movement
    "instruction",  # a step's spoken instruction, or a gap between reps; the foot is still
    "move",  # a repetition in progress
    "still",  # a still pause: upright, a ring counts the seconds down
    "rest",  # "lie there and feel": upright, time left shown
    "press",  # holding a press (thigh massage)
    "find",  # looking for the next tender spot
    "switch",  # changing to the other leg
    "end",  # the session is over
]

SWEEP_DEGREES = 35.0  # how far the wiper tilts at the end of a sweep
CIRCLE_RADIUS = 0.3  # radius of the toes' circle, in foot lengths
TRAIL_PHASE = 0.3  # how much of a repetition the fading trail covers
TRAIL_POINTS = 10
UPRIGHT: tuple[float, float] = (0.0, 1.0)

Point = tuple[float, float]


@dataclass(frozen=True)
class Pose:
    """Everything the diagram needs to paint one moment."""

    kind: PoseKind
    leg: Leg | None
    toe: Point = UPRIGHT  # toe tip relative to the heel; foot length 1
    movement: Movement | None = None  # the step's movement (also between repetitions)
    rep: int | None = None  # the repetition in progress or last counted, 1-based
    reps: int | None = None  # repetitions in the step
    phase: float = 0.0  # 0..1 within the repetition in progress
    trail: tuple[Point, ...] = ()  # recent toe positions, oldest first
    ring: float | None = None  # fraction of a timed hold still to go, 1 → 0
    seconds_left: int | None = None  # whole seconds left of that hold (rounded up)
    left: float | None = None  # seconds left of that hold, exactly
    count_in: int | None = None  # the lead-in number being counted
    step_title: str = ""

    @property
    def tilt(self) -> float:
        """Degrees the foot leans from upright; negative is to the person's left."""
        return math.degrees(math.atan2(self.toe[0], self.toe[1]))


def toe_at(movement: Movement, phase: float) -> Point:
    """The toe tip at ``phase`` (0..1) of one repetition of ``movement``.

    Sweeps ease in and out (a sine), so the foot rests for an instant at the extreme,
    which falls exactly on the timeline's ``BEAT_PHASE`` for the movement: 0.5 for a
    one-way sweep, 0.25 (left) and 0.75 (right, the count) for the whole wiper.
    Circles start and end upright, where their count falls (phase 1).
    """
    phase = min(1.0, max(0.0, phase))
    if movement.startswith("sweep"):
        amplitude = math.radians(SWEEP_DEGREES)
        if movement == "sweep-left":
            angle = -amplitude * math.sin(math.pi * phase)
        elif movement == "sweep-right":
            angle = amplitude * math.sin(math.pi * phase)
        else:  # sweep-both: left at 0.25, through upright at 0.5, right at 0.75
            angle = -amplitude * math.sin(2 * math.pi * phase)
        return (math.sin(angle), math.cos(angle))
    turn = 2 * math.pi * phase * (1 if movement == "circle-clockwise" else -1)
    centre_y = 1.0 - CIRCLE_RADIUS
    return (CIRCLE_RADIUS * math.sin(turn), centre_y + CIRCLE_RADIUS * math.cos(turn))


def movement_path(movement: Movement, points: int = 48) -> tuple[Point, ...]:
    """The whole path of the toes for one repetition, for the faint guide arc or circle."""
    if movement == "sweep-both":
        # from the left extreme to the right one
        return tuple(toe_at(movement, 0.25 + 0.5 * k / (points - 1)) for k in range(points))
    if movement.startswith("sweep"):
        return tuple(toe_at(movement, 0.5 * k / (points - 1)) for k in range(points))
    return tuple(toe_at(movement, k / points) for k in range(points + 1))


class Poser:
    """The pose at any timeline position: ``Poser(timeline)(t)``.

    Indexes the timeline once so that a lookup per frame costs a few bisections.
    """

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self._steps = timeline.steps
        self._step_starts = [s.start for s in timeline.steps]
        by_step: dict[int, list[Event]] = {}
        for event in timeline.events:
            by_step.setdefault(event.step, []).append(event)
        self._events = by_step
        self._reps = {i: [e for e in evs if e.kind == "rep"] for i, evs in by_step.items()}
        self._rep_starts = {i: [e.move_start for e in evs] for i, evs in self._reps.items()}

    def ready(self) -> Pose:
        first = self._steps[0] if self._steps else None
        return Pose("ready", first.leg if first else None,
                    step_title=first.title if first else "")

    def __call__(self, t: float) -> Pose:
        if not self._steps:
            return Pose("ready", None)
        t = min(max(0.0, t), self.timeline.duration)
        index = max(0, bisect.bisect_right(self._step_starts, t) - 1)
        span = self._steps[index]
        events = self._events.get(span.index, [])
        if span.kind == "lead-in":
            return self._lead_in(span, events, t)
        if span.kind == "move":
            return self._move(span, t)
        if span.kind in ("still", "rest"):
            return self._hold(span, events, t, "still" if span.kind == "still" else "rest")
        if span.kind == "press":
            return self._press(span, events, t)
        if span.kind == "switch":
            return Pose("switch", span.leg, step_title=span.title)
        if span.kind == "end":
            return Pose("end", None, step_title=span.title)  # no leg is working now
        return Pose("instruction", span.leg, step_title=span.title)

    def still_until(self, t: float) -> float:
        """The timeline position until which the picture stays as it is at ``t``: ``t``
        itself while something moves (a repetition, a countdown ring), else the next
        change (the next count-in number, the first repetition, the next step).

        The frame driver sleeps until then instead of repainting the same picture.
        """
        if not self._steps:
            return t
        t = min(max(0.0, t), self.timeline.duration)
        pose = self(t)
        if pose.kind in ("move", "still", "rest", "press"):
            return t
        index = max(0, bisect.bisect_right(self._step_starts, t) - 1)
        span = self._steps[index]
        until = span.end
        for event in self._events.get(span.index, []):
            if event.t > t and event.kind in ("count", "still", "rest", "press"):
                until = min(until, event.t)
        starts = [s for s in self._rep_starts.get(span.index, []) if s > t]
        if starts:
            until = min(until, starts[0])
        return max(t, min(until, self.timeline.duration))

    # ---- per kind of step ------------------------------------------------------------
    def _lead_in(self, span: StepSpan, events: list[Event], t: float) -> Pose:
        for event in reversed(events):
            if event.kind == "count" and event.t <= t:
                return Pose("count-in", span.leg, count_in=event.rep, step_title=span.title)
        return Pose("lead-in", span.leg, step_title=span.title)

    def _move(self, span: StepSpan, t: float) -> Pose:
        reps = self._reps.get(span.index, [])
        base = Pose("instruction", span.leg, movement=span.movement, reps=span.reps,
                    step_title=span.title)
        k = bisect.bisect_right(self._rep_starts.get(span.index, []), t) - 1
        if k < 0 or not reps:
            return base  # the instruction before the first repetition
        event = reps[k]
        duration = event.duration or 0.0
        if duration <= 0 or t >= event.move_start + duration or event.movement is None:
            # between or after the repetitions: upright, showing the last count heard
            heard = event.rep if t >= event.t else (event.rep or 1) - 1
            return Pose("instruction", span.leg, movement=span.movement, reps=span.reps,
                        rep=heard or None, step_title=span.title)
        phase = (t - event.move_start) / duration
        trail = tuple(
            toe_at(event.movement, p)
            for j in range(TRAIL_POINTS)
            if (p := phase - TRAIL_PHASE * (TRAIL_POINTS - j) / TRAIL_POINTS) >= 0.0
        )
        return Pose("move", span.leg, toe_at(event.movement, phase), event.movement,
                    rep=event.rep, reps=span.reps, phase=phase, trail=trail,
                    step_title=span.title)

    def _hold(self, span: StepSpan, events: list[Event], t: float,
              kind: Literal["still", "rest"]) -> Pose:
        hold = next((e for e in events if e.kind == kind), None)
        if hold is None or not hold.duration:
            return Pose(kind, span.leg, step_title=span.title)
        left = max(0.0, hold.t + hold.duration - t)
        if t < hold.t:
            left = hold.duration
        if left <= 0.0:
            return Pose("instruction", span.leg, step_title=span.title)
        return Pose(kind, span.leg, ring=left / hold.duration,
                    seconds_left=math.ceil(left - 1e-9), left=left, step_title=span.title)

    def _press(self, span: StepSpan, events: list[Event], t: float) -> Pose:
        current = None
        for event in events:
            if event.kind == "press" and event.t <= t:
                current = event
        if current is None or not current.duration:
            return Pose("instruction", span.leg, reps=span.reps, step_title=span.title)
        left = current.t + current.duration - t
        if left <= 0:
            return Pose("find", span.leg, rep=current.rep, reps=span.reps,
                        step_title=span.title)
        return Pose("press", span.leg, rep=current.rep, reps=span.reps,
                    ring=left / current.duration, seconds_left=math.ceil(left - 1e-9),
                    left=left, step_title=span.title)
