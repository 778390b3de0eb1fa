"""Flite voices (``flite:<voice>``: slt, rms, awb, kal…), one ``flite`` run a phrase.

The text is one argument of ``flite -t`` (no shell, no parsing of it by anything but
flite's text front end). Flite speaks at 8 or 16 kHz: the worker resamples to 22050 Hz;
the rate is flite's ``duration_stretch``. Licence: CMU flite and its voices are BSD-style
(Debian main), clean for this MIT app.
"""

from __future__ import annotations

import array
import functools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from knee_desktop.speech import engine_base
from knee_desktop.speech.engine_base import Answer, EngineUnavailable, EngineVoice, serve_phrases

PREFIX = "flite:"
INSTALL = "sudo apt-get install flite"
NAME = re.compile(r"[a-z0-9_]+")
LICENCE = "CMU Flite and its voices: BSD-style licence (Debian main: flite)."
# words a minute at duration_stretch 1 (a 30-word sentence), and the name shown
KNOWN = {"slt": ("Flite: slt (US English, female)", 220),
         "rms": ("Flite: rms (US English, male)", 175),
         "awb": ("Flite: awb (Scottish English, male)", 190),
         "kal16": ("Flite: kal16 (US English, male, diphone)", 190)}
TIMEOUT = 8.0


@functools.lru_cache(maxsize=1)
def _listed() -> tuple[str, tuple[str, ...]]:
    exe = engine_base.program("flite", "Flite", INSTALL)
    ver = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10,
                         check=False).stdout
    found = re.search(r"flite-(\S+)", ver)
    out = subprocess.run([exe, "-lv"], capture_output=True, text=True, timeout=10,
                         check=False).stdout
    names = out.split(":", 1)[-1].split()
    return (found.group(1) if found else "unknown",
            tuple(n for n in names if NAME.fullmatch(n)))


def version(voice: str) -> str:
    name = voice[len(PREFIX):]
    ver, names = _listed()
    if name not in names:
        raise EngineUnavailable(f"Flite has no voice {name!r} (it has {', '.join(names)}).")
    return f"flite {ver}; {name}"


def installed() -> list[EngineVoice]:
    try:
        _ver, names = _listed()
    except (EngineUnavailable, OSError, subprocess.SubprocessError):
        return []
    return [EngineVoice(f"{PREFIX}{n}", KNOWN[n][0], ("en-us",), LICENCE)
            for n in names if n in KNOWN]


def serve(lines: Iterable[str], answer: Answer) -> int:
    """The worker loop (render_worker): one ``flite`` run a phrase (~20 ms to start)."""
    exe = shutil.which("flite")
    name = os.environ.get("KNEE_DESKTOP_RENDER_VOICE", "")[len(PREFIX):]
    if exe is None or not NAME.fullmatch(name):
        answer({"error": f"flite or its voice {name!r} is missing ({INSTALL})"})
        return 1
    wpm = KNOWN.get(name, ("", 190))[1]
    folder = Path(tempfile.mkdtemp(prefix="knee-flite-"))

    def render(text: str, rate: float) -> tuple[array.array[int], int]:
        out = folder / "phrase.wav"
        out.unlink(missing_ok=True)
        stretch = round(wpm / max(80.0, rate), 3)
        subprocess.run([exe, "-voice", name, "--setf", f"duration_stretch={stretch}",
                        "-t", text, "-o", str(out)], capture_output=True, timeout=TIMEOUT,
                       check=True)
        return engine_base.read_engine_wav(out)

    try:
        return serve_phrases(lines, answer, render, {"engine": "flite"})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
