"""The sound server going away and coming back mid-session, on both servers (the real app,
`knee-desktop run`, a private PulseAudio or PipeWire): said when it goes, "The sound is back."
said once when it is back, then the cues on their beat; nothing due in the gap is played
late. The state machine without a server: tests/test_server_watch.py."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.pipewire_lab import PrivatePipeWire
from bench.pulse_lab import MonitorRecorder, PrivatePulse, Recording
from knee_desktop.runtime.server_watch import BACK_WORDS
from knee_desktop.session.engine import STOPPED_SAY
from knee_desktop.speech.clip import RATE
from knee_desktop.speech.render import SpeechCache
from tests.audio_fixtures import either_server, wait_until
from tests.test_pipewire_audio import (
    knee,
    latencies,
    reap,
    report_timing,
    rows_of,
    stop_cleanly,
)
from tests.tiny_routine import tiny_routine

Server = PrivatePulse | PrivatePipeWire
LOUD = 800


@pytest.fixture(params=["pulseaudio", "pipewire"])
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    yield from either_server(request.param, ("test",))


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


@pytest.mark.audio
@pytest.mark.slow
def test_server_restart_mid_session_is_said_and_resynced(tmp_path: Path,
                                                         server: Server) -> None:
    got = restart_mid_session(server, tmp_path)
    text = got.log
    assert got.returncode == 128 + signal.SIGTERM, text
    assert "Stopping" in text  # stopped cleanly by the test, not killed
    assert "Traceback" not in text and "Assertion" not in text
    assert text.count("sound server went away") == 1
    assert "restart knee-desktop" not in text  # it came back: no restart asked for
    assert "a cue was not played" not in text  # the gap is said once, not per cue
    assert text.count("knee-desktop: The sound is back.") == 1, text
    assert got.back_to_heard is not None, "'The sound is back.' was not heard"
    assert got.late, "cues after the sound came back"
    report_timing(got.late, f"{getattr(server, 'kind', 'pulseaudio')}, after the restart")
    print(f"server back -> 'The sound is back.' heard: {got.back_to_heard:.2f} s; "
          f"{got.gap} cues due in the gap not played")
    assert got.gap, "cues fell due while there was no sound (else this shows nothing)"
    assert got.stray == [], f"sounds not on the timeline (late cues): {got.stray}\n{text}"
    assert all(abs(x) < 0.1 for x in got.late), f"{got.late}\n{text}"


@pytest.mark.audio
@pytest.mark.slow
def test_a_server_back_after_qt_gave_up_is_said_never_opened(tmp_path: Path,
                                                             server: Server) -> None:
    """Back after Qt's one retry (3 s): Qt 6.11 will not reconnect and a new stream would
    abort the process; the app says a restart is needed and the session ends normally."""
    routine = tiny_routine(tmp_path)
    cues, err = tmp_path / "cues.jsonl", tmp_path / "err.log"
    env = server.env()
    env.pop("PULSE_SINK", None)
    proc = knee("run", str(routine), "--reps", "14", "--pause", "0.5", "--cue-log", str(cues),
                env=env, log=err)
    try:
        assert wait_until(lambda: len(rows_of(cues)) >= 2, 60.0), err.read_text()
        restart(server, gap=4.5)
        assert wait_until(lambda: "restart knee-desktop" in err.read_text(), 10), \
            err.read_text()
        assert wait_until(lambda: len(rows_of(cues)) >= 6, 30), err.read_text()
        stop_cleanly(proc, err)  # it goes on silently; a clean stop ends it
    finally:
        reap(proc)
    text = err.read_text()
    assert "Traceback" not in text and "Assertion" not in text
    assert text.count("sound server went away") == 1
    assert text.count("restart knee-desktop") == 1
    assert "a cue was not played" not in text  # said once, not again for every cue
    assert "The sound is back" not in text
