"""The one timeline of a session, as every reader should see it: a setting travels down
once, cli/ui → runtime → plan (with the clip lengths speech/ measured) → session.

``plan``, ``plan --json``, ``routines``, the window's ready screen, ``export-audio`` and the
running session all compile the timeline with the lengths (and, for counts, the perceptual
centres) of the real clips of the chosen voice: :func:`session_timeline` renders what is
missing (cached, so a warm cache answers in milliseconds) and fits the timeline to them.
Where no speech engine exists the times are estimates, and :attr:`Planned.estimated` says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from knee_desktop.common.errors import KneeError
from knee_desktop.plan.fit import fit_timeline
from knee_desktop.plan.lengths import SpokenLengths
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import Timeline, compile_timeline
from knee_desktop.prefs.user_settings import UserSettings
from knee_desktop.routine.model import Routine
from knee_desktop.session.engine import announcements
from knee_desktop.speech.clip import ClipError
from knee_desktop.speech.render import Progress, SpeechCache, SpeechUnavailable, VoiceSettings
from knee_desktop.speech.tones import ToneSet

TONES_NOTE = ("Until then, tones stand in for the words: a tick for each count, a falling "
              "pair of notes when a still pause starts and a rising pair when it ends.")
ESTIMATE_NOTE = ("The times are estimates: there is no speech engine to measure the spoken "
                 "phrases with.")


@dataclass
class Planned:
    """A fitted timeline, with what the user should be told about it."""

    timeline: Timeline
    source: SpeechCache | ToneSet  # the clips it was fitted to (a faster rate, if it had to)
    notes: list[str] = field(default_factory=list)
    estimated: bool = False  # no speech engine (or a fit that failed): times are estimates


def fit_speech(routine: Routine, settings: PlanSettings, source: SpeechCache | ToneSet,
               progress: Progress | None = None,
               retry: Callable[[int], SpeechCache] | None = None,
               extra: Sequence[str] = (),
               ) -> tuple[Timeline, SpeechCache | ToneSet, list[str]]:
    """Prepare every phrase (the controls' announcements and ``extra`` phrases too) and
    fit the timeline to their real lengths (:func:`~knee_desktop.plan.fit.fit_timeline`).

    Returns the timeline, the source actually used (a faster-rate cache if the rate had to
    go up) and notes for the user. ``retry(rate)`` makes a cache at another rate; by
    default the cache's own settings with that rate.
    """
    planned = compile_timeline(routine, settings)
    phrases = planned.phrases() + announcements(planned) + list(extra)
    used = source

    def at_rate(rate: int) -> SpokenLengths:
        nonlocal used
        assert isinstance(used, SpeechCache)  # tones have no rate to change
        used = retry(rate) if retry else SpeechCache(replace(used.settings, rate=rate),
                                                     used.folder)
        used.prepare(phrases, progress)
        return used.lengths()

    source.prepare(phrases, progress)
    timeline, _lengths, notes = fit_timeline(routine, settings, source.lengths(), at_rate)
    return timeline, used, notes


def voice_settings(saved: UserSettings) -> VoiceSettings:
    """The speech part of the saved settings (the clip cache's key)."""
    return VoiceSettings(voice=saved.voice or None, rate=saved.rate, volume=saved.volume)


def source_of(saved: UserSettings) -> tuple[SpeechCache | ToneSet, list[str], bool]:
    """The clips a session with these settings plays: rendered speech, or tones (chosen, or
    because no speech engine exists: then the notes say so and the times are estimates)."""
    if saved.tones:
        return ToneSet(), [], False
    try:
        return SpeechCache(voice_settings(saved)), [], False
    except SpeechUnavailable as exc:
        return ToneSet(), [f"{exc} {TONES_NOTE}", ESTIMATE_NOTE], True


def session_timeline(routine: Routine, settings: PlanSettings, saved: UserSettings,
                     progress: Progress | None = None,
                     extra: Sequence[str] = (), fallback: bool = True) -> Planned:
    """The timeline a session with ``saved`` settings plays, fitted to its real clips.

    Raises :class:`~knee_desktop.plan.fit.DoesNotFit` (a KneeError) like a session would.
    If the speech engine fails while rendering: with ``fallback`` (a preview) the estimate
    timeline and a note; without (an export), a KneeError that says so.
    """
    source, notes, estimated = source_of(saved)
    try:
        timeline, used, fit_notes = fit_speech(routine, settings, source, progress,
                                               extra=extra)
    except ClipError as exc:  # the engine failed: say so, plan with estimates
        if not fallback:
            raise KneeError(f"The speech engine failed: {exc}.") from exc
        return Planned(compile_timeline(routine, settings), ToneSet(),
                       [*notes, f"The speech engine failed ({exc}).", ESTIMATE_NOTE], True)
    return Planned(timeline, used, notes + fit_notes, estimated)


def clock(seconds: float) -> str:
    """``475.2`` → ``"7:56"``, rounded up like the window's clock (one duration everywhere)."""
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"
