"""Render every phrase of a session to a WAV cache, in a worker process, and load it.

Cache: ``cache_dir()/speech/<key>.wav``, the key a hash of the text, voice, rate, volume,
pyttsx3 version, espeak-ng version and :data:`CACHE_VERSION`; the stored clip is already
checked and trimmed, so a warm cache only reads files. Beside it, ``<key>.json`` holds what
was measured on the clip at render time: its vowel onset (:mod:`knee_desktop.speech.centre`).
A cold cache starts one worker process (:mod:`knee_desktop.speech.render_worker`) that
renders one phrase per ``runAndWait`` (or per request to festival, flite or a Piper voice
file: :mod:`knee_desktop.speech.engines`, chosen by the voice setting's prefix); every
answer has a timeout, so a hung or crashed engine is killed and reported, never waited on.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import select
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from knee_desktop.common import paths
from knee_desktop.common.app_command import render_worker_command
from knee_desktop.common.errors import quote
from knee_desktop.plan.lengths import SpokenLengths
from knee_desktop.speech import engines
from knee_desktop.speech.centre import METHOD as CENTRE_METHOD
from knee_desktop.speech.centre import vowel_onset
from knee_desktop.speech.clip import Clip, ClipError, check_clip, own_part, read_wav, write_wav

# (done, total): how rendering is getting on; the one progress report of the app (the
# terminal shows it with cli.run_cmd.RenderingProgress, the window with its progress bar).
Progress = Callable[[int, int], None]

ESPEAK_PACKAGE = "libespeak-ng1"
START_TIMEOUT = 15.0  # seconds for the worker to import pyttsx3 and start espeak
PHRASE_TIMEOUT = 10.0  # seconds for one phrase
RETRIES = 4  # renders of one phrase before giving up on it
# Bumped when what is stored with a clip changes (2: the vowel onset in <key>.json).
CACHE_VERSION = 2


class SpeechUnavailable(RuntimeError):
    """No speech engine: the message names what to install."""


@dataclass(frozen=True)
class VoiceSettings:
    voice: str | None = None  # an espeak voice id; None = the engine's default
    rate: int = 200  # words a minute
    volume: float = 1.0


def espeak_version() -> str:
    """The espeak-ng library's version, without starting a speech engine.

    Raises :class:`SpeechUnavailable` naming the package when the library is missing.
    """
    names = ["libespeak-ng.so.1", "libespeak.so.1"]
    override = os.environ.get("KNEE_DESKTOP_ESPEAK_LIB")  # tests: simulate a missing one
    if override is not None:
        names = [override]
    for name in names:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        info = lib.espeak_Info
        info.restype = ctypes.c_char_p
        info.argtypes = [ctypes.c_void_p]
        raw = info(None)
        return raw.decode("utf-8", "replace") if raw else "unknown"
    raise SpeechUnavailable(
        f"No speech engine: the espeak-ng library was not found. Install the package "
        f"{ESPEAK_PACKAGE} (for example: sudo apt-get install {ESPEAK_PACKAGE} espeak-ng-data)."
    )


def engine_version(settings: VoiceSettings | None = None) -> str:
    """What renders the clips, for the cache key; raises :class:`SpeechUnavailable` naming
    what to install when the engine (or the natural voice's file) is missing."""
    voice = settings.voice if settings else None
    engine = engines.engine_of(voice)
    if engine is not None and voice:
        try:
            return engine.version(voice)
        except (engines.EngineUnavailable, OSError, subprocess.SubprocessError) as exc:
            raise SpeechUnavailable(str(exc) if isinstance(exc, engines.EngineUnavailable)
                                    else f"The voice {voice} could not start ({exc}).") from exc
    from importlib import metadata  # here, not at import: it costs ~40 ms of every launch

    try:
        pyttsx3 = metadata.version("pyttsx3")
    except metadata.PackageNotFoundError as exc:
        raise SpeechUnavailable("No speech engine: the Python package pyttsx3 is not "
                                "installed (pip install pyttsx3).") from exc
    return f"pyttsx3 {pyttsx3}; espeak-ng {espeak_version()}"


def speech_dir() -> Path:
    return paths.cache_dir() / "speech"


def check_settings(text: str, reply: dict[str, Any], settings: VoiceSettings) -> None:
    """Refuse a phrase that pyttsx3's worker says was not spoken at the rate and volume asked
    for (it reads them back from espeak-ng: speech/espeak_settings.py): its clip would be
    stored under a cache key that names other settings, and a user's slow voice heard fast."""
    rate, volume = reply.get("rate"), reply.get("volume")
    if rate != settings.rate or not isinstance(volume, (int, float)) or abs(
            volume - settings.volume) > 0.006:
        raise ClipError(f"rendering {text!r}: the speech engine spoke at rate {rate} and "
                        f"volume {volume}, not the {settings.rate} and "
                        f"{settings.volume:g} asked for")


class Worker:
    """One speech worker process, answering one request at a time with a timeout."""

    reports_settings = False  # pyttsx3's worker answers with the rate and volume it used

    def __init__(self, engine_env: dict[str, str] | None = None) -> None:
        """``engine_env``: another engine's settings (speech/engines.py); None: pyttsx3."""
        self.reports_settings = engine_env is None
        self.proc = subprocess.Popen(
            render_worker_command(),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, bufsize=1, env={**os.environ, **(engine_env or {})})
        self._buf = ""
        hello = self._answer(START_TIMEOUT)
        if "error" in hello and engine_env:
            self.close()
            what = ("natural voice" if engine_env.get(engines.ENGINE_ENV) == "piper"
                    else f"voice {engine_env.get(engines.VOICE_ENV)}")
            raise SpeechUnavailable(f"The {what} could not start ({hello['error']}).")
        self.voices = tuple(str(v) for v in hello.get("voices") or ())  # () if unknown
        if "error" in hello:
            self.close()
            raise SpeechUnavailable(
                f"No speech engine: pyttsx3 could not start ({hello['error']}). Install the "
                f"package {ESPEAK_PACKAGE} (sudo apt-get install {ESPEAK_PACKAGE} "
                f"espeak-ng-data).")

    def render(self, text: str, path: Path, settings: VoiceSettings) -> dict[str, Any]:
        """Render ``text`` into ``path``; the worker's answer (ClipError if it failed)."""
        assert self.proc.stdin is not None
        req = {"text": text, "path": str(path), "voice": settings.voice,
               "rate": settings.rate, "volume": settings.volume}
        try:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise ClipError(f"the speech worker died ({self._stderr()})") from exc
        reply = self._answer(PHRASE_TIMEOUT)
        if "error" in reply:
            raise ClipError(f"rendering {text!r} failed: {reply['error']}")
        if self.reports_settings:
            check_settings(text, reply, settings)
        return reply

    def _answer(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while "\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise ClipError(f"the speech engine did not answer within {timeout:g} s "
                                "(hung); it was stopped")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536).decode("utf-8", "replace")
                if not chunk:
                    code = self.proc.wait()
                    raise ClipError(f"the speech engine crashed (exit {code}): "
                                    f"{self._stderr()}")
                self._buf += chunk
        line, self._buf = self._buf.split("\n", 1)
        answer: dict[str, Any] = json.loads(line)
        return answer

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def _stderr(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return "no details"
        return (self.proc.stderr.read() or "no details").strip()[-300:]

    def close(self) -> None:
        if self.proc.stdin:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()  # the worker's signal to finish
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


class SpeechCache:
    """Rendered, checked and trimmed clips of phrases, on disk and in memory."""

    def __init__(self, settings: VoiceSettings | None = None, folder: Path | None = None,
                 worker_factory: Callable[[], Worker] | None = None) -> None:
        self.settings = settings or VoiceSettings()
        self.folder = folder or speech_dir()
        # raises SpeechUnavailable first, before any work
        self.version = engine_version(self.settings)
        voice = self.settings.voice
        self.engine = engines.engine_of(voice)
        self._worker_factory = worker_factory or (
            (lambda: Worker(engines.worker_env(voice))) if self.engine and voice else Worker)
        self._clips: dict[str, Clip] = {}
        self._centres: dict[str, float] = {}
        self.rendered = 0  # phrases rendered (not from the cache) by the last prepare()
        self.retries = 0  # renders that came out broken and were done again

    def check_voice(self) -> str | None:
        """If the chosen voice is not installed: speak with the default voice instead and
        return the message that says so (espeak itself would fall back without a word)."""
        voice = self.settings.voice
        if not voice or self.engine is not None:
            return None  # another engine's voice was checked by engine_version
        worker = self._worker_factory()
        try:
            known = getattr(worker, "voices", ())
        finally:
            worker.close()
        if not known or voice in known:
            return None
        self.settings = replace(self.settings, voice=None)
        return (f"The voice {quote(voice)} chosen in Settings is not installed; the default "
                "voice speaks instead. Choose another voice in Settings (or see "
                "`knee-desktop voices`).")

    def key(self, text: str) -> str:
        s = self.settings
        ident = json.dumps([text, s.voice, s.rate, round(s.volume, 3), self.version,
                            CACHE_VERSION])
        return hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]

    def path(self, text: str) -> Path:
        return self.folder / f"{self.key(text)}.wav"

    def clip(self, text: str) -> Clip:
        return self._clips[text]

    def __contains__(self, text: str) -> bool:
        return text in self._clips

    def duration(self, text: str) -> float:
        return self._clips[text].seconds

    def centre(self, text: str) -> float:
        """Seconds from the clip's start to its vowel onset: where the beat is heard."""
        return self._centres[text]

    def lengths(self) -> SpokenLengths:
        """What the clips measure, for fitting a timeline to them (plan/fit.py): every
        phrase prepared so far, at this cache's rate."""
        return SpokenLengths({t: self.duration(t) for t in self._clips},
                             {t: self.centre(t) for t in self._centres},
                             rate=self.settings.rate)

    def _meta_path(self, text: str) -> Path:
        return self.folder / f"{self.key(text)}.json"

    def _load(self, text: str) -> None:
        """Read a cached clip and its measurements; a clip whose measurements are missing,
        unreadable or impossible (an onset outside the clip) is measured again (cheap),
        never used without them."""
        clip = read_wav(self.path(text))
        try:
            meta = json.loads(self._meta_path(text).read_text(encoding="utf-8"))
            onset = float(meta["vowel_onset"])
            if not 0.0 <= onset <= clip.seconds:  # nan, 1e308, negative: measured again
                raise ValueError(f"vowel onset {onset} outside the clip")
        except (OSError, ValueError, KeyError, TypeError):
            onset = self._store_meta(text, clip)
        self._clips[text] = clip
        self._centres[text] = onset

    def _store_meta(self, text: str, clip: Clip) -> float:
        onset = round(vowel_onset(clip.samples), 4)
        meta = {"text": text, "vowel_onset": onset, "method": CENTRE_METHOD}
        tmp = own_part(self._meta_path(text))
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        tmp.replace(self._meta_path(text))
        return onset

    def prepare(self, phrases: Sequence[str], progress: Progress | None = None) -> None:
        """Load every phrase from the cache, rendering the missing ones in one worker."""
        todo: list[str] = []
        unique = list(dict.fromkeys(phrases))
        for text in unique:
            if text in self._clips:
                continue
            try:
                self._load(text)
            except ClipError:
                todo.append(text)
        done = len(unique) - len(todo)
        if progress:
            progress(done, len(unique))
        self.rendered = 0
        if not todo:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        worker = self._worker_factory()
        try:
            for text in todo:
                clip = self._render_one(worker, text)
                self._centres[text] = self._store_meta(text, clip)
                self._clips[text] = clip
                self.rendered += 1
                done += 1
                if progress:
                    progress(done, len(unique))
        finally:
            worker.close()

    def _render_one(self, worker: Worker, text: str) -> Clip:
        """Render, check, trim and store one phrase.

        pyttsx3 2.99's espeak driver can write an empty WAV (seen here when rate and volume
        were set again before every phrase through pyttsx3), and a worker may answer that
        espeak spoke at another rate or volume (speech/espeak_settings.py): such a clip fails
        a check and is rendered again, a few times at most, never stored.
        """
        raw = own_part(self.folder / self.key(text), ".raw.wav")
        problem: ClipError | None = None
        for _attempt in range(RETRIES):
            try:
                worker.render(text, raw, self.settings)
                clip = read_wav(raw).trimmed()
                check_clip(text, clip)
            except ClipError as exc:
                problem = exc
                self.retries += 1
                if not worker.alive:
                    raise
                continue
            finally:
                raw.unlink(missing_ok=True)
            write_wav(self.path(text), clip)
            return clip
        assert problem is not None
        raise problem
