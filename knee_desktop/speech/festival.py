"""Festival voices (``festival:<voice>``), e.g. the HTS voice ``cmu_us_slt_arctic_hts``.

One ``festival --pipe`` process per render worker reads Scheme; every phrase becomes one
Scheme string literal (:func:`scheme_string`: backslash and quote escaped, control
characters made spaces), so routine text can never be read as code: a phrase like
``") (system "touch /tmp/x") ("`` is spoken, not run. The voice name is checked against
the installed voice folders' names before it is put into ``(voice_<name>)``.

Festival resamples to 22050 Hz itself (``utt.wave.resample``); the rate is festival's
``Duration_Stretch`` (an HTS voice: hts_engine's speed ``-r``). Licences: festival
(BSD-like, "Festival" licence), the HTS engine (modified BSD), the CMU ARCTIC slt data
(free for any use): all clean for this MIT app.
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

PREFIX = "festival:"
VOICE_DIRS = (Path("/usr/share/festival/voices"),)
INSTALL = "sudo apt-get install festival festvox-us-slt-hts"
DONE = "knee-desktop-done"
NAME = re.compile(r"[a-z0-9_]+")
# words a minute at Duration_Stretch 1 (measured on a 30-word sentence), and the licence
KNOWN = {
    "cmu_us_slt_arctic_hts": ("Festival HTS: slt (US English, female)", 200,
                              "Festival and HTS engine: BSD-style; CMU ARCTIC slt voice "
                              "data: free for any use (Debian main: festvox-us-slt-hts)."),
    "kal_diphone": ("Festival diphone: kal (US English, male)", 190,
                    "Festival: BSD-style; CSTR/OGI kal diphone voice: free to use and "
                    "redistribute (Debian main: festvox-kallpc16k)."),
}
DEFAULT_WPM = 190


def voice_name(voice: str) -> str:
    """The festival voice a setting names, checked to be a plain name (it goes into code)."""
    name = voice[len(PREFIX):] if voice.startswith(PREFIX) else voice
    if not NAME.fullmatch(name):
        raise EngineUnavailable(f"{name!r} is not a festival voice name (expected letters, "
                                "digits and _ only, e.g. cmu_us_slt_arctic_hts).")
    return name


def _voice_dirs() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root in VOICE_DIRS:
        for folder in sorted(root.glob("*/*")) if root.is_dir() else ():
            if folder.is_dir() and NAME.fullmatch(folder.name):
                found.setdefault(folder.name, folder)
    return found


@functools.lru_cache(maxsize=1)
def _festival_version() -> str:
    exe = engine_base.program("festival", "Festival", INSTALL)
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10,
                         check=False).stdout
    found = re.search(r"(\d+\.\d+(?:\.\d+)?)", out)
    return found.group(1) if found else "unknown"


def version(voice: str) -> str:
    name = voice_name(voice)
    festival = _festival_version()
    folder = _voice_dirs().get(name)
    if folder is None:
        raise EngineUnavailable(f"The festival voice {name} is not installed ({INSTALL}).")
    return f"festival {festival}; {name} {int(folder.stat().st_mtime)}"


def installed() -> list[EngineVoice]:
    if shutil.which("festival") is None:
        return []
    voices = []
    for name in _voice_dirs():
        title, _wpm, licence = KNOWN.get(name, (f"Festival: {name}", DEFAULT_WPM,
                                                "See the voice package's copyright file."))
        voices.append(EngineVoice(f"{PREFIX}{name}", title, ("en-us",), licence))
    return voices


def scheme_string(text: str) -> str:
    """``text`` as one Scheme string literal: nothing in it can end the string."""
    plain = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text)
    return '"' + plain.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Festival:
    """A ``festival --pipe`` process: one phrase at a time, written to a WAV file."""

    def __init__(self, name: str) -> None:
        exe = engine_base.program("festival", "Festival", INSTALL)
        self.name = name
        self.wpm = KNOWN.get(name, ("", DEFAULT_WPM, ""))[1]
        self.proc = subprocess.Popen([exe, "--pipe"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, bufsize=1)
        self._send(f"(voice_{name})\n(set! knee_hts_base hts_engine_params)")
        self._stretch = 0.0
        self.folder = Path(tempfile.mkdtemp(prefix="knee-festival-"))

    def _send(self, code: str) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{code}\n(print (quote {DONE}))\n(fflush nil)\n")
        self.proc.stdin.flush()
        for line in self.proc.stdout:
            if DONE in line:
                return
        raise RuntimeError(f"festival stopped (exit {self.proc.wait()})")

    def render(self, text: str, rate: float) -> tuple[array.array[int], int]:
        stretch = round(self.wpm / max(80.0, rate), 3)
        if stretch != self._stretch:  # HTS voices: hts_engine's -r (speed); others: stretch
            self._send(f"(Parameter.set 'Duration_Stretch {stretch})\n"
                       f"(set! hts_engine_params (append knee_hts_base "
                       f"(list (list \"-r\" {round(1 / stretch, 3)}))))")
            self._stretch = stretch
        out = self.folder / "phrase.wav"
        out.unlink(missing_ok=True)
        self._send(f"(set! knee_utt (utt.synth (Utterance Text {scheme_string(text)})))\n"
                   f"(utt.wave.resample knee_utt 22050)\n"
                   f"(utt.save.wave knee_utt {scheme_string(str(out))} 'riff)")
        if not out.is_file():
            raise RuntimeError("festival wrote no sound")
        return engine_base.read_engine_wav(out)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def serve(lines: Iterable[str], answer: Answer) -> int:
    """The worker loop (render_worker): one festival process for every phrase."""
    try:
        engine = Festival(voice_name(os.environ.get("KNEE_DESKTOP_RENDER_VOICE", "")))
    except (EngineUnavailable, OSError, RuntimeError) as exc:
        answer({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    try:
        return serve_phrases(lines, answer, engine.render, {"engine": "festival"})
    finally:
        engine.close()
