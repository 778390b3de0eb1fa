"""A real `knee-desktop run --silent` killed with SIGKILL mid-way shows up as interrupted,
with the steps it completed. Runs the tiny routine; waits on the run's own output and the
history file, never on a clock."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bench.labs.routines import tiny_routine
from knee_desktop.history.store import HistoryStore, default_path

REPO = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]


def steps_recorded(path: Path) -> int:
    if not path.exists():
        return 0
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        return int(db.execute("SELECT count(*) FROM steps").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # the schema is being made
    finally:
        db.close()


def test_sigkill_mid_session_is_interrupted_with_its_steps(tmp_path: Path) -> None:
    path = default_path()  # under the test's own XDG_DATA_HOME (conftest)
    routine = tiny_routine(tmp_path)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "knee_desktop", "run", str(routine), "--silent",
         "--tempo", "0.5", "--pause", "0.5", "--reps", "2"],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        # Each printed cue is an event: "Still." is said once the sweeps are done. Read on
        # (each line blocks until the run prints) until both finished steps are in the file.
        for line in proc.stdout:
            seen.append(line)
            if any("Still." in s for s in seen) and steps_recorded(path) >= 2:
                break
        else:
            pytest.fail(f"run exited with {proc.wait()} before two steps:\n{''.join(seen)}")
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
    assert not any("Done." in s for s in seen)  # killed mid-way, not after the end

    with HistoryStore(path) as store:  # the next start finds it unfinished, owner gone
        rows = store.rows()
        assert len(rows) == 1
        assert rows[0].end_state == "interrupted"
        assert any("interrupted" in m for m in store.messages)
        rec = store.session(rows[0].id)
        assert rec is not None
        done = [s for s in rec.steps if s.completed]
        assert len(done) >= 2
        assert [s.step_index for s in rec.steps] == list(range(len(rec.steps)))
        assert done[1].title == "Sweep" and done[1].reps_done == 2
        assert rec.at_title is not None and rec.ended is not None
        assert not list(store.live_dir.glob("*.lock"))  # the dead owner's lock is cleared
