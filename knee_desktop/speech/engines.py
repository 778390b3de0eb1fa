"""The render engines besides pyttsx3, chosen by the voice setting's prefix.

``festival:<voice>`` (festival.py), ``flite:<voice>`` (flite.py) and ``piper:<file.onnx>``
(natural.py) all render in the same worker process protocol as pyttsx3 (one JSON line a
phrase, each answer with a timeout), into the same checked, trimmed 22050 Hz clips in the
same cache, measured the same way (the vowel onset); only what makes the sound differs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from knee_desktop.speech import festival, flite, natural
from knee_desktop.speech.engine_base import (
    ENGINE_ENV,
    VOICE_ENV,
    Answer,
    EngineUnavailable,
    EngineVoice,
    worker_env,
)

__all__ = ["ENGINE_ENV", "VOICE_ENV", "EngineUnavailable", "EngineVoice", "engine_of",
           "installed_voices", "serve_engine", "worker_env"]


class Engine(Protocol):
    PREFIX: str

    def version(self, voice: str) -> str: ...
    def installed(self) -> list[EngineVoice]: ...
    def serve(self, lines: Iterable[str], answer: Answer) -> int: ...


def _engines() -> list[Engine]:
    return [festival, flite, natural]  # the modules themselves are the Engines


def engine_of(voice: str | None) -> Engine | None:
    """The engine a voice setting names, or None for a pyttsx3 voice."""
    if not voice:
        return None
    return next((e for e in _engines() if voice.startswith(e.PREFIX)), None)


def installed_voices() -> list[EngineVoice]:
    """Every installed voice of every engine besides pyttsx3 (cheap: no engine started)."""
    return [v for e in _engines() for v in e.installed()]


def serve_engine(name: str, voice: str, lines: Iterable[str], answer: Answer) -> int:
    """The worker's loop for the engine ``name`` (runs in the render worker process)."""
    engine = next((e for e in _engines() if f"{name}:" == e.PREFIX), None)
    if engine is None or not voice.startswith(name + ":"):
        answer({"error": f"unknown engine {name!r}"})
        return 1
    return engine.serve(lines, answer)


