"""A private PulseAudio server with a null sink, a recorder of its monitor aligned to
``time.monotonic()``, and an onset detector: the lab bench of the audio tests and of
``bench/cue_timing.py``.

Alignment. The null sink plays on the system's monotonic clock (PulseAudio's rtclock), so
sample ``n`` of the monitor recording was rendered at ``t0 + n / rate`` for one unknown
``t0``. ``parec`` hands us the recording in small fragments; each fragment arrives (we
stamp it with ``time.monotonic()``) a little *after* its last sample was rendered, never
before. So ``arrival - n_end / rate`` is an upper bound of ``t0`` for every fragment, and
its minimum over thousands of fragments is a tight estimate (the spread above it is the
delivery delay, reported as ``align_spread``). Nothing needs a marker sound whose own
latency would be unknown.
"""

from __future__ import annotations

import array
import bisect
import gc
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

RATE = 22050


class PulseUnavailable(RuntimeError):
    pass


@dataclass
class PrivatePulse:
    """``pulseaudio`` on its own runtime dir with null sinks; stopped by its pid."""

    sinks: tuple[str, ...] = ("test",)
    runtime: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="knee-pa-")))
    pid: int | None = None

    @property
    def server(self) -> str:
        return f"unix:{self.runtime}/pulse/native"

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        env.update(XDG_RUNTIME_DIR=str(self.runtime), PULSE_SERVER=self.server,
                   PULSE_SINK=self.sinks[0])
        env.pop("PULSE_COOKIE", None)
        return env

    def start(self) -> PrivatePulse:
        exe = shutil.which("pulseaudio")
        if exe is None:
            raise PulseUnavailable("pulseaudio is not installed (apt-get install pulseaudio)")
        self.runtime.chmod(0o700)
        args = [exe, "-n", "--daemonize=yes", "--exit-idle-time=-1", "--use-pid-file=yes",
                "--disallow-exit", f"--log-target=file:{self.runtime}/pulse.log",
                "--load=module-native-protocol-unix"]
        args += [f"--load=module-null-sink sink_name={name} rate={RATE}" for name in self.sinks]
        env = self.env()
        env["HOME"] = str(self.runtime)  # its cookie and state stay in the private dir
        proc = subprocess.run(args, env=env, cwd=self.runtime, capture_output=True, text=True,
                              timeout=20, check=False)
        pidfile = self.runtime / "pulse" / "pid"
        if proc.returncode != 0 or not pidfile.exists():
            raise PulseUnavailable(f"pulseaudio did not start: {proc.stderr.strip()}")
        self.pid = int(pidfile.read_text().split()[0])
        return self

    def stop(self) -> None:
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                pause = threading.Event()
                for _ in range(200):
                    os.kill(self.pid, 0)
                    pause.wait(0.01)
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.pid = None
        shutil.rmtree(self.runtime, ignore_errors=True)


@contextmanager
def private_pulse(*sinks: str) -> Iterator[PrivatePulse]:
    pulse = PrivatePulse(sinks or ("test",)).start()
    try:
        yield pulse
    finally:
        pulse.stop()


def default_fragment_ms(server: PrivatePulse) -> int:
    """The recorder's fragment: 2 ms on PulseAudio (tight alignment). On PipeWire a
    recorder asking for 2 ms pulls the whole graph down to 256/48000 (5.3 ms cycles, the
    app asks for 11.6 ms): the latency measured is then not the one a desktop has, and a
    busy machine misses twice as many cycles (bench/recorder_check.py: median -3.8 ms and
    23 ms outliers with parec at 2 ms, +2.2 ms and none at 50 ms, same machine). 20 ms
    leaves the graph at the app's own quantum."""
    return 20 if getattr(server, "kind", "") == "pipewire" else 2


class MonitorRecorder:
    """``parec`` on a sink's monitor, read in a thread that stamps every fragment."""

    def __init__(self, pulse: PrivatePulse, sink: str | None = None,
                 fragment_ms: int | None = None) -> None:
        self.pulse = pulse
        self.sink = sink or pulse.sinks[0]
        self.fragment_ms = fragment_ms or default_fragment_ms(pulse)
        self._chunks: list[bytes] = []
        self._stamps: list[tuple[float, int]] = []  # (arrival, bytes received so far)
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._first = threading.Event()

    def start(self) -> MonitorRecorder:
        # Collect now, on the caller's (GUI) thread: a collection that runs later in the
        # reader thread must not find Qt objects in cycles; Qt objects die on their thread.
        gc.collect()
        self._proc = subprocess.Popen(
            self.command(), env=self.pulse.env(), stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, bufsize=0)
        self._thread = threading.Thread(target=self._read, name="parec-reader", daemon=True)
        self._thread.start()
        if not self._first.wait(10):
            self.stop()
            raise PulseUnavailable("parec recorded nothing")
        return self

    def command(self) -> list[str]:
        """The recorder: raw s16le mono at RATE on stdout."""
        return ["parec", "-d", f"{self.sink}.monitor", "--raw", "--format=s16le",
                f"--rate={RATE}", "--channels=1", f"--latency-msec={self.fragment_ms}",
                "--process-time-msec=1"]

    def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        total = 0
        while True:
            data = os.read(fd, 65536)
            now = time.monotonic()
            if not data:
                return
            total += len(data)
            self._chunks.append(data)
            self._stamps.append((now, total))
            self._first.set()

    def stop(self) -> Recording:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._proc is not None and self._proc.stdout is not None:
            self._proc.stdout.close()
        raw = b"".join(self._chunks)
        samples = array.array("h")
        samples.frombytes(raw[: len(raw) - len(raw) % 2])
        stamps = [(t, b // 2) for t, b in self._stamps]
        if getattr(self.pulse, "clock_steps", False):
            offsets = steps(stamps)
            return Recording(samples, 0.0, _spread(stamps, offsets), 0.0, offsets)
        t0, spr, ppm = align(stamps)
        return Recording(samples, t0, spr, ppm)


def align(stamps: list[tuple[float, int]], window: float = 2.0) -> tuple[float, float, float]:
    """Fit ``T(n) = t0 + n / (RATE * (1 + ppm / 1e6))`` under the arrival stamps.

    Returns ``(t0, spread, ppm)``. The sink's sample clock is not exactly the monotonic
    clock (PulseAudio's null sink runs ~100 ppm fast here: it rounds each block to whole
    microseconds), so the rate is fitted too: the minimum of ``arrival - n / RATE`` in
    each ``window`` seconds, then a least-squares line through those minima.
    """
    settled = [s for s in stamps if s[0] > stamps[0][0] + 0.5] or stamps
    start = settled[0][0]
    minima: dict[int, tuple[float, int]] = {}
    for t, n in settled:
        key = int((t - start) // window)
        v = t - n / RATE
        if key not in minima or v < minima[key][0] - minima[key][1] / RATE:
            minima[key] = (t, n)
    pts = [(n, t) for t, n in minima.values()]
    if len(pts) < 3:
        t0 = min(t - n / RATE for t, n in settled)
        return t0, 0.0, 0.0
    k, t0 = _line(pts)
    # A window whose minimum sits well above the line (the sound server reconfigured its
    # graph, as PipeWire does when a stream joins or leaves) must not tilt it: refit
    # without those.
    inliers = [(n, t) for n, t in pts if t - (t0 + k * n) < 0.001]
    if len(inliers) >= 3 and len(inliers) < len(pts):
        k, t0 = _line(inliers)
    t0 += min(t - (t0 + k * n) for n, t in pts)  # under every window's minimum
    residual = sorted(t - (t0 + k * n) for t, n in settled)
    ppm = (1 / (k * RATE) - 1) * 1e6
    return t0, residual[len(residual) // 2], ppm


def steps(stamps: list[tuple[float, int]], window: float = 0.5) -> list[tuple[int, float]]:
    """The recording's timeline as steps: ``(first sample, time of sample 0 for it)`` for
    each ``window`` of arrivals, for a sink whose clock *is* the monotonic clock but skips.

    PipeWire's null sink runs on a monotonic timer (no rate to fit), but on a busy machine
    a graph cycle is sometimes lost: a whole quantum (5.3 ms here) goes missing from the
    recording, and everything after it was rendered that much later. So each window gets
    its own ``t0``: the lowest ``arrival - n / RATE`` in it or in any later window (a
    sample is never rendered after a later sample arrived, and steps only go forward),
    which also keeps a window where delivery stalled throughout from counting its delay.
    """
    if not stamps:
        return []
    out: list[tuple[int, float]] = []
    start, first, lowest = stamps[0][0], 0, float("inf")
    prev_n = 0
    for t, n in stamps:
        if t - start >= window:
            out.append((first, lowest))
            start, first, lowest = t, prev_n, float("inf")
        lowest = min(lowest, t - n / RATE)
        prev_n = n
    out.append((first, lowest))
    for k in range(len(out) - 2, -1, -1):
        out[k] = (out[k][0], min(out[k][1], out[k + 1][1]))
    return out


def _spread(stamps: list[tuple[float, int]], offsets: list[tuple[int, float]]) -> float:
    """Median delivery delay above the stepped timeline."""
    rec = Recording(array.array("h"), 0.0, 0.0, 0.0, offsets)
    delays = sorted(t - rec.time_of(n) for t, n in stamps)
    return delays[len(delays) // 2] if delays else 0.0


def _line(pts: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares ``t = t0 + k * n``: returns ``(k, t0)``."""
    mean_n = sum(n for n, _ in pts) / len(pts)
    mean_t = sum(t for _, t in pts) / len(pts)
    var = sum((n - mean_n) ** 2 for n, _ in pts)
    k = sum((n - mean_n) * (t - mean_t) for n, t in pts) / var  # seconds per sample
    return k, mean_t - k * mean_n


@dataclass
class Recording:
    samples: array.array[int]
    t0: float  # time.monotonic() at which sample 0 was rendered by the sink
    align_spread: float  # median delivery delay above the fit: how loose the alignment is
    ppm: float = 0.0  # how much faster the sink's sample clock runs than time.monotonic()
    # (first sample, t0 from there on) for a stepped timeline (see :func:`steps`)
    offsets: list[tuple[int, float]] = field(default_factory=list)

    def _offset(self, index: float) -> float:
        if not self.offsets:
            return 0.0
        at = bisect.bisect_right(self.offsets, (index, float("inf"))) - 1
        return self.offsets[max(at, 0)][1]

    def time_of(self, index: float) -> float:
        return self.t0 + index / (RATE * (1 + self.ppm / 1e6)) + self._offset(index)

    def index_of(self, t: float) -> int:
        scale = RATE * (1 + self.ppm / 1e6)
        i = round((t - self.t0) * scale)
        for _ in range(3):  # the step at i moves i back; converge on the step's segment
            i = round((t - self.t0 - self._offset(i)) * scale)
        return i

    def peak(self) -> int:
        return max((abs(x) for x in self.samples), default=0)

    def onset_after(self, t: float, window: float = 1.0, threshold: int = 800) -> float | None:
        """First sample louder than ``threshold`` in ``[t - window, t + window]``, as a
        monotonic time, provided the audio just before it was quiet."""
        lo = max(0, self.index_of(t - window))
        hi = min(len(self.samples), self.index_of(t + window))
        return self.first_loud(lo, hi, threshold)

    def first_loud(self, lo: int, hi: int, threshold: int = 800) -> float | None:
        s = self.samples
        for i in range(lo, hi):
            if abs(s[i]) >= threshold:
                return self.time_of(i)
        return None


@contextmanager
def recording(pulse: PrivatePulse, sink: str | None = None) -> Iterator[list[Recording]]:
    """Record a sink's monitor for the duration of the block; the result lands in the list."""
    out: list[Recording] = []
    rec = MonitorRecorder(pulse, sink).start()
    try:
        yield out
    finally:
        out.append(rec.stop())
