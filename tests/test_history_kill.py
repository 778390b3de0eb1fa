"""A real `knee-desktop run --silent` killed with SIGKILL mid-way shows up as interrupted,
with the steps it completed. Needs the `run` command (another branch): skipped without it."""

from __future__ import annotations

import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from knee_desktop.history.store import HistoryStore, default_path

REPO = Path(__file__).resolve().parent.parent
HAS_RUN = importlib.util.find_spec("knee_desktop.cli.run_cmd") is not None

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not HAS_RUN, reason="needs the run command (knee_desktop.cli.run_cmd)"),
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


def test_sigkill_mid_session_is_interrupted_with_its_steps() -> None:
    path = default_path()  # under the test's own XDG_DATA_HOME (conftest)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "knee_desktop", "run", "windshield-wiper", "--silent",
         "--tempo", "0.5", "--pause", "1", "--lead-in", "0", "--reps", "2"],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 150
        while steps_recorded(path) < 2:
            assert time.monotonic() < deadline, "the run never recorded two steps"
            try:  # waits on the process, not a sleep: an early exit fails at once
                proc.wait(timeout=0.25)
            except subprocess.TimeoutExpired:
                continue
            out = proc.stdout.read().decode() if proc.stdout else ""
            pytest.fail(f"run exited with {proc.returncode} before two steps:\n{out}")
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()

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
        assert done[1].title == "Wipe to the left" and done[1].reps_done == 2
        assert rec.at_title is not None and rec.ended is not None
        assert not list(store.live_dir.glob("*.lock"))  # the dead owner's lock is cleared
