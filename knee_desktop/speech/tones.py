"""Generated tones: the fallback when there is no speech engine.

A short tick for every count, a falling pair for the start of a still pause, a rising pair
for its end, a rising triad for the start of the session and a falling one for its end.
"""

from __future__ import annotations

import array
import math
from collections.abc import Sequence

from knee_desktop.plan.events import EventKind
from knee_desktop.plan.lengths import SpokenLengths
from knee_desktop.speech.clip import RATE, Clip


def tone(freqs: Sequence[float], seconds: float, level: float = 0.45,
         gap: float = 0.04) -> Clip:
    """Notes one after the other, each ``seconds`` long with a short fade in and out."""
    out = array.array("h")
    n = round(seconds * RATE)
    fade = min(n // 4, round(0.005 * RATE))
    for k, f in enumerate(freqs):
        if k:
            out.extend([0] * round(gap * RATE))
        for i in range(n):
            env = min(1.0, (i + 1) / fade, (n - i) / fade) if fade else 1.0
            out.append(round(32767 * level * env * math.sin(2 * math.pi * f * i / RATE)))
    return Clip(out)


TICK = "tick"
STILL = "still"
STILL_END = "still-end"
START = "start"
END = "end"
NOTE = "note"

# Which tone a timeline event kind gets.
KIND_TONE: dict[EventKind, str] = {
    "count": TICK, "rep": TICK, "press": TICK,
    "still": STILL, "rest": STILL,
    "still-end": STILL_END, "rest-end": STILL_END, "release": STILL_END,
    "switch": START, "end": END, "say": NOTE,
}


def make_tones() -> dict[str, Clip]:
    return {
        TICK: tone([1320.0], 0.05),
        STILL: tone([784.0, 523.25], 0.14),
        STILL_END: tone([523.25, 784.0], 0.14),
        START: tone([523.25, 659.25, 784.0], 0.12),
        END: tone([784.0, 659.25, 523.25], 0.16),
        NOTE: tone([440.0], 0.12, level=0.3),
    }


class ToneSet:
    """Clips for event kinds instead of phrases (same interface as the speech cache)."""

    def __init__(self) -> None:
        self.tones = make_tones()

    def prepare(self, phrases: Sequence[str], progress: object = None) -> None:
        return None

    def clip(self, text: str, kind: EventKind = "say", first: bool = False) -> Clip:
        return self.tones[START if first else KIND_TONE.get(kind, NOTE)]

    def duration(self, text: str) -> float:
        # Counts are what must fit their beats; the longest tone bounds every phrase.
        return max(c.seconds for c in self.tones.values())

    def lengths(self) -> SpokenLengths:
        """What the tones measure, for fitting a timeline to them (plan/fit.py)."""
        return SpokenLengths({}, every=self.duration(""))
