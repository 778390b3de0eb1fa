"""The natural voice: a Piper voice file (neural, offline), spoken by the app's own runtime.

It sits behind the same render interface as every engine (speech/engines.py): the same
worker protocol, the same checked and trimmed 22050 Hz clips in the same cache. The runtime
is piper_runtime.py (onnxruntime + the voice's .onnx.json + espeak-ng phonemes): no GPL
Python package; ``pip install 'knee-desktop[natural]'`` adds only onnxruntime (MIT) and
numpy (BSD).

Chosen by the voice setting ``"piper:/path/to/voice.onnx"`` (its ``.onnx.json`` beside
it). Voice files are the user's own, found in the usual places (:data:`VOICE_DIRS`) or
chosen in Settings; the app downloads nothing. Each voice's MODEL_CARD licence lines are
shown before it is used (:func:`licence_lines`).

Deterministic: Piper's VITS voices sample noise inside the model, and onnxruntime's seed
does not fix it (measured: three renders of "Five." with one seed gave three different
files). Rendering with ``noise_scale = noise_w = 0`` gives the model's mean voice, the same
bytes on every render, so the cache and the timing are stable.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Iterable
from pathlib import Path

from knee_desktop.speech.engine_base import Answer, EngineUnavailable, EngineVoice, serve_phrases

PREFIX = "piper:"
NORMAL_RATE = 170  # words a minute that Piper speaks at length_scale 1
INSTALL = ("pip install 'knee-desktop[natural]' (onnxruntime, MIT), or choose another "
           "voice in Settings")
DIRS_ENV = "KNEE_DESKTOP_PIPER_DIRS"  # os.pathsep-separated; replaces VOICE_DIRS (tests)


def voice_dirs() -> list[Path]:
    """Where Piper voices usually are: the user's and speech-dispatcher's Piper folders."""
    override = os.environ.get(DIRS_ENV)
    if override is not None:
        return [Path(p) for p in override.split(os.pathsep) if p]
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share")
    system = [Path(p) for p in (os.environ.get("XDG_DATA_DIRS")
                                or "/usr/local/share:/usr/share").split(":") if p]
    return [data / "piper-voices", data / "piper" / "voices",
            *(d / "piper-voices" for d in system),
            *(d / "speech-dispatcher" / "piper" for d in system)]


def model_of(voice: str | None) -> Path | None:
    """The Piper voice file a voice setting names, or None for another engine's voice."""
    if voice and voice.startswith(PREFIX):
        return Path(voice[len(PREFIX):]).expanduser()
    return None


def model_card(model: Path) -> Path | None:
    """The voice's MODEL_CARD: ``<name>.onnx.MODEL_CARD``, ``MODEL_CARD`` or
    ``<name>.MODEL_CARD`` beside it (how Piper's voice lists ship it)."""
    for name in (model.name + ".MODEL_CARD", "MODEL_CARD", model.stem + ".MODEL_CARD"):
        card = model.with_name(name)
        if card.is_file():
            return card
    return None


def licence_lines(model: Path) -> str:
    """What the user must read before using the voice: the MODEL_CARD's licence, dataset
    and fine-tuning lines, or that there is no card."""
    card = model_card(model)
    if card is None:
        return ("No MODEL_CARD beside this voice file: its licence is unknown. Check where "
                "it came from before using it.")
    try:
        lines = card.read_text(encoding="utf-8", errors="replace").splitlines()[:200]
    except OSError:
        return "Its MODEL_CARD could not be read."
    keep = [ln.strip(" *#-\t") for ln in lines
            if any(k in ln.lower() for k in ("licen", "finetuned", "fine-tuned", "url:"))]
    return "; ".join(k for k in keep if k)[:400] or "Its MODEL_CARD names no licence."


def version(voice: str) -> str:
    """What the cache key needs: the runtime and the voice's identity. Raises
    :class:`EngineUnavailable` naming what is missing; imports nothing heavy."""
    model = model_of(voice)
    assert model is not None
    if importlib.util.find_spec("onnxruntime") is None:
        raise EngineUnavailable(f"The natural voice needs onnxruntime: {INSTALL}.")
    config = model.with_name(model.name + ".json")
    for path in (model, config):
        if not path.is_file():
            raise EngineUnavailable(
                f"The natural voice file {path} was not found (Settings: Natural voice). "
                "Choose the .onnx file again, with its .onnx.json beside it.")
    from importlib import metadata

    digest = hashlib.sha256(config.read_bytes()).hexdigest()[:12]
    return (f"knee piper runtime 1; onnxruntime {metadata.version('onnxruntime')}; "
            f"{model.name} {model.stat().st_size} bytes, config {digest}; noise 0")


def installed() -> list[EngineVoice]:
    """The Piper voices in :func:`voice_dirs` (``*.onnx`` with their ``.onnx.json``)."""
    if importlib.util.find_spec("onnxruntime") is None:
        return []
    found: dict[Path, EngineVoice] = {}
    for folder in voice_dirs():
        try:
            models = sorted(folder.rglob("*.onnx")) if folder.is_dir() else []
        except OSError:
            continue
        for model in models[:200]:
            if model.with_name(model.name + ".json").is_file():
                lang = model.name.split("-")[0].replace("_", "-").lower()
                found.setdefault(model, EngineVoice(f"{PREFIX}{model}",
                                                    f"Piper: {model.stem}", (lang,),
                                                    licence_lines(model)))
    return list(found.values())


def serve(lines: Iterable[str], answer: Answer) -> int:
    """The worker loop for Piper (runs in the worker process, see render_worker)."""
    try:
        from knee_desktop.speech.piper_runtime import PiperVoice

        model = model_of(os.environ.get("KNEE_DESKTOP_RENDER_VOICE"))
        if model is None:
            raise EngineUnavailable("no voice file named")
        voice = PiperVoice(model)
    except Exception as exc:  # a broken install or voice file: the parent says so
        answer({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    return serve_phrases(
        lines, answer,
        lambda text, rate: (voice.synthesize(text, NORMAL_RATE / rate), voice.rate),
        {"engine": "piper"})
