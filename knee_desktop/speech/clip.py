"""Sound clips as plain 16-bit mono samples: read, check, trim, write. No Qt, no numpy.

Every clip in the app is 22050 Hz mono signed 16-bit (what espeak renders), so clips can be
mixed sample by sample and placed on one output stream at exact sample positions.
"""

from __future__ import annotations

import array
import os
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

RATE = 22050
# A sample this loud (of 32767) counts as sound: about -40 dBFS. espeak's quietest
# consonant onsets ("f", "s") are louder than this; its silence is exactly 0.
SOUND_LEVEL = 300
# Keep this much before the first loud sample so a soft onset is not cut into a click.
KEEP_BEFORE = 0.002
KEEP_AFTER = 0.02
# A soft fricative starts below SOUND_LEVEL: Piper's "five" is 24-31 ms of /f/ between
# -64 and -40 dBFS before its first louder sample. Trimming keeps, before the first loud
# sample, every 5 ms window that reaches SOFT_LEVEL (about -64 dBFS; Piper's silence stays
# under 10, espeak's is 0), up to SOFT_LOOKBACK.
SOFT_LEVEL = 20
SOFT_WINDOW = 0.005
SOFT_LOOKBACK = 0.08


class ClipError(ValueError):
    """A rendered clip is missing, empty, of the wrong format, or implausibly long/short."""


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit samples at :data:`RATE`."""

    samples: array.array[int]

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE

    def to_bytes(self) -> bytes:
        data = self.samples.tobytes()
        return data if sys.byteorder == "little" else _swapped(self.samples).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Clip:
        samples = array.array("h")
        samples.frombytes(data[: len(data) - len(data) % 2])
        if sys.byteorder != "little":
            samples.byteswap()
        return cls(samples)

    def first_sound(self, level: int = SOUND_LEVEL) -> int | None:
        """Index of the first sample at least ``level`` loud, or None for silence."""
        for i, x in enumerate(self.samples):
            if x >= level or x <= -level:
                return i
        return None

    def last_sound(self, level: int = SOUND_LEVEL) -> int | None:
        s = self.samples
        for i in range(len(s) - 1, -1, -1):
            if s[i] >= level or s[i] <= -level:
                return i
        return None

    def soft_start(self, first: int) -> int:
        """Where the sound that becomes loud at ``first`` really starts: back over the
        5 ms windows that still reach :data:`SOFT_LEVEL` (a soft "f", "th", "h")."""
        s = self.samples
        win = round(SOFT_WINDOW * RATE)
        limit = max(0, first - round(SOFT_LOOKBACK * RATE))
        start = first
        while start - win >= limit and max(abs(x) for x in s[start - win:start]) >= SOFT_LEVEL:
            start -= win
        # then forward to the first sample at the level in the earliest window kept
        while start < first and abs(s[start]) < SOFT_LEVEL:
            start += 1
        return start

    def trimmed(self) -> Clip:
        """Without leading and trailing silence: the sound, soft onset included, starts
        (almost) on sample 0."""
        first, last = self.first_sound(), self.last_sound()
        if first is None or last is None:
            return Clip(array.array("h"))
        lo = max(0, self.soft_start(first) - round(KEEP_BEFORE * RATE))
        hi = min(len(self.samples), last + 1 + round(KEEP_AFTER * RATE))
        return Clip(self.samples[lo:hi])


def _swapped(samples: array.array[int]) -> array.array[int]:
    out = array.array("h", samples)
    out.byteswap()
    return out


def read_wav(path: Path) -> Clip:
    """Read a 22050 Hz mono 16-bit WAV; :class:`ClipError` if it is anything else."""
    import wave  # (not before the window shows: the window imports this module)

    try:
        with wave.open(str(path), "rb") as w:
            if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, RATE):
                raise ClipError(f"{path}: expected {RATE} Hz mono 16-bit, got "
                                f"{w.getframerate()} Hz, {w.getnchannels()} channel(s), "
                                f"{8 * w.getsampwidth()}-bit")
            data = w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise ClipError(f"{path}: not a readable WAV file ({exc})") from exc
    return Clip.from_bytes(data)


def own_part(path: Path, suffix: str = ".part") -> Path:
    """A name beside ``path`` for this process and thread only (``NAME.PID-THREAD.part``):
    two renderings of one phrase at once (a launch's in the background and a session's
    start) never write, read or remove each other's file; the finished file is moved into
    place whole."""
    return path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}{suffix}")


def write_wav(path: Path, clip: Clip) -> None:
    import wave

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = own_part(path)
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(clip.to_bytes())
    tmp.replace(path)


def plausible_seconds(text: str) -> tuple[float, float]:
    """The range of lengths a clip of ``text`` may have (after trimming) at 80–450 words a
    minute: anything outside it is a broken render, not speech."""
    words = max(1, len(re.findall(r"[\w'-]+", text)))
    return 0.08 * words, 1.5 + 0.9 * words


def check_clip(text: str, clip: Clip) -> None:
    """Raise :class:`ClipError` unless ``clip`` plausibly says ``text``."""
    if not clip.samples:
        raise ClipError(f"the clip for {text!r} is silent")
    lo, hi = plausible_seconds(text)
    if not lo <= clip.seconds <= hi:
        raise ClipError(f"the clip for {text!r} lasts {clip.seconds:.2f} s; "
                        f"expected {lo:.2f}–{hi:.2f} s")


def mix_into(out: array.array[int], clip: array.array[int], at: int) -> None:
    """Add ``clip`` into ``out`` starting at sample ``at`` (may be negative), clipping."""
    start = max(0, at)
    end = min(len(out), at + len(clip))
    if start >= end:
        return
    src = start - at
    n = end - start
    segment = out[start:end]
    if not any(segment):
        out[start:end] = clip[src:src + n]
        return
    for i in range(n):
        v = segment[i] + clip[src + i]
        segment[i] = 32767 if v > 32767 else -32768 if v < -32768 else v
    out[start:end] = segment


def resampled(samples: array.array[int], source: int, rate: int = RATE) -> array.array[int]:
    """``samples`` at ``source`` Hz, linearly interpolated to ``rate`` Hz (an engine whose
    voice speaks at 16 kHz, to the app's one rate; pure Python, ~10 ms a second of sound)."""
    if source == rate or not samples:
        return array.array("h", samples)
    n = round(len(samples) * rate / source)
    step = source / rate
    last = len(samples) - 1
    out = array.array("h", bytes(2 * n))
    for i in range(n):
        x = i * step
        j = int(x)
        a = samples[min(j, last)]
        b = samples[min(j + 1, last)]
        out[i] = round(a + (b - a) * (x - j))
    return out


def scaled(samples: array.array[int], volume: float) -> array.array[int]:
    """``samples`` times ``volume`` (0–1), for engines without a volume of their own."""
    if volume >= 0.999:
        return samples
    return array.array("h", (round(x * volume) for x in samples))
