"""Plan-time check that every phrase fits before the next one, with the real clip lengths.

The timeline is compiled with the measured lengths of the rendered clips, so spoken
instructions are spaced by how long they really sound, and with each count's vowel onset,
so a count is heard on its beat (docs/voice.md, "What due means"). Counts, still-pause ends and
presses sit at fixed times, though: if a count is longer than its beat, the speech rate is
raised (within limits) and the phrases rendered again; if even the fastest allowed rate does
not fit, the session stops before it starts with a message naming the tempo that would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from knee_desktop.common.errors import KneeError
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
from knee_desktop.session.engine import announcements
from knee_desktop.speech.base import Progress
from knee_desktop.speech.render import SpeechCache
from knee_desktop.speech.tones import ToneSet

MAX_RATE = 290  # words a minute: faster than this, espeak is hard to follow
RATE_STEP = 30


class DoesNotFit(KneeError):
    """Some phrase cannot be said before the next one is due."""


def fit_speech(routine: Routine, settings: PlanSettings, source: SpeechCache | ToneSet,
               progress: Progress | None = None,
               retry: Callable[[int], SpeechCache] | None = None,
               extra: Sequence[str] = (),
               ) -> tuple[Timeline, SpeechCache | ToneSet, list[str]]:
    """Prepare every phrase (the controls' announcements and ``extra`` phrases too) and
    compile the timeline with their real lengths.

    Returns the timeline, the source actually used (a faster-rate cache if the rate had to
    go up) and notes for the user. ``retry(rate)`` makes a cache at another rate; by
    default the cache's own settings with that rate.
    """
    planned = compile_timeline(routine, settings)
    phrases = planned.phrases() + announcements(planned) + list(extra)
    notes: list[str] = []
    if isinstance(source, ToneSet):
        timeline = compile_timeline(routine, settings, speech=estimate_speech_seconds)
        _raise_if_overlaps(timeline, overlaps(timeline, source.duration), routine, settings,
                           source.duration, what="tone")
        return timeline, source, notes
    cache = source
    while True:
        cache.prepare(phrases, progress)
        timeline = compile_timeline(routine, settings, speech=cache.duration,
                                    centre=cache.centre)
        problems = overlaps(timeline, cache.duration)
        if not problems:
            return timeline, cache, notes
        rate = cache.settings.rate
        if rate >= MAX_RATE:
            _raise_if_overlaps(timeline, problems, routine, settings, cache.duration,
                               what=f"speech at {rate} words a minute")
        faster = min(MAX_RATE, rate + RATE_STEP)
        first = problems[0]
        notes.append(f"{first.event.text!r} ran into {first.next.text!r} at {rate} words a "
                     f"minute; speaking faster ({faster} words a minute).")
        cache = retry(faster) if retry else SpeechCache(replace(cache.settings, rate=faster),
                                                        cache.folder)


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
