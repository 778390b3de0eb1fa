"""The history store: schema migrations, corrupt files, owner locks, reading and import."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bench.labs.history_data import TZ, Wall, fake_history
from knee_desktop.history import schema as history_schema
from knee_desktop.history.store import (
    HistoryError,
    HistoryStore,
    SessionRecord,
    StepRecord,
    current_streak,
    default_path,
)


def test_default_path_is_in_the_user_data_dir(isolated_dirs: Path) -> None:
    assert default_path() == isolated_dirs / ".local/share/knee-desktop/history.sqlite3"


def test_new_file_is_wal_at_current_version(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        db = store.open()
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert history_schema.user_version(db) == history_schema.CURRENT_VERSION
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_migrates_a_version_1_file(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    history_schema.create_v1(db)
    assert history_schema.user_version(db) == 1
    db.execute("INSERT INTO sessions (routine_id, title, started_ts, utc_offset, ended_ts,"
               " end_state, exercise_seconds, steps_done, reps_done, legs_done, feel_before,"
               " feel_after, note) VALUES ('windshield-wiper', 'Wipers', 1772433000, 3600,"
               " 1772433500, 'completed', 480, 25, 100, 'left,right', 5, 3, 'old note')")
    db.execute("INSERT INTO sessions (routine_id, title, started_ts) VALUES"
               " ('windshield-wiper', 'Wipers', 1772519400)")  # never finished, no owner
    db.execute("INSERT INTO steps (session_id, seq, step_index, title, kind, reps_done, seconds,"
               " completed) VALUES (1, 0, 1, 'Wipe to the left', 'move', 10, 20.5, 1)")
    db.close()

    with HistoryStore(path) as store:
        assert history_schema.user_version(store.open()) == history_schema.CURRENT_VERSION
        rows = store.rows()
        assert [r.end_state for r in rows] == ["interrupted", "completed"]
        old = store.session(rows[1].id)
        assert old is not None
        assert old.note == "old note" and (old.feel_before, old.feel_after) == (5, 3)
        assert old.started == datetime(2026, 3, 2, 7, 30, tzinfo=TZ)
        assert old.steps[0].title == "Wipe to the left" and old.steps[0].seconds == 20.5
        assert len({r.uuid for r in store.sessions()}) == 2  # each got its own UUID


def test_version_3_counts_only_the_exercise_in_exercise_time(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    history_schema.create_v1(db)
    history_schema.MIGRATIONS[1](db)
    db.execute("PRAGMA user_version = 2")
    db.execute("INSERT INTO sessions (uuid, routine_id, title, started_ts, ended_ts, end_state,"
               " exercise_seconds) VALUES ('a', 'windshield-wiper', 'Wipers', 1772433000,"
               " 1772433500, 'completed', 90)")
    for seq, (kind, seconds) in enumerate((("lead-in", 20), ("move", 30), ("still", 10),
                                           ("switch", 4), ("rest", 6), ("press", 12),
                                           ("end", 8))):
        db.execute("INSERT INTO steps (session_id, seq, step_index, title, kind, seconds)"
                   " VALUES (1, ?, ?, 'Step', ?, ?)", (seq, seq, kind, seconds))
    db.close()
    with HistoryStore(path) as store:
        (row,) = store.rows()
        assert row.exercise_seconds == 30 + 10 + 6 + 12  # not the setup, switch or end
        record = store.session(row.id)
        assert record is not None and record.exercise_seconds == row.exercise_seconds


def test_a_second_open_of_a_migrated_file_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    HistoryStore(path).open().close()
    with HistoryStore(path) as again:
        assert history_schema.migrate(again.open()) == history_schema.CURRENT_VERSION


def test_garbage_file_is_moved_aside_never_deleted(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    garbage = b"this is not a database, it was overwritten by something " * 200
    path.write_bytes(garbage)
    wall = Wall(datetime(2026, 11, 24, 6, 5, 9, tzinfo=TZ))
    with HistoryStore(path, now_wall=wall) as store:
        assert store.rows() == []
        aside = tmp_path / "history.sqlite3.corrupt-20261124-060509"
        assert store.quarantined == [aside]
        assert aside.read_bytes() == garbage
        assert str(aside) in store.messages[0]
        store.save_session(SessionRecord("windshield-wiper", "Wipers", wall()))
        assert store.count() == 1
    # A second damaged file in the same second gets its own name.
    path.write_bytes(garbage)
    with HistoryStore(path, now_wall=wall) as store:
        store.open()
        assert store.quarantined == [tmp_path / "history.sqlite3.corrupt-20261124-060509-2"]


def test_damaged_pages_found_when_reading_are_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with HistoryStore(path) as store:
        fake_history(store, days=60)
        store.open().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 2: page * 6] = b"\xff" * (page * 4)  # trash some table pages, keep the header
    path.write_bytes(bytes(data))
    with HistoryStore(path) as store:
        # Found at open or by this read; either way the next read starts fresh.
        with contextlib.suppress(HistoryError):
            store.sessions()
        assert store.quarantined and store.quarantined[0].exists()
        assert store.sessions() == []


def test_a_path_that_cannot_be_opened_is_a_history_error(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.mkdir()  # a real failure even for root
    with pytest.raises(HistoryError, match="not a regular file"):
        HistoryStore(path).save_session(SessionRecord("r", "R", datetime.now(TZ)))
    assert path.is_dir()  # not taken for a damaged file


def test_unfinished_session_with_a_live_owner_is_not_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    wall = Wall()
    first = HistoryStore(path, now_wall=wall)
    live = SessionRecord("windshield-wiper", "Wipers", wall())
    lock = first.claim(live.uuid)
    assert lock is not None
    first.save_session(live)
    dead = SessionRecord("windshield-wiper", "Wipers", wall() - timedelta(days=1))
    first.save_session(dead)  # saved, but its owner lock is not held by anyone

    with HistoryStore(path, now_wall=wall) as second:  # a second instance opens the file
        states = {r.id: r.end_state for r in second.rows()}
        assert states == {live.id: None, dead.id: "interrupted"}
        assert any("interrupted" in m for m in second.messages)

    lock.release()  # the first instance's process is gone now
    with HistoryStore(path, now_wall=wall) as third:
        assert {r.end_state for r in third.rows()} == {"interrupted"}
    first.close()


def test_import_does_not_double(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "a.sqlite3") as a:
        records = fake_history(a, days=30)
        exported = a.sessions()
    with HistoryStore(tmp_path / "b.sqlite3") as b:
        assert b.import_sessions(exported[:10]) == (10, 0)
        assert b.import_sessions(exported) == (len(records) - 10, 10)
        assert b.import_sessions(exported + exported) == (0, 2 * len(exported))
        assert b.count() == len(records)
        again = b.sessions()
    assert [(r.uuid, r.started, r.end_state, len(r.steps), r.note) for r in again] == \
        [(r.uuid, r.started, r.end_state, len(r.steps), r.note) for r in exported]


def test_delete_removes_the_session_and_its_steps(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        fake_history(store, days=5)
        victim = store.rows()[0].id
        store.delete(victim)
        assert store.session(victim) is None
        db = store.open()
        assert db.execute("SELECT count(*) FROM steps WHERE session_id = ?",
                          (victim,)).fetchone()[0] == 0


def test_weekly_aggregates_and_active_days(tmp_path: Path) -> None:
    wall = Wall(datetime(2026, 3, 11, 9, 0, tzinfo=TZ))  # a Wednesday
    with HistoryStore(tmp_path / "h.sqlite3", now_wall=wall) as store:
        def add(day: int, hour: int, minutes: float, before: int | None, after: int | None,
                reps: int = 10) -> None:
            start = datetime(2026, 3, day, hour, tzinfo=TZ)
            step = StepRecord(1, "Wipe", "move", leg="left", reps_done=reps,
                              seconds=minutes * 60, completed=True)
            store.save_session(SessionRecord("w", "W", start, end_state="completed",
                                             feel_before=before, feel_after=after,
                                             steps=[step]), owner=False)
        add(2, 8, 8, 6, 4)   # Monday of the week of 2 March
        add(2, 23, 4, None, 2)  # late evening, same local day
        add(10, 7, 8, 4, 2)
        add(11, 7, 8, None, None)
        add(9, 7, 1, None, None, reps=0)  # nothing done: not an active day
        weeks = store.weekly(weeks=3)
        assert [w.monday for w in weeks] == [date(2026, 2, 23), date(2026, 3, 2),
                                             date(2026, 3, 9)]
        assert [w.sessions for w in weeks] == [0, 2, 3]
        assert weeks[1].minutes == pytest.approx(12)
        assert (weeks[1].feel_before, weeks[1].feel_after) == (6, 3)
        assert store.active_days() == [date(2026, 3, 2), date(2026, 3, 10), date(2026, 3, 11)]
        assert current_streak(store.active_days(), date(2026, 3, 11)) == 2
        assert current_streak(store.active_days(), date(2026, 3, 12)) == 2  # today not over
        assert current_streak(store.active_days(), date(2026, 3, 13)) == 0
