"""Measure the output latency at run time: a loopback through the output's monitor.

The timing model of :mod:`knee_desktop.runtime.audio_output` knows when the sound server
*took* each frame; how long the server then holds it before it is played (its stream
buffer and the sink) differs between servers and their settings: PulseAudio and
pipewire-pulse negotiate different buffers for the same request. So when the output opens,
three quiet ticks are placed on the stream and heard back on the sink's monitor (a
PulseAudio or pipewire-pulse sink has one, ``<sink>.monitor``; recorded through
libpulse-simple, as Qt lists no monitors):

    latency = when the tick was rendered by the sink - when the model says it was taken

When the monitor's data was rendered is found as in ``bench/pulse_lab.py``: each chunk
arrives a little after its last sample was rendered, never before, so the lowest
``arrival - samples so far / RATE`` over many chunks bounds the recording's start tightly.
The monitor shows the sink's mix, not what the device adds after it (a sound card's own
buffer): that part, when there is one, is not measured.

No monitor (another audio stack), a muted sink or ticks not found: ``None``, and the
caller keeps its built-in value and says so in the log.
"""

from __future__ import annotations

import array
import ctypes
import ctypes.util
import logging
import math
import statistics
import sys
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtMultimedia import QAudioDevice

from knee_desktop.session.clock import Clock
from knee_desktop.speech.clip import RATE, Clip

if TYPE_CHECKING:
    from knee_desktop.runtime.audio_output import AudioOutput

log = logging.getLogger(__name__)

TICKS = 3
TICK_LEVEL = 250  # about -42 dBFS: barely audible, under the level speech is found at
DETECT_LEVEL = 100
AGREE = 0.002  # the ticks must agree this well, or something else was heard
ROUNDS = 4
ROUND_GAP = 0.6
TICK_GAP = 0.15
ALIGN_SECONDS = 0.4  # recording before the first tick, to find when its samples were made
SEARCH = (-0.03, 0.4)  # where a tick may be heard, around the model's "taken" time


def tick_clip() -> Clip:
    """3 ms of 2 kHz, fading in and out: short and soft, easy to find on the monitor
    (where a null sink is digital silence, and a desktop's is usually quiet)."""
    n = round(0.003 * RATE)
    samples = array.array("h", (round(TICK_LEVEL * math.sin(2 * math.pi * 2000 * i / RATE)
                                      * math.sin(math.pi * (i + 0.5) / n)) for i in range(n)))
    samples[0] = TICK_LEVEL  # the very first sample is loud enough to be found
    return Clip(samples)


class MonitorCapture:
    """Records ``<sink>.monitor`` with libpulse-simple in a thread, stamping each chunk.

    Not a QAudioSource: Qt lists no monitor sources. libpulse-simple ships with the
    libpulse that QtMultimedia's PulseAudio backend loads, and speaks to pipewire-pulse too.
    """

    def __init__(self, sink: str, clock: Clock) -> None:
        self.clock = clock
        self.chunks: list[bytes] = []
        self.stamps: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._error = ""
        self._lib = ctypes.CDLL(ctypes.util.find_library("pulse-simple") or
                                "libpulse-simple.so.0")
        self._lib.pa_simple_new.restype = ctypes.c_void_p
        self._lib.pa_simple_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int,
                                            ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p,
                                            ctypes.c_void_p, ctypes.c_void_p,
                                            ctypes.POINTER(ctypes.c_int)]
        self._lib.pa_simple_read.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                             ctypes.POINTER(ctypes.c_int)]
        self._lib.pa_simple_free.argtypes = [ctypes.c_void_p]
        spec = _SampleSpec(3, RATE, 1)  # PA_SAMPLE_S16LE, mono
        chunk = 2 * round(0.002 * RATE)  # 2 ms fragments: a tight bound on render times
        attr = _BufferAttr(0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, chunk)
        err = ctypes.c_int(0)
        self._handle = self._lib.pa_simple_new(
            None, b"knee-desktop", 2, f"{sink}.monitor".encode(), b"output latency check",
            ctypes.byref(spec), None, ctypes.byref(attr), ctypes.byref(err))
        if not self._handle:
            raise OSError(f"cannot record {sink}.monitor (pulse error {err.value})")
        self._chunk = chunk
        self._thread = threading.Thread(target=self._run, name="latency-monitor", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        buf = ctypes.create_string_buffer(self._chunk)
        err = ctypes.c_int(0)
        total = 0
        while not self._stop.is_set():
            if self._lib.pa_simple_read(self._handle, buf, self._chunk, ctypes.byref(err)) < 0:
                self._error = f"pulse error {err.value}"
                return
            now = self.clock.now()
            total += self._chunk // 2
            self.chunks.append(buf.raw)
            self.stamps.append((now, total))

    def stop(self) -> array.array[int]:
        self._stop.set()
        self._thread.join(timeout=2)
        if not self._thread.is_alive():
            self._lib.pa_simple_free(self._handle)
        samples = array.array("h")
        samples.frombytes(b"".join(self.chunks))
        if sys.byteorder != "little":
            samples.byteswap()
        return samples


class _SampleSpec(ctypes.Structure):
    _fields_ = [("format", ctypes.c_int), ("rate", ctypes.c_uint32),
                ("channels", ctypes.c_uint8)]


class _BufferAttr(ctypes.Structure):
    _fields_ = [("maxlength", ctypes.c_uint32), ("tlength", ctypes.c_uint32),
                ("prebuf", ctypes.c_uint32), ("minreq", ctypes.c_uint32),
                ("fragsize", ctypes.c_uint32)]


def measure(output: AudioOutput, device: QAudioDevice) -> tuple[float | None, str]:
    """``(latency in seconds, how)``, or ``(None, why not)``."""
    sink = bytes(device.id().data()).decode(errors="replace")
    try:
        capture = MonitorCapture(sink, output.clock)
    except OSError as exc:
        return None, f"the output's monitor cannot be recorded: {exc}"
    loop = QEventLoop()
    rounds: list[list[float]] = [[] for _ in range(ROUNDS)]  # when each tick was taken

    def place(r: int) -> None:
        for k in range(TICKS):
            at = output.clock.now() + output.lookahead + k * TICK_GAP
            where = output.schedule(tick_clip(), at)
            base = output.base()
            if where is not None and base is not None:
                rounds[r].append(base + where.frame / RATE)
        if r == ROUNDS - 1:
            QTimer.singleShot(round((output.lookahead + TICKS * TICK_GAP + SEARCH[1]) * 1000),
                              loop.quit)

    for r in range(ROUNDS):
        QTimer.singleShot(round((ALIGN_SECONDS + r * ROUND_GAP) * 1000),
                          lambda r=r: place(r))
    loop.exec()
    samples = capture.stop()
    stamps = capture.stamps
    if any(len(placed) < TICKS for placed in rounds) or len(stamps) < 10:
        return None, f"the monitor recorded too little {capture._error}".strip()
    t0 = min(t - n / RATE for t, n in stamps)
    heard: list[float] = []  # per round whose ticks agree (another sound spoils a round)
    for placed in rounds:
        found = []
        for taken in placed:
            lo = max(0, round((taken + SEARCH[0] - t0) * RATE))
            hi = min(len(samples), round((taken + SEARCH[1] - t0) * RATE))
            hit = next((i for i in range(lo, hi) if abs(samples[i]) >= DETECT_LEVEL), None)
            if hit is not None:
                found.append(t0 + hit / RATE - taken)
        if len(found) >= 2 and max(found) - min(found) <= AGREE:
            heard.append(statistics.median(found))
    words = ", ".join(f"{x * 1000:.1f}" for x in heard)
    if not heard:  # one clear round will do: its three ticks agreed within 2 ms
        return None, (f"the ticks were not heard back clearly on the monitor "
                      f"({len(heard)} of {ROUNDS} rounds: {words or '-'} ms)")
    # Measured: a new stream's latency falls for its first ~3 s (PulseAudio 16: 42.6 ->
    # 34.4 ms; pipewire-pulse: 54.2 -> 43.5 ms; the latter values are what the cue
    # benchmark finds for a whole session), so the last round counts.
    return heard[-1], (f"measured at open: {ROUNDS} rounds of {TICKS} ticks heard back on "
                       f"{sink}.monitor: {words} ms")
