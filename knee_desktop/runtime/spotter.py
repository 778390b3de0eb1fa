"""Keyword spotting for spoken commands: pocketsphinx's keyphrase search, en-US model.

No Qt here: the listening worker (``runtime/listen_worker.py``, its own process) feeds it
the microphone, the benchmark and the tests feed it WAV files faster than real time.
pocketsphinx is an optional extra (``pip install 'knee-desktop[listen]'``); without it
:class:`ListenUnavailable` names the package.

Two searches, switched by :meth:`Spotter.set_mode`: on the ready screen only "start" is
listened for, in a session every other command. "stop" and "start" share their first
sounds; never listening for both at once keeps one from being taken for the other.
"""

from __future__ import annotations

import array
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RATE = 16000  # the model's rate; the microphone is read at it
FRAME = 0.01  # pocketsphinx's frame: 10 ms

# What can be said, and the command it is. Spelled as the model's dictionary spells it.
PHRASES: dict[str, str] = {
    "pause": "pause", "go on": "resume", "resume": "resume", "where am i": "where",
    "repeat": "repeat", "next": "next", "stop": "stop", "start": "start",
}
MODES: dict[str, tuple[str, ...]] = {
    "session": tuple(p for p, c in PHRASES.items() if c != "start"),
    "ready": ("start",),
}
# Detection thresholds (pocketsphinx's kws_threshold, a likelihood ratio against its phone
# loop): lower accepts more. Picked with bench/listen.py (docs/voice.md has the figures):
# short words need a stricter one than a three-word phrase.
THRESHOLDS: dict[str, float] = {
    "pause": 1e-20, "go on": 1e-20, "resume": 1e-20, "where am i": 1e-25,
    "repeat": 1e-20, "next": 1e-20, "stop": 1e-20, "start": 1e-20,
}


class ListenUnavailable(RuntimeError):
    """No recogniser (pocketsphinx missing), or no microphone to read."""


@dataclass(frozen=True)
class Detection:
    command: str  # "pause", "resume", "where", "repeat", "next", "stop", "start"
    phrase: str  # the words heard
    start: float  # seconds into the stream fed so far
    end: float


def _decoder_class() -> Any:
    try:
        from pocketsphinx import Decoder
    except ImportError as exc:
        raise ListenUnavailable(
            "Spoken commands need the offline recogniser pocketsphinx: "
            "pip install 'knee-desktop[listen]' (or pip install pocketsphinx).") from exc
    return Decoder


class Spotter:
    """Feeds 16 kHz mono s16 audio to pocketsphinx; returns the commands spotted in it."""

    def __init__(self, thresholds: dict[str, float] | None = None) -> None:
        decoder_class = _decoder_class()
        self.thresholds = {**THRESHOLDS, **(thresholds or {})}
        with tempfile.TemporaryDirectory(prefix="knee-kws-") as folder:  # read at once
            self._dir = Path(folder)
            self.decoder = decoder_class(samprate=RATE, loglevel="FATAL",
                                         kws=self._keyfile("session", MODES["session"]))
            self.decoder.add_kws("ready", self._keyfile("ready", MODES["ready"]))
        self.mode = "session"
        self._fed = 0  # samples fed since the stream began
        self._utt_start = 0  # sample at which the current utterance began
        self.decoder.start_utt()

    def _keyfile(self, name: str, phrases: Iterable[str]) -> str:
        path = self._dir / f"{name}.kws"
        path.write_text("".join(f"{p} /{self.thresholds[p]:.0e}/\n" for p in phrases),
                        encoding="utf-8")
        return str(path)

    def set_mode(self, mode: str) -> None:
        """"ready" (only "start") or "session" (every other command)."""
        if mode == self.mode:
            return
        self.decoder.end_utt()
        self.decoder.activate_search("_default" if mode == "session" else mode)
        self.mode = mode
        self._restart()

    def _restart(self) -> None:
        self._utt_start = self._fed
        self.decoder.start_utt()

    def feed(self, pcm: bytes) -> list[Detection]:
        """Audio in (any length); the commands whose last sound was in it."""
        found: list[Detection] = []
        step = 2048  # bytes: 64 ms, so a detection is reported soon after its end
        for i in range(0, len(pcm), step):
            part = pcm[i:i + step]
            self.decoder.process_raw(part, False, False)
            self._fed += len(part) // 2
            if self.decoder.hyp() is not None:
                found.extend(self._detections())
                self.decoder.end_utt()
                self._restart()
        return found

    def _detections(self) -> list[Detection]:
        base = self._utt_start / RATE
        out = []
        for seg in self.decoder.seg():
            phrase = seg.word.strip()
            if phrase in PHRASES:
                out.append(Detection(PHRASES[phrase], phrase, base + seg.start_frame * FRAME,
                                     base + (seg.end_frame + 1) * FRAME))
        return out[:1]  # several at one moment: the first (its best) only

    @property
    def fed_seconds(self) -> float:
        return self._fed / RATE

    def close(self) -> None:
        self.decoder.end_utt()


def resample(samples: Sequence[int], src: int, dst: int = RATE) -> bytes:
    """Linear interpolation to ``dst`` Hz as s16 little-endian bytes (speech is
    band-limited well below 8 kHz, enough for the recogniser)."""
    if src == dst:
        out = array.array("h", samples)
    else:
        n = int(len(samples) * dst / src)
        out = array.array("h", bytes(2 * n))
        step = src / dst
        last = len(samples) - 1
        for i in range(n):
            x = i * step
            j = int(x)
            a = samples[j]
            b = samples[j + 1] if j < last else a
            out[i] = int(a + (b - a) * (x - j))
    if sys.byteorder != "little":
        out.byteswap()
    return out.tobytes()
