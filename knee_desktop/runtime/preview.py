"""The settings dialog's Preview: a sample count, with the chosen voice, rate and volume,
spoken at the current tempo, exactly as a session would place it."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from PySide6.QtCore import QObject

from knee_desktop.runtime.audio_output import AudioUnavailable
from knee_desktop.runtime.qt_workarounds import named_timer
from knee_desktop.runtime.voice import choose_voice
from knee_desktop.speech.base import Voice
from knee_desktop.speech.render import SpeechUnavailable, VoiceSettings

log = logging.getLogger(__name__)


class VoicePreview(QObject):
    """``preview(text, voice_id, rate, volume)``: one phrase per sentence, ``tempo()``
    seconds apart; a new preview replaces one still playing. ``problem`` says failures."""

    def __init__(self, tempo: Callable[[], float], problem: Callable[[str], object],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tempo = tempo
        self.problem = problem
        self.voice: Voice | None = None
        self._done = named_timer("preview-done", self)
        self._done.setSingleShot(True)
        self._done.timeout.connect(self.close)

    def __call__(self, text: str, voice_id: str, rate: int, volume: float) -> None:
        self.close()
        phrases = [p.strip() + "." for p in re.split(r"\.\s*", text) if p.strip()]
        try:
            choice = choose_voice(settings=VoiceSettings(voice=voice_id or None, rate=rate,
                                                         volume=volume))
            voice = choice.voice
            voice.prepare(phrases)  # renders (cached after the first time), opens the output
        except (AudioUnavailable, SpeechUnavailable, OSError) as exc:
            self.problem(str(exc))
            return
        for note in choice.notes:
            self.problem(note)
        voice.problem.connect(self.problem)
        self.voice = voice
        start = time.monotonic() + voice.latency
        step = self.tempo()
        for i, phrase in enumerate(phrases):
            voice.play_at(phrase, "rep", start + i * step)
        last = phrases[-1] if phrases else ""
        total = voice.latency + (len(phrases) - 1) * step + (voice.duration(last) or 1.0)
        self._done.start(int(total * 1000) + 500)

    def close(self) -> None:
        self._done.stop()
        if self.voice is not None:
            self.voice.close()
            self.voice = None
