"""The real app run in a lab: `knee-desktop` as a child process on a private sound server,
its cue log read back, and the cues found in a recording of the server's monitor (the
audio tests and bench/server_restart.py)."""

from __future__ import annotations

import json
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.labs.pulse import Recording
from knee_desktop.speech.clip import RATE
from knee_desktop.speech.render import SpeechCache

REPO = Path(__file__).resolve().parent.parent.parent


def wait_until(predicate: Callable[[], Any], timeout: float = 20.0) -> bool:
    """Poll ``predicate`` every 50 ms (another process is doing the work) until true."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return True
        pause.wait(0.05)
    return False


def knee(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    with log.open("w") as err:
        return subprocess.Popen([sys.executable, "-m", "knee_desktop", *args],
                                env=dict(env, PYTHONPATH=str(REPO)), cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=err, text=True)


def stop_cleanly(proc: subprocess.Popen[str], err: Path) -> float:
    """End the session as Ctrl+C does (SIGTERM): a clean stop, exit 128 + SIGTERM. Returns
    when it was sent: a cue logged (handed out) but due after that is cut by the stop."""
    stopped_at = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(120) == 128 + signal.SIGTERM, err.read_text()
    return stopped_at


def reap(proc: subprocess.Popen[str]) -> None:
    """After a failed check, never leave the app running into another test."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def rows_of(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def latencies(recording: Recording, rows: list[dict[str, object]]) -> list[float]:
    """Heard - due of each spoken cue (seconds), in order; asserts each was heard."""
    cache = SpeechCache()
    spoken = [r for r in rows if r["text"]]
    cache.prepare([str(r["text"]) for r in spoken])
    out, floor = [], 0
    for row in spoken:
        text, due = str(row["text"]), float(row["due"])  # type: ignore[arg-type]
        lead = (cache.clip(text).first_sound() or 0) / RATE
        lo = max(floor, recording.index_of(due - 0.1))
        heard = recording.first_loud(lo, recording.index_of(due + 1.0), 300)
        assert heard is not None, f"{text!r} was not heard"
        out.append(heard - lead - due)
        floor = recording.index_of(heard + cache.duration(text) - 0.01)
    return out


def report_timing(late: list[float], where: str) -> None:
    """Print heard - due of the cues (each already found in its place, in order, by
    :func:`latencies`). No bound is held on the figures: on a shared 2-core machine
    without a sound card, PipeWire places cues late by whole graph cycles and now and then
    by 30-100 ms under load. The cue benchmark (``make bench-cues``) measures the goal."""
    assert late, "no cue was heard"
    shown = [round(x * 1000, 1) for x in late]
    print(f"{where}: {len(late)} cues heard in order; heard - due median "
          f"{statistics.median(shown):.1f} ms, max |{max(abs(x) for x in shown):.1f}| ms: "
          f"{shown}")
