"""Voice, rate and volume for pyttsx3's espeak-ng engine, applied before a phrase and checked.

Runs in the render worker (:mod:`knee_desktop.speech.render_worker`), after ``pyttsx3.init()``.

Why not ``engine.setProperty``: pyttsx3 2.99 starts espeak-ng asynchronously
(AUDIO_OUTPUT_RETRIEVAL), so a rate or volume is a command in espeak's queue, run later by
its own thread. And every ``runAndWait`` first calls the driver's ``stop()``, which calls
``espeak_Cancel()`` whenever that thread is still busy. espeak-ng 1.51 then drops the command
its thread takes next (``fifo.c``: a command popped while a stop is required is deleted
unrun). When that command is the new rate (its thread was slow to take it, under load, or
still busy with the previous phrase), the phrase and every later one of that worker are
spoken at the old rate, without a word: a user's slow voice, fast.

So parameters are set here straight through the library pyttsx3 loaded, then the worker
waits until espeak's queue is empty (nothing left for a cancel to drop) and reads back what
espeak holds (``espeak_GetParameter(p, 1)``), setting it again if it differs; the worker
reports what it read, and the parent stores no clip whose rate or volume is not the one its
cache key names (:meth:`knee_desktop.speech.render.Worker.render`).
"""

from __future__ import annotations

import ctypes
import time
from typing import Any

IDLE_TIMEOUT = 8.0  # seconds for espeak's queue to empty (the parent's own limit is 10 s)
POLL = 0.001  # espeak_Synchronize polls every 20 ms; a phrase takes a few ms
ATTEMPTS = 3  # sets of a parameter that espeak did not take before giving up


class SettingsNotApplied(RuntimeError):
    """espeak-ng does not hold the parameter it was given."""


def volume_percent(volume: float) -> int:
    """espeak's volume (0-200, 100 = normal) for a volume setting (1.0 = normal)."""
    return round(volume * 100)


class EspeakSettings:
    """The parameters of the one espeak-ng instance of this process."""

    def __init__(self) -> None:
        from pyttsx3.drivers import _espeak  # the library pyttsx3 initialised
        from pyttsx3.drivers.espeak import EspeakDriver

        dll = _espeak.dll
        # pyttsx3's own GetParameter passes no ``current`` argument (whatever the register
        # holds): current=0 is the default value, not the one in force.
        self._get = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_int)(
            ("espeak_GetParameter", dll))
        self._set = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int)(
            ("espeak_SetParameter", dll))
        self._playing = ctypes.CFUNCTYPE(ctypes.c_int)(("espeak_IsPlaying", dll))
        self._set_voice = EspeakDriver.setProperty  # synchronous: espeak does not queue it
        self.rate_id, self.volume_id = int(_espeak.RATE), int(_espeak.VOLUME)
        self.voice: str | None = None  # the last voice set here (None: espeak's default)
        self.reapplied = 0  # parameters espeak had not taken and were set again

    def idle(self, timeout: float = IDLE_TIMEOUT) -> None:
        """Wait until espeak's thread has run every queued command (parameters, phrases)."""
        deadline = time.monotonic() + timeout
        while self._playing():
            if time.monotonic() > deadline:
                raise SettingsNotApplied(f"espeak-ng stayed busy for {timeout:g} s")
            time.sleep(POLL)

    def current(self) -> tuple[int, int]:
        """The rate and volume in force (what the next phrase is spoken with)."""
        return self._get(self.rate_id, 1), self._get(self.volume_id, 1)

    def apply(self, req: dict[str, Any]) -> dict[str, Any]:
        """Make espeak hold the request's voice, rate and volume before its phrase is queued;
        returns them as espeak holds them (``rate`` in words a minute, ``volume`` 1.0 =
        normal) for the answer."""
        self.idle()  # the previous phrase's commands are done: a voice change is not queued
        voice = req.get("voice")
        changed = voice is not None and voice != self.voice
        if changed:
            self._set_voice("voice", voice)
            self.voice = voice
        wanted = {self.rate_id: req.get("rate"), self.volume_id: (
            None if req.get("volume") is None else volume_percent(float(req["volume"])))}
        for param, value in wanted.items():
            if value is not None:
                self._settle(param, int(value), force=changed and param == self.rate_id)
        return self.report()

    def report(self) -> dict[str, Any]:
        rate, volume = self.current()
        return {"rate": rate, "volume": volume / 100, "reapplied": self.reapplied}

    def _settle(self, param: int, value: int, force: bool) -> None:
        """Set ``param`` unless espeak holds ``value`` already (``force``: again anyway,
        after a voice change), wait for espeak's thread to run it and check."""
        held = self._get(param, 1)
        if held == value and not force:
            return
        for attempt in range(ATTEMPTS):
            if attempt:
                self.reapplied += 1
            code = self._set(param, value, 0)
            if code != 0:  # EE_OK; EE_BUFFER_FULL = 1, EE_INTERNAL_ERROR = -1
                raise SettingsNotApplied(f"espeak_SetParameter({param}, {value}) = {code}")
            self.idle()
            held = self._get(param, 1)
            if held == value:
                return
        raise SettingsNotApplied(f"espeak-ng holds {held} for parameter {param}, not the "
                                 f"{value} set {ATTEMPTS} times")
