"""The settings dialog's Preview: the routine's first instruction and a few counts, with
the chosen voice, rate and volume, the counts at the current tempo, as a session places
them. A rate cannot be judged from single words ("One. Two. Three. Four." was all it
said): a whole sentence says whether it is too fast to follow with closed eyes, and the
counts after it whether the tempo is calm.

Each count is handed to the output only ``voice.latency`` before its beat, as the session
driver hands out cues, so each is placed on the stream's timing as measured then. Placing
all of them up front would tie every later count to the timing of the first: one stall of
a busy machine (the stream running dry, and so slipping) would shift every count after it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from PySide6.QtCore import QObject

from knee_desktop.runtime.audio_output import AudioOutput, AudioUnavailable
from knee_desktop.runtime.timers import QtTimers, Timers
from knee_desktop.runtime.voice import VoiceChoice, choose_voice
from knee_desktop.runtime.voice_base import Voice
from knee_desktop.speech.render import SpeechUnavailable, VoiceSettings

log = logging.getLogger(__name__)

Chooser = Callable[[VoiceSettings, Callable[[], AudioOutput]], VoiceChoice]

SAMPLE = ("Your left foot is a windshield wiper. Wipe to the left, ten times. "
          "One. Two. Three. Four.")
"""What Preview says: the windshield-wiper routine's first instruction, then four counts."""
GAP = 0.4  # seconds of quiet after a sentence before the next phrase


def _choose(settings: VoiceSettings, output: Callable[[], AudioOutput]) -> VoiceChoice:
    return choose_voice(settings=settings, output_factory=output)


class VoicePreview(QObject):
    """``preview(text, voice_id, rate, volume)``: one phrase per sentence, ``tempo()``
    seconds apart, or later after a sentence longer than that (never two at once); a new
    preview replaces one still playing. ``problem`` says failures."""

    def __init__(self, tempo: Callable[[], float], problem: Callable[[str], object],
                 parent: QObject | None = None, timers: Timers | None = None,
                 choose: Chooser = _choose) -> None:
        super().__init__(parent)
        self.tempo = tempo
        self.problem = problem
        self.timers = timers or QtTimers()
        self.choose = choose
        self.voice: Voice | None = None
        self._due: list[tuple[float, str]] = []  # (heard at, phrase), not handed out yet
        self._next = self.timers.timer("preview-next", self._hand_out, self)
        self._done = self.timers.timer("preview-done", self.close, self)

    def __call__(self, text: str, voice_id: str, rate: int, volume: float) -> None:
        self.close()
        phrases = [p.strip() + "." for p in re.split(r"\.\s*", text) if p.strip()]
        clock = self.timers.clock
        try:
            choice = self.choose(VoiceSettings(voice=voice_id or None, rate=rate,
                                               volume=volume),
                                 lambda: AudioOutput(clock=clock))
            voice = choice.voice
            voice.prepare(phrases)  # renders (cached after the first time), opens the output
        except (AudioUnavailable, SpeechUnavailable, OSError) as exc:
            self.problem(str(exc))
            return
        for note in choice.notes:
            self.problem(note)
        voice.problem.connect(self.problem)
        self.voice = voice
        at = clock.now() + voice.latency
        step = self.tempo()
        self._due = []
        for phrase in phrases:
            self._due.append((at, phrase))
            at += max(step, (voice.duration(phrase) or 0.0) + GAP)
        last = self._due[-1] if self._due else (at, "")
        self._done.start_at(last[0] + (voice.duration(last[1]) or 1.0) + 0.5)
        self._hand_out()

    def _hand_out(self) -> None:
        """Give the output every count whose beat is within its lookahead; wait for the
        next one."""
        voice = self.voice
        if voice is None:
            return
        now = self.timers.clock.now()
        while self._due and self._due[0][0] - voice.latency <= now:
            heard_at, phrase = self._due.pop(0)
            voice.play_at(phrase, "rep", heard_at)
        if self._due:
            self._next.start_at(self._due[0][0] - voice.latency)

    def close(self) -> None:
        self._next.stop()
        self._done.stop()
        self._due = []
        if self.voice is not None:
            self.voice.close()
            self.voice = None
