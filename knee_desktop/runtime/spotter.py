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
import math
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
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


ASIDE = (0.05, 0.30)  # seconds before the words' start and after their end that are looked at
STRETCH = 0.30  # the words' sound may reach this far past the recogniser's edges
LOUD_DB = 12.0  # above the noise floor: sound (the gate's ASIDE_DB is the same)
FLOOR_SECONDS = 10.0  # the noise floor: the quietest fifth of the 10 ms frames over this long
# ...but never below -60 dBFS (30 dB on this scale): an input of exact digital silence (a
# virtual microphone, a muted one) would make any faint tail "loud".
LEAST_FLOOR = 30.0


@dataclass(frozen=True)
class Detection:
    command: str  # "pause", "resume", "where", "repeat", "next", "stop", "start"
    phrase: str  # the words heard
    start: float  # seconds into the stream fed so far
    end: float
    # How loud the input was just before and just after the words, in dB above the noise
    # floor: a command is said on its own, words in running speech are not (the gate).
    before: float = 0.0
    after: float = 0.0
    level: float = 0.0  # the words' own loudness, the same way (0: unknown)


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
        self.levels = Levels()
        self._pending: list[Detection] = []  # waiting for the sound after them
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
            self.levels.add(part)
            self._fed += len(part) // 2
            if self.decoder.hyp() is not None:
                self._pending.extend(self._detections())
                self.decoder.end_utt()
                self._restart()
            wait = STRETCH + ASIDE[1]
            while self._pending and self._pending[0].end + wait <= self.fed_seconds:
                found.append(self._aside(self._pending.pop(0)))
        return found

    def _aside(self, d: Detection) -> Detection:
        """How loud it was just before and after the words' own sound (which may reach a
        little past the recogniser's edges: a trailing "on" of "go on")."""
        lv = self.levels
        start = lv.edge(d.start, -1, STRETCH)
        end = lv.edge(d.end, +1, STRETCH)
        return replace(d, before=lv.above_floor(start - ASIDE[1], start - ASIDE[0]),
                       after=lv.above_floor(end + ASIDE[0], end + ASIDE[1]),
                       level=lv.above_floor(d.start, d.end))

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


class Levels:
    """The input's loudness in 10 ms frames (dB), and its noise floor."""

    FRAME = 160  # samples: 10 ms

    def __init__(self) -> None:
        self.db: list[float] = []
        self.first = 0  # frame number of db[0]
        self._rest = b""

    def add(self, pcm: bytes) -> None:
        data = self._rest + pcm
        whole = len(data) // (2 * self.FRAME) * 2 * self.FRAME
        self._rest = data[whole:]
        samples = array.array("h", data[:whole])
        if sys.byteorder != "little":
            samples.byteswap()
        for k in range(0, len(samples), self.FRAME):
            frame = samples[k:k + self.FRAME]
            power = sum(v * v for v in frame) / self.FRAME
            self.db.append(10 * math.log10(power + 1.0))
        keep = int(2 * FLOOR_SECONDS / FRAME)
        if len(self.db) > keep:
            self.first += len(self.db) - keep
            del self.db[: len(self.db) - keep]

    def floor(self) -> float:
        recent = sorted(self.db[-int(FLOOR_SECONDS / FRAME):])
        return max(LEAST_FLOOR, recent[len(recent) // 5] if recent else 0.0)

    def edge(self, t: float, direction: int, limit: float) -> float:
        """From ``t``, the time sound stops going ``direction`` (+1 later, -1 earlier),
        at most ``limit`` seconds away."""
        floor = self.floor()
        i = round(t / FRAME) - self.first
        for _ in range(round(limit / FRAME)):
            j = i + direction
            if not 0 <= j < len(self.db) or self.db[j] - floor < LOUD_DB:
                break
            i = j
        return (i + self.first) * FRAME

    def above_floor(self, t0: float, t1: float) -> float:
        """The level from ``t0`` to ``t1`` (stream seconds), in dB above the floor: that
        of its loudest fifth of frames (a short word in it counts, a click does not)."""
        lo = max(0, round(t0 / FRAME) - self.first)
        hi = max(lo, round(t1 / FRAME) - self.first)
        part = sorted(self.db[lo:hi])
        return (part[len(part) * 4 // 5] - self.floor()) if part else 0.0


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
