"""The real voices: pre-rendered speech, or generated tones, played by :class:`AudioOutput`.

:func:`choose_voice` picks one at start-up and says why in words the user will read before
the session starts (no speech engine: tones and the package to install; no audio output:
refuse unless silent mode was chosen).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from knee_desktop.common.hooks import Hook
from knee_desktop.plan.events import EventKind
from knee_desktop.runtime.audio_output import AudioOutput, AudioUnavailable
from knee_desktop.runtime.planning import TONES_NOTE, fit_speech
from knee_desktop.runtime.voice_base import SilentVoice, Voice
from knee_desktop.speech.clip import Clip, ClipError
from knee_desktop.speech.render import Progress, SpeechCache, SpeechUnavailable, VoiceSettings
from knee_desktop.speech.tones import ToneSet

if TYPE_CHECKING:
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.plan.timeline import Timeline
    from knee_desktop.routine.model import Routine

MOVED_WORDS = "The sound moved to another speaker. We carry on."
NO_OUTPUT_ADVICE = ("Check that a sound server (PulseAudio or PipeWire) is running and a "
                    "speaker is connected, or start the session in silent mode with --silent.")


class ClipVoice(Voice):
    """Plays clips from a speech cache or a tone set on one :class:`AudioOutput`."""

    def __init__(self, source: SpeechCache | ToneSet, output: AudioOutput) -> None:
        super().__init__()
        self.source = source
        self.output = output
        self._first = True
        output.failed.connect(self._on_failed)
        output.moved.connect(self._on_moved)
        output.lost.connect(self._on_lost)
        output.back.connect(self._on_back)
        self._told = False  # the output's failure or loss was said: not again per cue
        # Each clip as it is placed: text, kind, heard from, heard until (the listening
        # gate, runtime/listen_gate.py, ignores the microphone over these).
        self.placed: Hook[[str, str, float, float]] = Hook()

    @property
    def speaks(self) -> bool:
        return isinstance(self.source, SpeechCache)

    @property
    def latency(self) -> float:
        return self.output.lookahead

    def prepare(self, phrases: Sequence[str], progress: Progress | None = None) -> None:
        self.source.prepare(phrases, progress)
        self.open_output()

    def plan(self, routine: Routine, settings: PlanSettings, progress: Progress | None = None,
             extra: Sequence[str] = ()) -> tuple[Timeline, list[str]]:
        timeline, self.source, notes = fit_speech(routine, settings, self.source, progress,
                                                  extra=extra)
        self.open_output()
        return timeline, notes

    def timeline(self, routine: Routine, settings: PlanSettings,
                 progress: Progress | None = None,
                 extra: Sequence[str] = ()) -> tuple[Timeline, list[str]]:
        """Fitted to the clips (rendered and cached first) as :meth:`plan` does, without
        opening the output."""
        timeline, self.source, notes = fit_speech(routine, settings, self.source, progress,
                                                  extra=extra)
        return timeline, notes

    def open_output(self) -> None:
        """Start the output stream: last, right before the session, so that nothing
        blocks the event loop between its timing being measured and the first cue.
        Raises :class:`AudioUnavailable`."""
        if self.output.is_open:
            return
        try:
            self.output.open()
        except AudioUnavailable as exc:
            self.output.close()
            raise AudioUnavailable(f"{exc} {NO_OUTPUT_ADVICE}") from exc
        self._first = True
        self._told = False

    def _clip(self, text: str, kind: EventKind) -> Clip:
        if isinstance(self.source, ToneSet):
            clip = self.source.clip(text, kind, first=self._first)
        else:
            if text not in self.source:
                self.source.prepare([text])
            clip = self.source.clip(text)
        self._first = False
        return clip

    def play(self, text: str, kind: EventKind = "say") -> None:
        self.play_at(text, kind, None)

    def play_at(self, text: str, kind: EventKind, heard_at: float | None) -> float | None:
        try:
            clip = self._clip(text, kind)
        except (ClipError, KeyError) as exc:
            self.problem.emit(f"Could not say {text!r}: {exc}")
            return None
        placed = self.output.schedule(clip, heard_at)
        if placed is None:
            if not self._told:  # else said once, when the sound went
                self.problem.emit("The audio output is not running: a cue was not played.")
            return None
        self.placed.emit(text, kind, placed.heard, placed.heard + clip.seconds)
        return placed.heard

    def say(self, text: str) -> None:
        self.play_at(text, "say", None)

    def say_at(self, text: str, heard_at: float) -> float | None:
        return self.play_at(text, "say", heard_at)

    def duration(self, text: str) -> float | None:
        try:
            return self.source.duration(text)
        except KeyError:
            return None

    def stop_sound(self) -> None:
        self.output.cancel()

    def cut(self, keep: float) -> float | None:
        return self.output.cut(keep)

    def close(self) -> None:
        self.output.close()

    def _on_failed(self, message: str) -> None:
        self._told = self.output.recovery.given_up  # said with the reason: not per cue
        self.problem.emit(message)
        self.outage.emit(message)

    def _on_lost(self, message: str) -> None:
        """The server went away (or is still away): shown; nothing can be said."""
        self._told = True
        self.problem.emit(message)
        self.outage.emit(message)

    def _on_back(self, message: str) -> None:
        """A new stream plays on the timeline again: shown, and said (eyes closed) through
        :attr:`tell`, one voice at a time: the session holds while it is heard."""
        self._told = False
        self.problem.emit(message)
        self.outage.emit("")
        self.tell.emit(message)

    def _on_moved(self, message: str) -> None:
        """The sound followed a new default output: shown, and said on it (eyes closed),
        through :attr:`tell` as :meth:`_on_back`."""
        self.problem.emit(message)
        if self.speaks:
            self.tell.emit(MOVED_WORDS)


@dataclass
class VoiceChoice:
    voice: Voice
    notes: list[str] = field(default_factory=list)  # to tell the user before starting


def speech_source(settings: VoiceSettings | None = None, tones: bool = False
                  ) -> tuple[SpeechCache | ToneSet, list[str]]:
    """Where the sounds come from: rendered speech, or tones when the user chose them or
    no speech engine can be found (then the notes say so, naming the package)."""
    if tones:  # the user chose tones instead of words
        return ToneSet(), []
    try:
        cache = SpeechCache(settings)
        try:
            note = cache.check_voice()  # an unknown voice id: the default voice, and a note
        except ClipError:
            note = None  # the engine hung at start; rendering will say so
        return cache, [note] if note else []
    except SpeechUnavailable as exc:
        if settings is not None and settings.voice:  # a missing voice or engine: the
            fallback, notes = speech_source(replace(settings, voice=None))  # default says so
            if isinstance(fallback, SpeechCache):
                return fallback, [f"The voice chosen in Settings cannot be used: {exc} "
                                  "The default voice speaks instead.", *notes]
        return ToneSet(), [f"{exc} {TONES_NOTE}"]


def choose_voice(silent: bool = False, settings: VoiceSettings | None = None,
                 output_factory: Callable[[], AudioOutput] = AudioOutput,
                 tones: bool = False) -> VoiceChoice:
    """The voice for a session, and what the user must be told about it. The output
    is only probed here; :meth:`ClipVoice.open_output` starts it.

    Raises :class:`AudioUnavailable` when there is no audio output and silent mode was not
    chosen: the session must not start with the user unaware that nothing will be heard.
    """
    if silent:
        return VoiceChoice(SilentVoice(), ["Silent mode: no sound will be played."])
    output = output_factory()
    source, notes = speech_source(settings, tones)
    try:
        output.probe()
    except AudioUnavailable as exc:
        raise AudioUnavailable(f"{exc} {NO_OUTPUT_ADVICE}") from exc
    return VoiceChoice(ClipVoice(source, output), notes)
