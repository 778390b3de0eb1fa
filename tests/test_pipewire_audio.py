"""The real app on PipeWire (pipewire + wireplumber + pipewire-pulse, private, null sink):
heard on the beat as on PulseAudio; the sound server going away mid-session is said, never
silent; the default output changing mid-session is followed and said. The last two run on
both servers."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.labs.app_run import (
    knee,
    latencies,
    reap,
    report_timing,
    rows_of,
    stop_cleanly,
    wait_until,
)
from bench.labs.pipewire import PrivatePipeWire
from bench.labs.pulse import MonitorRecorder, PrivatePulse
from bench.labs.routines import tiny_routine
from tests.fixtures.audio import either_server

REPO = Path(__file__).resolve().parent.parent
Server = PrivatePulse | PrivatePipeWire
pytestmark = pytest.mark.audio


def test_run_is_heard_on_the_beat_on_pipewire(tmp_path: Path,
                                              pipewire: PrivatePipeWire) -> None:
    routine = tiny_routine(tmp_path)
    log = tmp_path / "cues.jsonl"
    rec = MonitorRecorder(pipewire).start()  # type: ignore[arg-type]
    try:
        proc = knee("-v", "run", str(routine), "--cue-log", str(log), env=pipewire.env(),
                    log=tmp_path / "err.log")
        proc.wait(120)
    finally:
        recording = rec.stop()
    err = (tmp_path / "err.log").read_text()
    assert proc.returncode == 0, err
    assert "output latency" in err  # the log says what it used and where it came from
    assert "measured at open" not in err  # nothing recorded from the user's output
    assert recording.peak() > 3000, "something was heard"
    report_timing(latencies(recording, rows_of(log)), "pipewire")


# ---- both servers -----------------------------------------------------------------------
@pytest.fixture(params=["pulseaudio", "pipewire"])
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    yield from either_server(request.param, ("a", "b"))


def kill(server: Server) -> None:
    """The sound server dies (as in a crash or `systemctl --user restart`)."""
    if isinstance(server, PrivatePipeWire):
        server.stop_processes()
    else:
        assert server.pid is not None
        os.kill(server.pid, signal.SIGKILL)


def test_server_going_away_mid_session_is_said_not_silent(tmp_path: Path,
                                                           server: Server) -> None:
    routine = tiny_routine(tmp_path)
    cues, err = tmp_path / "cues.jsonl", tmp_path / "err.log"
    env = server.env()
    env.pop("PULSE_SINK", None)
    proc = knee("run", str(routine), "--reps", "4", "--cue-log", str(cues), env=env, log=err)
    try:
        assert wait_until(lambda: len(rows_of(cues)) >= 2, 60.0), err.read_text()
        kill(server)
        assert wait_until(lambda: "sound server went away" in err.read_text(), 5), \
            err.read_text()
        gone_at = len(rows_of(cues))
        # the session goes on without sound: a few more cues show it, then a clean stop
        assert wait_until(lambda: len(rows_of(cues)) >= gone_at + 3, 30), err.read_text()
        stop_cleanly(proc, err)
    finally:
        reap(proc)
    text = err.read_text()
    assert text.count("sound server went away") == 1  # said once, not for every cue
    assert "Traceback" not in text and "Assertion" not in text
    assert len(rows_of(cues)) > 4  # the session went on without sound (the window shows it)


def app_streams(env: dict[str, str]) -> list[str]:
    """The sinks the app's streams play on (not the lab's own pacat/parec)."""
    out = subprocess.run(["pactl", "list", "sink-inputs"], env=env, capture_output=True,
                         text=True, timeout=10, check=True).stdout
    names = {line.split()[0]: line.split()[1] for line in subprocess.run(
        ["pactl", "list", "short", "sinks"], env=env, capture_output=True, text=True,
        timeout=10, check=True).stdout.splitlines()}
    sinks = []
    for block in out.split("Sink Input #")[1:]:
        if "pacat" in block or "parec" in block:
            continue
        index = block.split("Sink:", 1)[1].split()[0]
        sinks.append(names.get(index, index))
    return sinks


def test_default_output_change_mid_session_is_followed_and_said(tmp_path: Path,
                                                                server: Server) -> None:
    routine = tiny_routine(tmp_path)
    cues, err = tmp_path / "cues.jsonl", tmp_path / "err.log"
    env = server.env()
    env.pop("PULSE_SINK", None)  # follow the server's default, as a desktop app does
    rec_a = MonitorRecorder(server, "a").start()  # type: ignore[arg-type]
    rec_b = MonitorRecorder(server, "b").start()  # type: ignore[arg-type]
    proc = knee("run", str(routine), "--reps", "8", "--cue-log", str(cues), env=env, log=err)
    try:
        assert wait_until(lambda: len(rows_of(cues)) >= 3, 60.0), err.read_text()
        server.pactl("set-default-sink", "b") if isinstance(server, PrivatePipeWire) else \
            subprocess.run(["pactl", "set-default-sink", "b"], env=env, check=True,
                           timeout=10)
        assert wait_until(lambda: "The sound now plays on" in err.read_text(), 20), \
            err.read_text()
        moved_at = max(float(r["played"]) for r in rows_of(cues))  # type: ignore[arg-type]
        # The old stream is torn down by the server in its own time: within 3 s the app
        # plays on one stream, on b (a stream left behind would stay and fail this).
        wait_until(lambda: app_streams(env) == ["b"], 3.0)
        playing_on = app_streams(env)
        # the cues of the next ~6 s are enough: a clean stop (as Ctrl+C) ends the rest
        last_due = lambda: float(rows_of(cues)[-1]["due"])  # type: ignore[arg-type]  # noqa: E731
        assert wait_until(lambda: last_due() > moved_at + 6.0, 30), err.read_text()
        stopped_at = stop_cleanly(proc, err)
    finally:
        reap(proc)
        rec_a.stop()
        b = rec_b.stop()
    rows = rows_of(cues)
    # Said once the new stream has opened, settled and steadied (about 3 s); from then on
    # every cue is heard on the new output, in order.
    after = [r for r in rows if moved_at + 3.5 < float(r["due"]) < stopped_at - 0.05  # type: ignore[arg-type]
             and r["text"]]
    assert after, "cues after the move"
    report_timing(latencies(b, after), f"{type(server).__name__}, after the move")
    # (The old sink's monitor cannot show it: PulseAudio moves the recorder of a.monitor
    # to b.monitor along with the default; the app's stream was checked on b above.)
    assert playing_on == ["b"]
    assert "Traceback" not in err.read_text()
