"""The natural voice: Piper (neural, offline), an optional second engine beside pyttsx3.

It sits behind the same render interface: the same worker protocol (one JSON line a phrase,
answered with a timeout), the same checked and trimmed 22050 Hz mono 16-bit WAV clips in the
same cache. So timing, export and every fallback are the same for both engines.

Chosen by the voice setting ``"piper:/path/to/voice.onnx"`` (its ``.onnx.json`` beside it).
Licences: piper-tts is GPL-3.0-or-later, so it is an optional extra
(``pip install 'knee-desktop[natural]'``) that this package never imports unless the user
chose a natural voice, and then only in the worker process. The voice file is the user's
own; the app downloads nothing (see docs/voice.md for where to get one and what to check).

Deterministic: Piper's VITS voices sample noise inside the model, and onnxruntime's seed
does not fix it (measured: three renders of "Five." with one seed gave three different
files). Rendering with ``noise_scale = noise_w = 0`` gives the model's mean voice, the same
bytes on every render, so the cache and the timing are stable.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

PREFIX = "piper:"
ENGINE_ENV = "KNEE_DESKTOP_RENDER_ENGINE"
MODEL_ENV = "KNEE_DESKTOP_PIPER_MODEL"
RATE = 22050
NORMAL_RATE = 170  # words a minute that Piper speaks at length_scale 1
INSTALL = ("pip install 'knee-desktop[natural]' (piper-tts, GPL-3.0-or-later), or choose "
           "the standard voice in Settings")


class NaturalVoiceUnavailable(RuntimeError):
    """The natural voice cannot be used: the message says what is missing."""


def model_of(voice: str | None) -> Path | None:
    """The Piper voice file a voice setting names, or None for a pyttsx3 voice."""
    if voice and voice.startswith(PREFIX):
        return Path(voice[len(PREFIX):]).expanduser()
    return None


def version(model: Path) -> str:
    """What the cache key needs: piper-tts's version and the voice's identity. Raises
    :class:`NaturalVoiceUnavailable` naming what is missing; imports nothing of Piper."""
    if importlib.util.find_spec("piper") is None:
        raise NaturalVoiceUnavailable(f"The natural voice needs piper-tts: {INSTALL}.")
    config = model.with_name(model.name + ".json")
    for path in (model, config):
        if not path.is_file():
            raise NaturalVoiceUnavailable(
                f"The natural voice file {path} was not found (Settings: Natural voice). "
                "Choose the .onnx file again, with its .onnx.json beside it.")
    digest = hashlib.sha256(config.read_bytes()).hexdigest()[:12]
    from importlib import metadata  # here, not at import: it costs ~40 ms of every launch

    return (f"piper-tts {metadata.version('piper-tts')}; {model.name} "
            f"{model.stat().st_size} bytes, config {digest}; noise 0")


def worker_env(model: Path) -> dict[str, str]:
    return {ENGINE_ENV: "piper", MODEL_ENV: str(model)}


def serve(lines: Iterable[str], answer: Callable[[dict[str, Any]], None]) -> int:
    """The worker loop for Piper (runs in the worker process, see render_worker)."""
    import json
    import wave

    try:
        import numpy as np  # comes with onnxruntime, which piper-tts needs
        from piper import PiperVoice, SynthesisConfig

        voice = PiperVoice.load(os.environ[MODEL_ENV])
    except Exception as exc:  # a broken install or voice file: the parent says so
        answer({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    answer({"ready": True, "engine": "piper"})
    for line in lines:
        try:
            req = json.loads(line)
            config = SynthesisConfig(length_scale=NORMAL_RATE / float(req.get("rate") or 170),
                                     noise_scale=0.0, noise_w_scale=0.0,
                                     volume=float(req.get("volume") or 1.0))
            chunks = [c.audio_int16_array for c in voice.synthesize(req["text"], config)]
            audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
            source = voice.config.sample_rate
            if source != RATE and len(audio):  # a 16 kHz voice: to the app's one rate
                n = round(len(audio) * RATE / source)
                audio = np.interp(np.arange(n) * source / RATE, np.arange(len(audio)),
                                  audio.astype(np.float64)).round().astype(np.int16)
            with wave.open(req["path"], "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(RATE)
                w.writeframes(audio.astype("<i2").tobytes())
            answer({"ok": True})
        except Exception as exc:
            answer({"error": f"{type(exc).__name__}: {exc}"})
    return 0
