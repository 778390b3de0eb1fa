"""The speech engines a benchmark can compare, and the settings file that chooses one.

``pyttsx3``: the default (espeak-ng). ``piper``: the natural voice, when piper-tts is
installed and a voice file is named by ``KNEE_DESKTOP_PIPER_VOICE`` (a ``.onnx`` with its
``.onnx.json`` beside it) or ``--piper-voice``; nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

VOICE_ENV = "KNEE_DESKTOP_PIPER_VOICE"


def piper_voice() -> Path | None:
    value = os.environ.get(VOICE_ENV)
    return Path(value) if value else None


def available_engines() -> list[str]:
    engines = ["pyttsx3"]
    voice = piper_voice()
    if importlib.util.find_spec("piper") is not None and voice is not None and voice.is_file():
        engines.append("piper")
    return engines


def voice_setting(engine: str) -> str:
    """The ``voice`` setting that chooses ``engine``."""
    if engine == "pyttsx3":
        return ""
    voice = piper_voice()
    if engine != "piper" or voice is None:
        raise SystemExit(f"unknown engine {engine!r}, or no voice file: set {VOICE_ENV}")
    return f"piper:{voice}"


def settings_for(engine: str, path: Path) -> None:
    """Write a settings file with the default settings and ``engine``'s voice."""
    from knee_desktop.prefs import user_settings

    user_settings.save(user_settings.UserSettings(voice=voice_setting(engine)), path)
