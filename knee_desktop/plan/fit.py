"""Fitting is planning: the timeline compiled with how long each phrase really sounds.

speech/ renders the clips and hands their lengths (and each count's vowel onset) down as
data, :class:`~knee_desktop.plan.lengths.SpokenLengths`; here the timeline is compiled
with them, so spoken instructions are spaced by how long they really sound and a count is
heard on its beat (docs/voice.md, "What due means"). Counts, still-pause ends and presses
sit at fixed times, though: if a count is longer than its beat, the lengths at a faster
speech rate are asked for (within limits); if even the fastest allowed rate does not fit,
the session stops before it starts with a message naming the tempo that would.
"""

from __future__ import annotations

from collections.abc import Callable

from knee_desktop.common.errors import KneeError
from knee_desktop.plan.lengths import SpokenLengths
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import (
    Overlap,
    Timeline,
    compile_timeline,
    estimate_speech_seconds,
    no_centre,
    overlaps,
)
from knee_desktop.routine.model import Routine

MAX_RATE = 290  # words a minute: faster than this, espeak is hard to follow
RATE_STEP = 30

# The lengths of the same phrases rendered at another rate (words a minute).
LengthsAtRate = Callable[[int], SpokenLengths]


class DoesNotFit(KneeError):
    """Some phrase cannot be said before the next one is due."""


def fit_timeline(routine: Routine, settings: PlanSettings, lengths: SpokenLengths,
                 at_rate: LengthsAtRate) -> tuple[Timeline, SpokenLengths, list[str]]:
    """The timeline compiled with the real lengths of its phrases.

    Returns it, the lengths it was fitted to (at a faster rate if the rate had to go up:
    ``at_rate(rate)`` gives those) and notes for the user. Raises :class:`DoesNotFit`.
    """
    notes: list[str] = []
    if lengths.rate is None:  # tones
        timeline = compile_timeline(routine, settings, speech=estimate_speech_seconds)
        _raise_if_overlaps(timeline, overlaps(timeline, lengths.duration), routine, settings,
                           lengths.duration, what="tone")
        return timeline, lengths, notes
    while True:
        timeline = compile_timeline(routine, settings, speech=lengths.duration,
                                    centre=lengths.centre)
        problems = overlaps(timeline, lengths.duration)
        if not problems:
            return timeline, lengths, notes
        rate = lengths.rate
        if rate >= MAX_RATE:
            _raise_if_overlaps(timeline, problems, routine, settings, lengths.duration,
                               what=f"speech at {rate} words a minute")
        faster = min(MAX_RATE, rate + RATE_STEP)
        first = problems[0]
        notes.append(f"{first.event.text!r} ran into {first.next.text!r} at {rate} words a "
                     f"minute; speaking faster ({faster} words a minute).")
        lengths = at_rate(faster)


def _raise_if_overlaps(timeline: Timeline, problems: list[Overlap], routine: Routine,
                       settings: PlanSettings, speech: Callable[[str], float],
                       what: str, centre: Callable[[str], float] = no_centre) -> None:
    if not problems:
        return
    first = problems[0]
    text = first.event.text or ""
    message = (f"{text!r} lasts {speech(text):.2f} s as {what}, but {first.next.text!r} is "
               f"due {first.next.t - first.event.t:.2f} s after it.")
    kinds = (first.event.kind, first.next.kind)
    if "count" in kinds:
        message += " The count-in numbers are one second apart: --lead-in 0 skips them."
    elif "rep" in kinds:
        tempo = _tempo_that_fits(routine, settings, speech, centre)
        if tempo is not None:
            message += f" Choose a slower tempo: --tempo {tempo:g} (seconds a movement) fits."
        else:
            message += " No tempo up to 30 s a movement fits."
    elif settings.pause_seconds is None and routine.source is not None:
        message += (f" The pause comes from {routine.source} (pause_seconds, or the step's "
                    "seconds): make it longer there, or give a longer --pause.")
    else:
        message += " Choose a longer --pause."
    raise DoesNotFit(message)


def _tempo_that_fits(routine: Routine, settings: PlanSettings,
                     speech: Callable[[str], float],
                     centre: Callable[[str], float]) -> float | None:
    tempo = max(settings.sweep_seconds or 0.5, settings.circle_seconds or 0.5, 0.5)
    while tempo <= 30:
        trial = settings.with_tempo(tempo)
        timeline = compile_timeline(routine, trial, speech=speech, centre=centre)
        if not [o for o in overlaps(timeline, speech) if "rep" in (o.event.kind, o.next.kind)]:
            return tempo
        tempo = round(tempo + 0.1, 1)
    return None
