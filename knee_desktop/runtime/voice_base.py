"""What the rest of the app needs from a voice, whatever makes the sound.

Implementations: SilentVoice (``--silent``), NoAudioVoice, and the real one,
:class:`~knee_desktop.runtime.voice.ClipVoice` (pre-rendered pyttsx3 speech, or generated
tones when no speech engine exists, played with QtMultimedia).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING

from knee_desktop.common.hooks import Hook
from knee_desktop.plan.events import EventKind
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import Timeline, compile_timeline, estimate_speech_seconds
from knee_desktop.routine.model import Routine
from knee_desktop.session.engine import announcements

if TYPE_CHECKING:
    from knee_desktop.speech.render import Progress


class Voice(ABC):
    """Plays prepared phrases on demand. ``problem`` reports failures in words for the user."""

    def __init__(self) -> None:
        self.problem: Hook[[str]] = Hook()
        self.notes: list[str] = []  # to tell the user before a session (e.g. tones instead)
        # The sound is missing (the words, for a banner that stays) or back (""): only a
        # voice that plays on a sound server says so.
        self.outage: Hook[[str]] = Hook()
        # Words about the sound itself ("The sound is back."): the driver says them one
        # voice at a time (runtime/one_voice.py), holding a running session like an answer.
        self.tell: Hook[[str]] = Hook()

    @property
    def speaks(self) -> bool:
        """Words (True) or tones that also mark text-less beats (False)."""
        return True

    @property
    def audible(self) -> bool:
        """Whether anything is heard at all: a session waits for words only if they are."""
        return True

    @property
    def latency(self) -> float:
        """Seconds from :meth:`play` to the sound being heard; the scheduler starts cues
        this much early."""
        return 0.0

    @abstractmethod
    def prepare(self, phrases: Sequence[str], progress: Progress | None = None) -> None:
        """Make every phrase ready to play at once (render, cache, open the output)."""

    def plan(self, routine: Routine, settings: PlanSettings, progress: Progress | None = None,
             extra: Sequence[str] = ()) -> tuple[Timeline, list[str]]:
        """Get a session ready: prepare every phrase it may say (cues, the session's
        announcements, ``extra``) and compile its timeline with their lengths. Returns the
        timeline and notes for the user. Raises KneeError when the speech cannot fit."""
        rough = compile_timeline(routine, settings)
        self.prepare(rough.phrases() + announcements(rough) + list(extra), progress)

        def speech(text: str) -> float:
            measured = self.duration(text)
            return measured if measured is not None else estimate_speech_seconds(text)

        return compile_timeline(routine, settings, speech), []

    def timeline(self, routine: Routine, settings: PlanSettings,
                 progress: Progress | None = None,
                 extra: Sequence[str] = ()) -> tuple[Timeline, list[str]]:
        """The timeline :meth:`plan` would give, without opening any output: for the ready
        screen. Estimated here; a voice with clips fits it to them."""
        return compile_timeline(routine, settings), []

    @abstractmethod
    def play(self, text: str, kind: EventKind = "say") -> None:
        """Start playing a prepared phrase now. ``kind`` is the timeline event kind, for
        voices that use tones instead of words."""

    def play_at(self, text: str, kind: EventKind, heard_at: float) -> float | None:
        """Play a prepared phrase so that it is *heard* at clock time ``heard_at`` (it is
        called :attr:`latency` seconds early). Returns when it will be heard, if known.
        Voices that cannot place sound in time just play it now."""
        self.play(text, kind)
        return None

    def say(self, text: str) -> None:
        """Speak an untimed phrase (a control's confirmation); may render it first."""
        self.play(text)

    def say_at(self, text: str, heard_at: float) -> float | None:
        """Say a prompt so that it is heard at ``heard_at`` (after what is still heard);
        returns when, if known. Voices that cannot place sound in time say it now."""
        self.say(text)
        return None

    def duration(self, text: str) -> float | None:
        """How long a prepared phrase sounds, in seconds, if known."""
        return None

    def open_output(self) -> None:  # noqa: B027 - optional hook, nothing to open by default
        """Open the audio output if it is not open (for a prompt outside a session).
        Raises ``AudioUnavailable`` (runtime) when it cannot be opened."""

    def stop_sound(self) -> None:  # noqa: B027 - optional hook
        """Silence everything playing or placed to be heard."""

    def cut(self, keep: float) -> float | None:
        """Make room for another voice: drop what is placed but not yet sounding; a clip
        sounding now finishes if it ends within ``keep`` seconds, otherwise it is cut short
        cleanly. Returns the clock time at which nothing more is heard, if known (a voice
        that cannot tell silences everything and returns None)."""
        self.stop_sound()
        return None

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release the audio output."""


class Unheard(Voice):
    """A voice nothing is heard from: every phrase is ready at once."""

    @property
    def audible(self) -> bool:
        return False

    def prepare(self, phrases: Sequence[str], progress: Progress | None = None) -> None:
        if progress:
            progress(len(phrases), len(phrases))


class NoAudioVoice(Unheard):
    """Stands in when no sound can be played: nothing is heard, and ``reason`` says why.
    A session may start with it only after the user chose silence knowingly."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def play(self, text: str, kind: EventKind = "say") -> None:
        pass


class SilentVoice(Unheard):
    """No sound at all, for ``--silent``: the user chose it knowingly."""

    def __init__(self) -> None:
        super().__init__()
        self.played: list[str] = []

    def play(self, text: str, kind: EventKind = "say") -> None:
        self.played.append(text)
