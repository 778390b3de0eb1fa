"""The sound server restarted mid-session: the scenario of tests/test_server_restart.py and
bench/server_restart.py (the real app, a private server, its monitor recorded)."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.labs.app_run import knee, latencies, reap, rows_of, wait_until
from bench.labs.pipewire import PrivatePipeWire
from bench.labs.pulse import MonitorRecorder, PrivatePulse, Recording
from bench.labs.routines import tiny_routine
from knee_desktop.runtime.server_watch import BACK_WORDS
from knee_desktop.session.engine import STOPPED_SAY
from knee_desktop.speech.clip import RATE
from knee_desktop.speech.render import SpeechCache

Server = PrivatePulse | PrivatePipeWire
LOUD = 800


def restart(server: Server, gap: float = 0.0) -> None:
    """The server dies (SIGKILL, as in a crash) and is started again on the same socket
    ``gap`` seconds later (0: at once, as ``systemctl --user restart`` does): Qt 6.11
    reconnects only to a server that is back within ~3 s."""
    if isinstance(server, PrivatePipeWire):
        server.stop_processes()
        time.sleep(gap)
        server.restart()
        return
    assert server.pid is not None
    os.kill(server.pid, signal.SIGKILL)
    time.sleep(gap)
    # Its zombie can linger a second; its pid file would make the new one refuse to start.
    (server.runtime / "pulse" / "pid").unlink(missing_ok=True)
    server.start()


def loud_spans(rec: Recording, gap: float = 0.25) -> list[tuple[float, float]]:
    """The recording's sounds: (start, end) in clock time, split by ``gap`` of quiet."""
    spans: list[tuple[float, float]] = []
    quiet = round(gap * RATE)
    last = -quiet - 1
    for i, x in enumerate(rec.samples):
        if abs(x) >= LOUD:
            if i - last > quiet:
                spans.append((rec.time_of(i), rec.time_of(i)))
            else:
                spans[-1] = (spans[-1][0], rec.time_of(i))
            last = i
    return spans


@dataclass
class Restarted:
    """What one session with a server restart gave (see :func:`restart_mid_session`)."""

    log: str
    returncode: int | None
    back_to_heard: float | None = None  # server back -> "The sound is back." heard (s)
    late: list[float] = field(default_factory=list)  # heard - due of the cues after it
    gap: int = 0  # spoken cues due while there was no sound (not played)
    stray: list[tuple[float, float]] = field(default_factory=list)  # sounds off the timeline


def restart_mid_session(server: Server, folder: Path) -> Restarted:
    """`knee-desktop run` on the tiny routine; the server is killed and started again at
    once after two cues; its monitor is recorded from then on (also bench/server_restart.py)."""
    routine = tiny_routine(folder)
    cues, err = folder / "cues.jsonl", folder / "err.log"
    env = server.env()
    env.pop("PULSE_SINK", None)
    proc = knee("-v", "run", str(routine), "--reps", "14", "--pause", "0.5", "--cue-log",
                str(cues), env=env, log=err)
    rec: MonitorRecorder | None = None
    stopped_at = float("inf")
    try:
        assert wait_until(lambda: len(rows_of(cues)) >= 2, 60.0), err.read_text()
        restart(server)
        back_at = time.monotonic()
        rec = MonitorRecorder(server).start()  # type: ignore[arg-type]
        if wait_until(lambda: "The sound is back" in err.read_text(), 15):
            # five cues handed out after it are enough; SIGTERM stops the session cleanly
            # (exit 128 + SIGTERM, as after Ctrl+C) instead of walking the rest of it
            after = len(rows_of(cues))
            wait_until(lambda: len(rows_of(cues)) >= after + 5, 30)
            stopped_at = time.monotonic()
            proc.send_signal(signal.SIGTERM)
        proc.wait(120)
    finally:
        reap(proc)
        recording = rec.stop() if rec is not None else None
    out = Restarted(err.read_text(), proc.returncode)
    spans = loud_spans(recording) if recording is not None else []
    if recording is None or not spans or "The sound is back" not in out.log:
        return out
    # The first sound after the server is back is "The sound is back." (nothing before it).
    rows = rows_of(cues)
    placed = [r for r in rows if r["heard"] is not None and r["text"]]
    # timed: those due before the stop (one handed out but due after it was cut by it)
    timed = [r for r in placed if float(r["due"]) < stopped_at - 0.05]  # type: ignore[arg-type]
    cache = SpeechCache()
    cache.prepare([BACK_WORDS, STOPPED_SAY, *(str(r["text"]) for r in placed)])
    said = spans[0][0] - (cache.clip(BACK_WORDS).first_sound() or 0) / RATE
    out.back_to_heard = said - back_at
    # onsets are looked for from 0.1 s before a cue is due: not inside the words' tail, as
    # heard (on a loaded machine the words once came ~0.1 s later than the app placed them,
    # and the cue after them, on its beat, began before their tail had ended)
    clear = max(said + cache.duration(BACK_WORDS), spans[0][1]) + 0.1
    out.late = latencies(recording, [r for r in timed if float(r["due"]) > clear])  # type: ignore[arg-type]
    out.gap = sum(1 for r in rows if r["heard"] is None and r["text"])
    # Every sound heard is one that was placed on the timeline: the words, then the cues
    # on their beat. A cue due in the gap played late would be a sound of its own.
    expected = [(said, said + cache.duration(BACK_WORDS))]
    expected += [(float(r["heard"]), float(r["heard"]) + cache.duration(str(r["text"])))  # type: ignore[arg-type]
                 for r in placed]
    # and after the test's SIGTERM, the stop's own words (as soon as the output can place
    # them: they may start before the cue due next, which the stop cut)
    expected.append((stopped_at, stopped_at + 0.5 + cache.duration(STOPPED_SAY)))
    out.stray = [s for s in spans
                 if not any(lo - 0.05 <= s[0] <= hi + 0.05 for lo, hi in expected)]
    return out
