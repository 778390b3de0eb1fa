"""The recorder: a session is written as it goes, and survives full and read-only disks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.labs.history_data import Wall, make_session, run_until
from knee_desktop.history.recorder import HistoryRecorder
from knee_desktop.history.records import EXERCISE_KINDS
from knee_desktop.history.store import HistoryStore
from knee_desktop.session.engine import State


def stored(path: Path) -> list[tuple[object, ...]]:
    """The steps as a separate connection (another process) sees them."""
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT step_index, title, reps_done, completed FROM steps"
                          " WHERE title != 'filler' ORDER BY seq").fetchall()
    finally:
        db.close()


class SmallDisk(HistoryStore):
    """A disk with room for ``limit`` pages: SQLite's own "disk full" (SQLITE_FULL) through
    ``max_page_count``, a per-connection setting, so every reconnection gets it too."""

    limit: int | None = None

    def _connect(self) -> sqlite3.Connection:
        db = super()._connect()
        db.execute(f"PRAGMA max_page_count = {self.limit or 1073741823}")
        return db


def fill_the_disk(store: SmallDisk) -> None:
    """Cap the file at its size, then fill the free room of its pages with steps, the table
    each step write needs."""
    db = store.open()
    store.limit = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {store.limit}")
    db.execute("INSERT INTO sessions (uuid, routine_id, title, started_ts) VALUES"
               " ('filler', 'filler', 'filler', 0)")
    sid = db.execute("SELECT id FROM sessions WHERE uuid = 'filler'").fetchone()[0]
    for seq in range(100_000):
        try:
            db.execute("INSERT INTO steps (session_id, seq, step_index, title, kind)"
                       " VALUES (?, ?, 0, 'filler', 'say')", (sid, seq))
        except sqlite3.OperationalError as exc:
            assert "full" in str(exc)
            return
    raise AssertionError("the disk never filled up")


class CountingStore(HistoryStore):
    """Counts its write transactions."""

    writes = 0

    def _write(self, fn):  # type: ignore[no-untyped-def]
        self.writes += 1
        return super()._write(fn)


def test_the_history_is_opened_before_the_session_starts_not_on_its_first_cue(
        tmp_path: Path) -> None:
    """A process's first write syncs SQLite's write-ahead log and its folder to disk: done
    when the recorder is attached, before the session's first cue, and changing nothing.
    (On a busy disk it once held up the cue thread 1.2 s, and the first cue was dropped.)"""
    path = tmp_path / "h.sqlite3"
    store = CountingStore(path, now_wall=Wall())
    session, _clock = make_session()
    HistoryRecorder(store, session)
    assert store.writes == 1 and store.count() == 0  # opened, nothing recorded yet
    assert path.with_name(path.name + "-wal").exists()  # the log is started
    session.start()
    assert store.writes == 2 and store.count() == 1


def test_steps_are_written_as_they_complete(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    wall = Wall()
    store = HistoryStore(path, now_wall=wall)
    session, clock = make_session()
    recorder = HistoryRecorder(store, session, feel_before=6)
    assert store.count() == 0  # nothing until the session starts
    session.start()
    assert store.count() == 1
    row = store.rows()[0]
    assert row.end_state is None and row.feel_before == 6
    steps = session.timeline.steps
    run_until(session, clock, wall, steps[2].start + 0.1)
    assert [s[1] for s in stored(path)] == [steps[0].title, steps[1].title]
    assert stored(path)[1][2] == 2  # two sweeps counted
    assert store.rows()[0].at_title == steps[2].title

    session.pause()
    clock.advance(30)
    wall.advance(30)
    session.resume()
    assert store.session(row.id).paused_seconds == pytest.approx(30)  # type: ignore[union-attr]
    run_until(session, clock, wall, session.timeline.duration + 1)
    assert session.state is State.FINISHED
    rec = store.session(row.id)
    assert rec is not None
    assert rec.end_state == "completed" and len(rec.steps) == len(steps)
    assert rec.paused_seconds == pytest.approx(30)
    # Exercise time excludes the pause and the spoken steps (getting ready, the last
    # words): it is the sum of the movements', stills', rests' and presses' steps.
    moving = sum(s.end - s.start for s in session.timeline.steps if s.kind in EXERCISE_KINDS)
    assert rec.exercise_seconds == pytest.approx(moving, abs=0.2)
    assert 0 < rec.exercise_seconds < session.timeline.duration - 1
    assert (rec.ended - rec.started).total_seconds() == pytest.approx(  # type: ignore[operator]
        session.timeline.events[-1].t + 30, abs=0.2)  # wall time includes the pause
    recorder.set_feel(after=3, note="Felt loose.")
    again = store.session(row.id)
    assert again is not None and (again.feel_after, again.note) == (3, "Felt loose.")
    assert not list(store.live_dir.glob("*.lock"))  # the owner lock is let go


def test_stopped_session_keeps_where_it_stopped(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3", now_wall=Wall())
    session, clock = make_session()
    HistoryRecorder(store, session)
    session.start()
    steps = session.timeline.steps
    run_until(session, clock, None, steps[3].start + 0.3)
    session.stop()
    row = store.rows()[0]
    assert (row.end_state, row.at_title) == ("stopped", steps[3].title)
    rec = store.session(row.id)
    assert rec is not None and rec.at_step == 3
    assert [s.completed for s in rec.steps] == [True, True, True, False]


def test_skipped_step_is_recorded_as_not_completed(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3", now_wall=Wall())
    session, clock = make_session()
    HistoryRecorder(store, session)
    session.start()
    run_until(session, clock, None, session.timeline.steps[1].start + 0.6)
    session.skip()
    run_until(session, clock, None, session.timeline.steps[3].start + 0.1)
    rec = store.sessions()[0]
    assert [(s.step_index, s.completed) for s in rec.steps] == [(0, True), (1, False), (2, True)]


def test_full_disk_session_goes_on_and_catches_up(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = SmallDisk(path, now_wall=Wall())
    session, clock = make_session()
    recorder = HistoryRecorder(store, session)
    problems: list[str] = []
    recovered: list[str] = []
    recorder.problem.connect(problems.append)
    recorder.recovered.connect(recovered.append)
    session.start()
    steps = session.timeline.steps
    run_until(session, clock, None, steps[1].start + 0.1)
    assert len(stored(path)) == 1

    fill_the_disk(store)
    run_until(session, clock, None, steps[6].start + 0.1)
    assert session.state is State.RUNNING  # the session went on
    assert len(problems) == 1 and "disk is full" in problems[0]
    assert recorder.unsaved and recorder.failed_writes >= 2
    assert len(stored(path)) == 1  # what was stored is still there

    store.limit = None  # room again
    store.close()
    assert recorder.retry()
    assert recovered and not recorder.unsaved
    assert [s[0] for s in stored(path)] == list(range(6))
    run_until(session, clock, None, session.timeline.duration + 1)
    rec = store.session(recorder.record.id or 0)
    assert rec is not None
    assert rec.end_state == "completed" and len(rec.steps) == len(steps)


def test_read_only_file_session_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    writable = HistoryStore(path, now_wall=Wall())
    before, _ = make_session()
    HistoryRecorder(writable, before)
    before.start()
    before.stop()
    writable.close()

    # A read-only open is refused by SQLite itself (root or not).
    store = HistoryStore(path, now_wall=Wall(), read_only=True)
    session, clock = make_session()
    recorder = HistoryRecorder(store, session)
    problems: list[str] = []
    recorder.problem.connect(problems.append)
    session.start()
    run_until(session, clock, None, session.timeline.steps[3].start)
    assert session.state is State.RUNNING
    assert len(problems) == 1 and "cannot be written" in problems[0]
    assert [r.end_state for r in store.rows()] == ["stopped"]  # the earlier one is intact

    store.read_only = False  # the disk is writable again (remounted)
    assert recorder.retry(), problems
    assert len(store.rows()) == 2
    assert len(store.sessions()[1].steps) == 3


def test_unopenable_path_session_goes_on_and_is_saved_later(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.mkdir()  # cannot be opened as a file, even by root
    store = HistoryStore(path, now_wall=Wall())
    session, clock = make_session()
    recorder = HistoryRecorder(store, session)
    problems: list[str] = []
    recorder.problem.connect(problems.append)
    session.start()
    run_until(session, clock, None, session.timeline.steps[2].start + 0.1)
    assert problems and session.state is State.RUNNING
    path.rmdir()
    run_until(session, clock, None, session.timeline.steps[3].start + 0.1)  # next write
    assert not recorder.unsaved
    assert len(store.sessions()[0].steps) == 3


def test_a_broken_store_never_stops_the_session(tmp_path: Path) -> None:
    class Broken(HistoryStore):
        def add_step(self, *args: object, **kwargs: object) -> bool:
            raise RuntimeError("a bug")

    store = Broken(tmp_path / "h.sqlite3", now_wall=Wall())
    session, clock = make_session()
    recorder = HistoryRecorder(store, session)
    problems: list[str] = []
    recorder.problem.connect(problems.append)
    session.start()
    run_until(session, clock, None, session.timeline.duration + 1)
    assert session.state is State.FINISHED
    assert problems
    # The whole-record catch-up does not go through add_step: everything is there.
    assert len(store.sessions()[0].steps) == len(session.timeline.steps)


def test_a_second_instance_holding_the_file_only_delays_writes(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path, now_wall=Wall(), busy_timeout=0.05)
    session, clock = make_session()
    recorder = HistoryRecorder(store, session)
    problems: list[str] = []
    recorder.problem.connect(problems.append)
    session.start()
    other = sqlite3.connect(path, isolation_level=None)  # a second instance, mid-write
    other.execute("BEGIN IMMEDIATE")
    steps = session.timeline.steps
    run_until(session, clock, None, steps[1].start + 0.1)  # a step ended, another began
    assert recorder.unsaved and recorder.failed_writes == 2 and problems == []  # not yet
    run_until(session, clock, None, steps[2].start + 0.1)
    assert len(problems) == 1 and "busy" in problems[0]  # it lasted: now the user is told
    other.execute("COMMIT")
    other.close()
    run_until(session, clock, None, steps[4].start + 0.1)
    assert not recorder.unsaved
    assert [s[0] for s in stored(path)] == [0, 1, 2, 3]


def test_crash_mid_session_is_found_interrupted_with_its_steps(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path, now_wall=Wall())
    session, clock = make_session()
    recorder = HistoryRecorder(store, session)
    session.start()
    steps = session.timeline.steps
    run_until(session, clock, None, steps[3].start + 0.1)

    with HistoryStore(path) as other:  # another instance while the session is running
        assert [r.end_state for r in other.rows()] == [None]
    assert recorder._lock is not None
    recorder._lock.release()  # what the OS does when the process dies (SIGKILL, crash)

    with HistoryStore(path) as next_start:
        rec = next_start.sessions()[0]
        assert rec.end_state == "interrupted"
        assert [s.title for s in rec.steps] == [s.title for s in steps[:3]]
        assert rec.at_title == steps[3].title  # where it was when it died
        assert any("interrupted" in m for m in next_start.messages)


def test_session_without_a_lock_file_is_not_taken_for_a_crash_by_its_own_process(
        tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.with_name(path.name + ".live").write_text("not a folder")  # no lock can be made
    store = HistoryStore(path, now_wall=Wall())
    session, clock = make_session()
    recorder = HistoryRecorder(store, session)
    session.start()
    from knee_desktop.common import paths

    fallback = paths.cache_dir() / "live"  # the lock went to the cache folder instead
    assert [p.stem for p in fallback.glob("*.lock")] == [recorder.record.uuid]
    run_until(session, clock, None, session.timeline.steps[2].start + 0.1)
    with HistoryStore(path) as window:  # e.g. the history window opened meanwhile
        assert [r.end_state for r in window.rows()] == [None]
    run_until(session, clock, None, session.timeline.duration + 1)
    assert [r.end_state for r in store.rows()] == ["completed"]
    assert not list(fallback.glob("*.lock"))


def test_with_nowhere_for_a_lock_the_recording_store_still_knows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "h.sqlite3"
    path.with_name(path.name + ".live").write_text("not a folder")
    blocked = tmp_path / "cache"
    blocked.write_text("not a folder either")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    store = HistoryStore(path, now_wall=Wall())
    session, clock = make_session()
    HistoryRecorder(store, session)
    session.start()
    run_until(session, clock, None, session.timeline.steps[2].start + 0.1)
    store.close()  # a reopen runs the check for interrupted sessions again
    assert [r.end_state for r in store.rows()] == [None]
    run_until(session, clock, None, session.timeline.duration + 1)
    assert [r.end_state for r in store.rows()] == ["completed"]


def test_keep_after_keeps_an_answer_and_nothing_for_a_skipped_question(tmp_path: Path) -> None:
    from knee_desktop.history.feel import KneeFeel

    store = HistoryStore(tmp_path / "h.sqlite3", now_wall=Wall())
    session, _ = make_session()
    recorder = HistoryRecorder(store, session, feel_before=5, note="before")
    session.start()
    for skipped in (None, KneeFeel(None)):
        recorder.keep_after(skipped)
        (record,) = store.sessions()
        assert (record.feel_after, record.note) == (None, "before")
    recorder.keep_after(KneeFeel(2, "easier"))
    (record,) = store.sessions()
    assert (record.feel_before, record.feel_after, record.note) == (5, 2, "easier")
    session.stop()
    recorder.detach()
    store.close()
