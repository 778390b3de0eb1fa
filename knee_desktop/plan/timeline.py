"""Compile a routine and settings into a timeline: every spoken word and movement, timed.

The timeline is the single source of timing. The voice, the leg diagram, the progress bar,
``plan --json`` and the audio export all read it; nothing downstream re-derives timing.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

# The timeline's data live in plan/events.py (read by every layer above, speech/ too);
# named here as well for the many readers that import them from here.
from knee_desktop.plan.events import Event as Event
from knee_desktop.plan.events import EventKind as EventKind
from knee_desktop.plan.events import StepSpan as StepSpan
from knee_desktop.plan.events import Timeline as Timeline
from knee_desktop.plan.settings import PlanSettings, Resolved, resolve
from knee_desktop.plan.words import first_sentence, number_words, seconds_words
from knee_desktop.routine import template
from knee_desktop.routine.model import (
    Leg,
    Movement,
    MoveStep,
    PressStep,
    RestStep,
    Routine,
    SayStep,
    StillStep,
)

SpeechSeconds = Callable[[str], float]

# Gaps, in seconds, that keep speech from running into the next cue.
AFTER_SAY = 0.6
BEFORE_REPS = 1.0
AFTER_REPS = 0.6
AFTER_SWITCH = 1.0
AFTER_PRESSES = 1.0  # after the last release, before the next step's words
# Where in one repetition the count is heard (0 = start, 1 = end): the moment the foot
# reaches the end of its sweep, or the end of a circle.
BEAT_PHASE: dict[Movement, float] = {
    "sweep-left": 0.5,
    "sweep-right": 0.5,
    "sweep-both": 0.75,
    "circle-clockwise": 1.0,
    "circle-counterclockwise": 1.0,
}


def estimate_speech_seconds(text: str, rate_wpm: float = 200.0) -> float:
    """A conservative guess of how long espeak takes to say ``text`` at ``rate_wpm``.

    Used when no rendered clip lengths are known (e.g. ``plan``); the voice layer passes
    the measured lengths of the real clips instead.
    """
    words = max(1, len(re.findall(r"[\w'-]+", text)))
    breaks = len(re.findall(r"[.,;:!?](\s|$)", text.strip()))
    return 0.15 + words * 60.0 / rate_wpm * 1.1 + 0.25 * breaks


def no_centre(text: str) -> float:
    return 0.0


@dataclass
class _Builder:
    speech: SpeechSeconds
    centre: SpeechSeconds = no_centre
    t: float = 0.0
    events: list[Event] = field(default_factory=list)
    steps: list[StepSpan] = field(default_factory=list)

    def add(self, kind: EventKind, text: str | None, leg: Leg | None, at: float | None = None,
            **extra: Any) -> float:
        """Add an event at ``at`` (default: now); return when its speech ends."""
        when = self.t if at is None else at
        self.events.append(Event(when, kind, text or None, leg, len(self.steps), **extra))
        return when + (self.speech(text) if text else 0.0)

    def add_count(self, kind: EventKind, text: str, leg: Leg | None, beat_at: float,
                  **extra: Any) -> float:
        """Add a count whose vowel onset falls on ``beat_at``; return when its speech ends."""
        lead = self.centre(text)
        return self.add(kind, text, leg, at=beat_at - lead,
                        centre=round(lead, 4) if lead else None, **extra)

    def close_step(self, title: str, kind: str, leg: Leg | None, start: float, end: float,
                   movement: Movement | None = None, reps: int | None = None) -> None:
        self.steps.append(StepSpan(len(self.steps), title, kind, leg, start, end, movement, reps))
        self.t = end


def _fill(text: str, **values: str) -> str:
    """Routine text with its placeholders filled (routine/template.py; never str.format)."""
    return template.fill(text, values)


def compile_timeline(routine: Routine, settings: PlanSettings | None = None,
                     speech: SpeechSeconds = estimate_speech_seconds,
                     centre: SpeechSeconds = no_centre) -> Timeline:
    """The whole session as timed events, in order.

    ``speech(text)``: how long a phrase sounds. ``centre(text)``: seconds from a count's
    first sound to its vowel onset; a count starts that much before its beat, so that it is
    *heard* on the beat (docs/voice.md). Instructions start at their time.
    """
    s = resolve(routine, settings or PlanSettings())
    b = _Builder(speech, centre)
    legs: tuple[Leg | None, ...] = s.legs if routine.per_leg else (None,)
    first = legs[0]

    # Lead-in: how to lie, the safety words, then a count-in.
    start = b.t
    # The title and the safety words take no placeholders: the loader stored them as they read.
    lines = (routine.title + ".", *(_fill(s, leg=first or "") for s in routine.setup),
             *routine.safety)
    for line in lines:
        b.t = b.add("say", line, first) + AFTER_SAY
    count = math.floor(s.lead_in_seconds)
    if count >= 1:
        b.t = b.add("say", "Get ready.", first) + AFTER_SAY
        for n in range(count, 0, -1):
            b.add_count("count", number_words(n).capitalize() + ".", first,
                        beat_at=b.t + (count - n), rep=n)
    b.close_step("Get ready", "lead-in", first, start, b.t + s.lead_in_seconds)

    for i, leg in enumerate(legs):
        leg_name = leg or ""
        if i > 0:
            start = b.t
            end = b.add("switch", _fill(routine.switch_say, leg=leg_name), leg)
            b.close_step(f"Switch to the {leg_name} leg", "switch", leg, start, end + AFTER_SWITCH)
        for step in routine.steps:
            _compile_step(b, step, s, leg)

    start = b.t
    end = b.add("end", routine.closing, legs[-1])
    b.close_step("Finish", "end", legs[-1], start, end)
    return Timeline(routine.id, routine.title, s, tuple(b.events), tuple(b.steps), end)


def _compile_step(b: _Builder, step: SayStep | MoveStep | StillStep | RestStep | PressStep,
                  s: Resolved, leg: Leg | None) -> None:
    start = b.t
    leg_name = leg or ""
    if isinstance(step, SayStep):
        end = b.add("say", _fill(step.say, leg=leg_name), leg)
        b.close_step(step.title, "say", leg, start, end + AFTER_SAY)
    elif isinstance(step, MoveStep):
        reps = s.reps_for(step.reps)
        period = s.sweep_seconds if step.movement.startswith("sweep") else s.circle_seconds
        spoken = b.add("say", _fill(step.say, leg=leg_name, reps=number_words(reps)), leg)
        first = spoken + BEFORE_REPS
        beat = BEAT_PHASE[step.movement]
        for k in range(1, reps + 1):
            b.add_count("rep", number_words(k).capitalize() + ".", leg,
                        beat_at=first + (k - 1 + beat) * period, movement=step.movement,
                        rep=k, duration=period, beat=beat)
        end = max(first + reps * period, b.events[-1].t + b.speech(b.events[-1].text or ""))
        b.close_step(step.title, "move", leg, start, end + AFTER_REPS, step.movement, reps)
    elif isinstance(step, StillStep | RestStep):
        seconds = s.pause_seconds if isinstance(step, StillStep) and step.seconds is None \
            else float(step.seconds or 0)
        kind: Literal["still", "rest"] = "still" if isinstance(step, StillStep) else "rest"
        b.add(kind, _fill(step.say, leg=leg_name, seconds=seconds_words(seconds)), leg,
              duration=seconds)
        end = b.add("still-end" if kind == "still" else "rest-end",
                    _fill(step.end_say, leg=leg_name) if step.end_say else None, leg,
                    at=start + seconds)
        b.close_step(step.title, kind, leg, start, end + AFTER_SAY)
    else:
        presses = s.presses_for(step.presses)
        b.t = b.add("say", _fill(step.say, leg=leg_name, presses=number_words(presses),
                                 seconds=seconds_words(step.hold_seconds)), leg) + AFTER_SAY
        for n in range(1, presses + 1):
            b.add("press", _fill(step.press_say, leg=leg_name, n=number_words(n),
                                 seconds=seconds_words(step.hold_seconds)), leg,
                  rep=n, duration=step.hold_seconds)
            last = n == presses
            release = _fill(step.release_say, leg=leg_name)  # the last: its first sentence
            released = b.add("release", first_sentence(release) if last else release, leg,
                             at=b.t + step.hold_seconds)
            b.t = released + AFTER_PRESSES if last else max(
                b.t + step.hold_seconds + step.find_seconds, released + AFTER_SAY)
        b.close_step(step.title, "press", leg, start, b.t, reps=presses)


@dataclass(frozen=True)
class Overlap:
    """A phrase that is still being spoken when the next one is due."""

    event: Event
    next: Event
    seconds: float


def overlaps(timeline: Timeline, speech: SpeechSeconds, margin: float = 0.05) -> list[Overlap]:
    """Phrases that would run into the next one with these speech lengths."""
    spoken = timeline.speech()
    out = []
    for a, b in itertools.pairwise(spoken):
        over = a.t + speech(a.text or "") + margin - b.t
        if over > 0:
            out.append(Overlap(a, b, over))
    return out
