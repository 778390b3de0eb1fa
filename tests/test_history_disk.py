"""Bad disks, for real: a small tmpfs that fills up or is remounted read-only (as root; see
tests/history_disk.py). A session that cannot be saved by its end is kept in a recovery file,
said at the end, and added at the next open; a failed creation leaves no empty file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.labs.history_data import Wall, make_session, run_until
from bench.labs.routines import tiny_routine
from knee_desktop.history.recorder import HistoryRecorder
from knee_desktop.history.store import HistoryError, HistoryStore
from knee_desktop.session.engine import State
from tests.history_disk import loop_disk, tiny_disk

REPO = Path(__file__).resolve().parent.parent


def record_whole_session(path: Path, mid: object = None) -> tuple[HistoryRecorder, list[str],
                                                                  list[str]]:
    """Run a short session to its end on the fake clock; ``mid()`` is called half-way.
    (the recorder, problems said during it, what was said at the end)."""
    wall = Wall()
    session, clock = make_session()
    recorder = HistoryRecorder(HistoryStore(path, now_wall=wall), session)
    problems: list[str] = []
    at_end: list[str] = []
    recorder.problem.connect(problems.append)
    recorder.unsaved_at_end.connect(at_end.append)
    session.start()
    half = session.timeline.duration / 2
    run_until(session, clock, wall, half)
    if callable(mid):
        mid()
    run_until(session, clock, wall, session.timeline.duration + 1)
    assert session.state is State.FINISHED
    recorder.set_feel(after=2)
    recorder.detach()
    recorder.store.close()
    return recorder, problems, at_end


def test_a_full_disk_at_creation_leaves_no_empty_file(tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        disk.fill()
        path = disk.where / "history.sqlite3"
        with pytest.raises(HistoryError, match="disk is full"), HistoryStore(path) as store:
            store.open()
        assert sorted(p.name for p in disk.where.iterdir()) == ["filler"]


def test_read_only_from_the_start_is_kept_said_at_the_end_and_added_later(
        tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        path = disk.where / "history.sqlite3"
        HistoryStore(path).open().close()  # a history exists, then the disk goes read-only
        disk.read_only()
        recorder, problems, at_end = record_whole_session(path)
        assert len(problems) == 1  # told once at the start ...
        assert len(at_end) == 1  # ... and at the end, with where the session is kept
        kept = recorder.kept_at
        assert kept is not None and kept.exists() and str(kept) in at_end[0]
        assert not kept.is_relative_to(disk.where)  # the cache folder took it
        assert "not in your history yet" in at_end[0] and "next time" in at_end[0]
        data = json.loads(kept.read_text())
        assert data["sessions"][0]["feel_after"] == 2  # the answer after the end is in it

        disk.read_only(False)
        with HistoryStore(path) as store:  # the next start
            (rec,) = store.sessions()
            assert any("was added to the history" in m for m in store.messages)
        assert rec.uuid == recorder.record.uuid and rec.end_state == "completed"
        assert len(rec.steps) == len(recorder.record.steps) and rec.feel_after == 2
        assert not kept.exists()


# Not the -shm file: SQLite writes it through a shared mapping, and a write fault there is
# SIGBUS for any program (a disk problem no application survives).
FILES = (".", "history.sqlite3", "history.sqlite3-wal")


def test_made_read_only_mid_session_the_whole_session_arrives_later(tmp_path: Path) -> None:
    with loop_disk(tmp_path / "disk") as disk:  # chattr +i: the file is open, mid-session
        path = disk.where / "history.sqlite3"
        recorder, problems, at_end = record_whole_session(
            path, mid=lambda: disk.immutable(*FILES))
        assert len(problems) == 1 and len(at_end) == 1
        assert recorder.kept_at is not None and not recorder.kept_at.is_relative_to(disk.where)
        with HistoryStore(path) as store:  # still read-only: it stays kept, and says so
            assert len(store.sessions()) == 1
        assert recorder.kept_at.exists()
        disk.immutable(*FILES, yes=False)
        with HistoryStore(path) as store:  # the partial row is replaced by the whole one
            (rec,) = store.sessions()
        assert rec.end_state == "completed"
        assert [s.step_index for s in rec.steps] == \
            [s.step_index for s in recorder.record.steps]


def test_a_disk_that_fills_mid_session_keeps_the_session_elsewhere(tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk", "2m") as disk:
        path = disk.where / "history.sqlite3"
        recorder, _, at_end = record_whole_session(path, mid=disk.fill)
        assert len(at_end) == 1 and recorder.kept_at is not None
        assert "disk is full" in at_end[0]
        assert not list(disk.where.glob("history.sqlite3.unsaved/*.part"))  # nothing half
        disk.free()
        with HistoryStore(path) as store:
            (rec,) = store.sessions()
        assert len(rec.steps) == len(recorder.record.steps)


def test_nowhere_to_keep_it_is_said_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        path = disk.where / "history.sqlite3"
        HistoryStore(path).open().close()
        monkeypatch.setenv("XDG_CACHE_HOME", str(disk.where / "cache"))
        disk.read_only()
        recorder, _, at_end = record_whole_session(path)
        assert recorder.kept_at is None
        assert "NOT in your history" in at_end[0] and "could not be kept" in at_end[0]


def test_disk_back_before_the_end_needs_no_recovery_file(tmp_path: Path) -> None:
    with loop_disk(tmp_path / "disk") as disk:
        path = disk.where / "history.sqlite3"
        wall = Wall()
        session, clock = make_session()
        recorder = HistoryRecorder(HistoryStore(path, now_wall=wall), session)
        told: list[str] = []
        for hook in (recorder.problem, recorder.recovered, recorder.unsaved_at_end):
            hook.connect(told.append)
        session.start()
        third = session.timeline.duration / 3
        run_until(session, clock, wall, third)
        disk.immutable(*FILES)
        run_until(session, clock, wall, 2 * third)
        assert recorder.unsaved
        disk.immutable(*FILES, yes=False)
        run_until(session, clock, wall, session.timeline.duration + 1)
        recorder.detach()
        assert len(told) == 2 and "saved again" in told[1]  # no word of a kept file
        assert recorder.kept_at is None and not recorder.unsaved
        recorder.store.close()
        with HistoryStore(path) as store:
            (rec,) = store.sessions()
        assert len(rec.steps) == len(recorder.record.steps)


@pytest.mark.slow
def test_run_says_at_the_end_where_the_unsaved_session_is(tmp_path: Path) -> None:
    routine = tiny_routine(tmp_path)
    with tiny_disk(tmp_path / "disk") as disk:
        env = {**os.environ, "XDG_DATA_HOME": str(disk.where), "QT_QPA_PLATFORM": "offscreen"}
        data = disk.where / "knee-desktop"
        data.mkdir()
        disk.read_only()
        proc = subprocess.run(
            [sys.executable, "-m", "knee_desktop", "run", str(routine), "--silent",
             "--tempo", "0.5", "--pause", "0.5", "--reps", "1"],
            cwd=REPO, env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 4, proc.stderr
        assert "not in your history yet: it is kept in" in proc.stderr
        kept = [p for p in (Path(env["XDG_CACHE_HOME"]) / "knee-desktop" / "unsaved").glob("*")]
        assert len(kept) == 1 and str(kept[0]) in proc.stderr
        assert json.loads(kept[0].read_text())["sessions"][0]["end_state"] == "completed"
        disk.read_only(False)
        assert subprocess.run([sys.executable, "-m", "knee_desktop", "history"], cwd=REPO,
                              env=env, capture_output=True, text=True,
                              check=False).stdout.count("completed") == 1  # added at next start
        assert not kept[0].exists()


@pytest.mark.slow
def test_the_window_shows_and_says_where_the_unsaved_session_is(
        tmp_path: Path, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import Qt

    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.prefs import user_settings as us
    from knee_desktop.routine.loader import load_catalog
    from knee_desktop.runtime.timers import FakeTimers
    from knee_desktop.session.clock import FakeClock
    from knee_desktop.ui.app import wiring as desktop_wiring
    from knee_desktop.ui.session.main_window import MainWindow
    from tests.fakes import FakeInhibitor, RecordingVoice

    with loop_disk(tmp_path / "disk") as disk:
        monkeypatch.setenv("XDG_DATA_HOME", str(disk.where))
        HistoryStore().open().close()
        disk.immutable(".", "knee-desktop", "knee-desktop/history.sqlite3",
                       "knee-desktop/history.sqlite3-wal")
        clock, voice = FakeClock(), RecordingVoice()
        timers = FakeTimers(clock)
        window = MainWindow(load_catalog(), lambda: voice, clock=clock, timers=timers,
                            settings=PlanSettings(reps=1, lead_in_seconds=0, pause_seconds=1),
                            inhibitor=FakeInhibitor())
        qtbot.addWidget(window)
        desktop_wiring.wire_window(window, us.UserSettings(knee_feel=False))
        window.show()
        qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
        session = window.driver.session
        assert session is not None
        while session.state is State.RUNNING:
            timers.advance(0.05)
        shown = window.statusBar().currentMessage()
        assert "not in your history yet: it is kept in" in shown
        assert voice.said[-1] == shown  # said too: eyes are closed
        kept = Path(shown.split("kept in ")[1].split(" and will")[0])
        assert kept.exists()
