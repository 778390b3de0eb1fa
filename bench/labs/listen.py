"""The listening lab, shared by tests/test_listen*.py and bench/listen.py.

- :func:`own_session`: a whole session of the app's own voice, rendered offline at the
  recogniser's rate (16 kHz) with every clip's heard window: fed to the spotter and the
  gate faster than real time, it shows what the app's cues would trigger.
- :func:`speak`: a command (or any words) in a *different* synthetic voice, flite's,
  at 16 kHz.
- :func:`noise`, :func:`mix_at`: room noise and mixing at a level.
"""

from __future__ import annotations

import array
import math
import random
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path

from knee_desktop.runtime.listen_gate import Gate
from knee_desktop.runtime.spotter import RATE, Detection, Spotter, resample

FLITE_VOICES = ("slt", "rms", "awb", "kal16")


@dataclass
class OwnSession:
    pcm: array.array[int]  # 16 kHz mono
    windows: list[tuple[float, float, str, str]]  # heard start, end (s), text, kind
    phrases: list[str]
    clips: dict[str, bytes] = field(default_factory=dict)  # text -> 16 kHz s16 bytes

    @property
    def seconds(self) -> float:
        return len(self.pcm) / RATE


def own_session(routine_id: str, rate: int | None = None,
                max_gap: float | None = None) -> OwnSession:
    """The app's own voice over a whole session of ``routine_id``, default settings (and
    the speech rate ``rate`` if given), as the app plays it. ``max_gap``: silences between
    clips are shortened to at most this (the tests: the recogniser spends as much time on
    silence as on speech, and silence triggers nothing)."""
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.routine.loader import load_catalog
    from knee_desktop.runtime.driver import SessionDriver
    from knee_desktop.runtime.planning import session_timeline

    routine = load_catalog().get(routine_id)
    saved = UserSettings() if rate is None else UserSettings(rate=rate)
    settings: PlanSettings = saved.to_plan_settings()
    extra = SessionDriver.extra_phrases(routine, settings)
    planned = session_timeline(routine, settings, saved, extra=extra, fallback=False)
    source = planned.source
    clips: dict[str, bytes] = {}
    for text in [*planned.timeline.phrases(), *extra]:
        if text not in clips:
            clips[text] = resample(source.clip(text).samples, 22050)  # type: ignore[union-attr]
    windows = []
    shift, last_end = 0.0, 0.0
    for event in planned.timeline.speech():
        text = event.text or ""
        start = event.t - shift
        if max_gap is not None and start - last_end > max_gap:
            shift += start - last_end - max_gap
            start = last_end + max_gap
        last_end = start + len(clips[text]) / (2 * RATE)
        windows.append((start, last_end, text, str(event.kind)))
    pcm = array.array("h", bytes(2 * round((last_end + 2.0) * RATE)))
    for start, _end, text, _kind in windows:
        mix_into(pcm, array.array("h", clips[text]), round(start * RATE))
    return OwnSession(pcm, windows, list(clips), clips)


def mix_into(out: array.array[int], clip: array.array[int], at: int, gain: float = 1.0) -> None:
    for i, v in enumerate(clip[: max(0, len(out) - at)]):
        if at + i >= 0:
            out[at + i] = max(-32768, min(32767, out[at + i] + int(v * gain)))


def replay(pcm: bytes, windows: list[tuple[float, float, str, str]], spotter: Spotter
           ) -> tuple[list[Detection], list[Detection]]:
    """Feed a recording through the spotter and the gate: (accepted, dropped). Times are
    seconds from the recording's start, as the windows'."""
    gate = Gate()
    for start, end, text, kind in windows:
        gate.heard(text, kind, start, end)
    base = spotter.fed_seconds
    accepted, dropped = [], []
    for d in spotter.feed(pcm):
        start, end = d.start - base, d.end - base
        (accepted if gate.admit(d, start, end) else dropped).append(d)
    return accepted, dropped


def speak(text: str, voice: str = "slt") -> array.array[int]:
    """``text`` said by flite's ``voice``, 16 kHz mono, trimmed of its silences."""
    exe = shutil.which("flite")
    if exe is None:
        raise RuntimeError("flite is not installed (apt-get install flite)")
    with tempfile.TemporaryDirectory(prefix="knee-flite-") as tmp:
        out = Path(tmp) / "say.wav"
        subprocess.run([exe, "-voice", voice, "-t", text, "-o", str(out)], check=True,
                       capture_output=True, timeout=30)
        with wave.open(str(out)) as w:
            rate = w.getframerate()
            raw = array.array("h", w.readframes(w.getnframes()))
    samples = array.array("h", resample(raw, rate)) if rate != RATE else raw
    loud = [i for i, v in enumerate(samples) if abs(v) > 300]
    return samples[loud[0]:loud[-1] + 1] if loud else samples


def rms(samples: array.array[int]) -> float:
    return math.sqrt(sum(v * v for v in samples) / max(1, len(samples)))


def noise(seconds: float, level: float, seed: int = 1) -> array.array[int]:
    """Room noise: brown-ish (integrated white, leaky), RMS ``level``; 10 s made, repeated."""
    one = _noise(min(seconds, 10.0), level, seed)
    out = array.array("h")
    while len(out) < round(seconds * RATE):
        out.extend(one)
    return out[: round(seconds * RATE)]


def _noise(seconds: float, level: float, seed: int) -> array.array[int]:
    rnd = random.Random(seed)
    n = round(seconds * RATE)
    out = array.array("h", bytes(2 * n))
    acc = 0.0
    raw = []
    for _ in range(n):
        acc = 0.97 * acc + rnd.gauss(0, 1)
        raw.append(acc)
    scale = level / (math.sqrt(sum(v * v for v in raw) / n) or 1)
    for i, v in enumerate(raw):
        out[i] = max(-32768, min(32767, int(v * scale)))
    return out


# ---- detection trials (bench/listen.py) --------------------------------------------------
SLOT = 3.0  # seconds per trial in a stream of trials
MOMENTS = ("silence", "after words", "on a beat")


@dataclass
class Trial:
    words: str
    command: str
    voice: str
    moment: str
    at: float  # where the words start in the stream (s)
    got: list[str] = field(default_factory=list)  # commands admitted in its slot


def trial_stream(trials: list[Trial], count_clip: array.array[int],
                 say_clip: array.array[int], noise_rms: float, gain: float = 0.6
                 ) -> tuple[array.array[int], list[tuple[float, float, str, str]]]:
    """One stream, :data:`SLOT` seconds a trial: the app says a count (for "on a beat")
    or a short instruction (for "after words": the words start 0.45 s after it ends,
    just past the gate's echo margin), or nothing; the words over it; room noise under all."""
    pcm = noise(SLOT * len(trials) + 1.0, noise_rms) if noise_rms else \
        array.array("h", bytes(2 * round((SLOT * len(trials) + 1.0) * RATE)))
    windows: list[tuple[float, float, str, str]] = []
    cache: dict[tuple[str, str], array.array[int]] = {}
    for k, trial in enumerate(trials):
        slot = k * SLOT + 0.5
        words = cache.setdefault((trial.words, trial.voice), speak(trial.words, trial.voice))
        if trial.moment == "on a beat":
            mix_into(pcm, count_clip, round(slot * RATE))
            windows.append((slot, slot + len(count_clip) / RATE, "One.", "rep"))
            trial.at = slot + 0.05
        elif trial.moment == "after words":
            mix_into(pcm, say_clip, round(slot * RATE))
            end = slot + len(say_clip) / RATE
            windows.append((slot, end, "Sweep.", "say"))
            trial.at = end + 0.45
        else:
            trial.at = slot + 0.3
        mix_into(pcm, words, round(trial.at * RATE), gain)
    return pcm, windows


def run_trials(trials: list[Trial], pcm: array.array[int],
               windows: list[tuple[float, float, str, str]], spotter: Spotter) -> None:
    """Feed the stream; each admitted detection is counted in the slot it ends in."""
    accepted, _ = replay(pcm.tobytes(), windows, spotter)
    base = spotter.fed_seconds - len(pcm) / RATE
    for d in accepted:
        k = int((d.end - base) // SLOT)
        if 0 <= k < len(trials):
            trials[k].got.append(d.command)
