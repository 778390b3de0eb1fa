"""What every render engine besides pyttsx3 shares (speech/engines.py is their registry):
the worker's environment names, the errors, the voice record, the request loop."""

from __future__ import annotations

import array
import json
import shutil
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knee_desktop.speech.clip import RATE, Clip, resampled, scaled, write_wav

ENGINE_ENV = "KNEE_DESKTOP_RENDER_ENGINE"  # which engine the worker runs (render_worker)
VOICE_ENV = "KNEE_DESKTOP_RENDER_VOICE"  # and its voice

Answer = Callable[[dict[str, Any]], None]


class EngineUnavailable(RuntimeError):
    """The chosen engine or voice cannot be used: the message says what is missing."""


@dataclass(frozen=True)
class EngineVoice:
    """An installed voice of an engine other than pyttsx3 (for Settings and `voices`)."""

    id: str  # the voice setting that chooses it, e.g. "festival:cmu_us_slt_arctic_hts"
    name: str
    languages: tuple[str, ...]
    licence: str  # one or two lines a user should read before using it


def program(name: str, title: str, install: str) -> str:
    """The path of an engine's program, or :class:`EngineUnavailable` saying how to get it."""
    exe = shutil.which(name)
    if exe is None:
        raise EngineUnavailable(f"{title} is not installed: {install}.")
    return exe


def read_engine_wav(path: Path) -> tuple[array.array[int], int]:
    """The samples and rate of a mono 16-bit WAV an engine wrote (any rate: the request
    loop resamples it)."""
    with wave.open(str(path), "rb") as w:
        if (w.getnchannels(), w.getsampwidth()) != (1, 2):
            raise RuntimeError(f"{path.name}: expected mono 16-bit, got {w.getnchannels()} "
                               f"channel(s), {8 * w.getsampwidth()}-bit")
        return array.array("h", w.readframes(w.getnframes())), w.getframerate()


def worker_env(voice: str) -> dict[str, str]:
    """The render worker's environment for ``voice`` ("festival:x" -> engine "festival")."""
    return {ENGINE_ENV: voice.split(":", 1)[0], VOICE_ENV: voice}


def serve_phrases(lines: Iterable[str], answer: Answer,
                  render: Callable[[str, float], tuple[Iterable[int], int]],
                  ready: dict[str, Any]) -> int:
    """The request loop every engine shares: ``render(text, rate_wpm)`` gives samples and
    their rate; they are resampled to 22050 Hz, scaled by the volume and written."""
    answer({"ready": True, **ready})
    for line in lines:
        try:
            req = json.loads(line)
            samples, source = render(str(req["text"]), float(req.get("rate") or 200))
            clip = resampled(array.array("h", samples), source, RATE)
            write_wav(Path(req["path"]), Clip(scaled(clip, float(req.get("volume") or 1.0))))
            answer({"ok": True})
        except Exception as exc:  # the parent reports it and renders again, or gives up
            answer({"error": f"{type(exc).__name__}: {exc}"})
    return 0
