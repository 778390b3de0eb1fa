"""The sound server going away and coming back mid-session, on both servers (the real app,
`knee-desktop run`, a private PulseAudio or PipeWire): said when it goes, "The sound is back."
said once when it is back, then the cues on their beat; nothing due in the gap is played
late. The state machine without a server: tests/test_server_watch.py."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.labs.app_run import knee, reap, report_timing, rows_of, stop_cleanly, wait_until
from bench.labs.restart import Server, restart, restart_mid_session
from bench.labs.routines import tiny_routine
from tests.fixtures.audio import either_server


@pytest.fixture(params=["pulseaudio", "pipewire"])
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    yield from either_server(request.param, ("test",))


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
