"""The session history: a crash-safe SQLite file written as each session goes.

``<data_dir>/history.sqlite3`` in WAL mode with a busy timeout, so a second running
instance waits its turn instead of failing or corrupting anything. Every write is one short
``BEGIN IMMEDIATE`` transaction. Times are wall-clock records (``now_wall`` is injectable).

A session row is written when it starts and marked with its end state when it ends:
``completed``, ``stopped`` (by the user; ``at_step``/``at_title`` say where) or
``interrupted`` (found unfinished at a later open, with nobody holding its owner lock: the
process crashed or was killed). Problems come out as :class:`HistoryError` with a message for
the user. A file that is not a database any more is moved aside, never deleted (:mod:`.recovery`);
another program's database is never written (:mod:`.foreign`). Reads: :mod:`.queries`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from knee_desktop.common import limits, paths
from knee_desktop.history import queries
from knee_desktop.history.foreign import refuse_foreign, refuse_special
from knee_desktop.history.owner_lock import OwnerLock
from knee_desktop.history.queries import STEP_COLUMNS
from knee_desktop.history.records import (
    HistoryError,
    NowWall,
    Row,
    SessionRecord,
    StepRecord,
    Week,
    current_streak,
    local_now,
    monday,
    stamp,
    to_datetime,
)
from knee_desktop.history.recovery import (
    error_code,
    friendly,
    is_corrupt,
    live_dirs,
    pick_up,
    quarantine,
    recover_interrupted,
    remove_failed_creation,
)
from knee_desktop.history.schema import migrate, user_version
from knee_desktop.history.writes import step_values, upsert_session

# The data types live in .records; importing them from here keeps working.
__all__ = ["END_STATES", "FILE_NAME", "HistoryError", "HistoryStore", "Row", "SessionRecord",
           "StepRecord", "Week", "current_streak", "default_path", "local_now", "to_datetime"]

FILE_NAME = paths.HISTORY_FILE
END_STATES = limits.END_STATES
T = TypeVar("T")


def default_path() -> Path:
    return paths.history_file()


class HistoryStore:
    """The history file. Opens lazily; after a failed write it reopens on the next one.
    ``messages``: what the user should be told that is not an error of one call."""

    def __init__(self, path: Path | None = None, *, now_wall: NowWall = local_now,
                 read_only: bool = False, busy_timeout: float = 5.0) -> None:
        self.path = path or default_path()
        self.now_wall = now_wall
        self.read_only = read_only
        self.busy_timeout = busy_timeout
        self.messages: list[str] = []
        self.quarantined: list[Path] = []
        self._db: sqlite3.Connection | None = None
        # Sessions this store records but could not make a lock file for (read-only disk).
        self._alive_without_lock: set[str] = set()
        self.left_out = 0  # damaged sessions the last export left out
        self._pick_up_told = False

    # ---- opening ---------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return self._read_only

    @read_only.setter
    def read_only(self, value: bool) -> None:
        """Opened with ``?mode=ro``: SQLite refuses every write. Changing it reconnects."""
        if value != getattr(self, "_read_only", value):
            self.close()
        self._read_only = value

    @property
    def live_dir(self) -> Path:
        """Owner lock files of the sessions being recorded right now."""
        return self.path.with_name(self.path.name + ".live")

    def open(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        try:
            db = self._connect()
        except sqlite3.DatabaseError as exc:
            if not is_corrupt(exc):
                raise HistoryError(friendly(exc, self.path)) from exc
            self._quarantine()
            try:
                db = self._connect()
            except sqlite3.Error as again:
                raise HistoryError(friendly(again, self.path)) from again
        self._db = db
        if not self.read_only:
            told = recover_interrupted(db, self.path, self._alive_without_lock)
            if told:
                self.messages.append(told)
            try:
                self.messages += pick_up(self.path, self._save_kept)
            except HistoryError as exc:  # the disk is still bad: the files stay
                if not self._pick_up_told:
                    self._pick_up_told = True
                    self.messages.append(f"Sessions kept aside could not be added yet: {exc}")
                try:  # the failed write dropped the connection; reads may still work
                    self._db = db = self._connect()
                except sqlite3.Error as again:
                    raise HistoryError(friendly(again, self.path)) from again
        return db

    def _save_kept(self, records: list[SessionRecord]) -> None:
        """Sessions kept aside when they could not be saved: whole, over any partial row."""
        def write(db: sqlite3.Connection) -> None:
            for rec in records:
                upsert_session(db, rec, now=self._now(), owner=False, replace=True)
        self._write(write)

    def _connect(self) -> sqlite3.Connection:
        refuse_special(self.path)
        existed = self.read_only or self.path.exists()
        if self.read_only:
            db = sqlite3.connect(self.path.as_uri() + "?mode=ro", uri=True,
                                 timeout=self.busy_timeout, isolation_level=None)
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise sqlite3.OperationalError(f"cannot make {self.path.parent}: {exc}") from exc
            db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        # Text that is not UTF-8 (a file written by another tool) reads as text, not an error.
        db.text_factory = lambda b: b.decode("utf-8", "replace")
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            if existed:
                refuse_foreign(db, self.path)  # before WAL or a table changes another's file
            if not self.read_only:
                db.execute("PRAGMA journal_mode = WAL")
                # WAL + NORMAL: a commit survives the app being killed; only a power cut
                # can lose the last moments, and it never corrupts the file.
                db.execute("PRAGMA synchronous = NORMAL")
                db.execute("PRAGMA foreign_keys = ON")
                migrate(db)
            # Reads the header and the schema: garbage fails here, not halfway through.
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            db.close()
            if not existed:
                remove_failed_creation(self.path)
            raise
        return db

    def _quarantine(self) -> None:
        target, told = quarantine(self.path, self.now_wall)
        self.quarantined.append(target)
        self.messages.append(told)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- running queries -------------------------------------------------------------
    def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in one write transaction; HistoryError if it cannot be done."""
        db = self.open()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                result = fn(db)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._after_error(exc)
            busy = error_code(exc) == sqlite3.SQLITE_BUSY
            raise HistoryError(friendly(exc, self.path), busy=busy) from exc
        return result

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        db = self.open()
        try:
            return fn(db)
        except sqlite3.Error as exc:
            self._after_error(exc)
            raise HistoryError(f"The history in {self.path} could not be read: {exc}.") from exc

    def _after_error(self, exc: sqlite3.Error) -> None:
        """Drop the connection (the next call reopens: the disk may be back); a file found
        damaged is moved aside so the next call starts a fresh one."""
        self.close()
        if is_corrupt(exc):
            try:
                self._quarantine()
            except HistoryError as moved:
                self.messages.append(str(moved))

    def _now(self) -> float:
        return stamp(self.now_wall())[0]

    # ---- a session as it goes (the recorder's calls) ----------------------------------
    def claim(self, session_uuid: str) -> OwnerLock | None:
        """Take the owner lock of a session about to be recorded (before its row exists,
        so no other instance can take it for a crashed one). None if it cannot be made."""
        lock = None
        for folder in live_dirs(self.path):  # beside the history, else the cache folder
            try:
                lock = OwnerLock.acquire(folder / f"{session_uuid}.lock")
            except OSError:
                continue
            break
        if lock is None:  # nowhere: this store at least knows the session is alive
            self._alive_without_lock.add(session_uuid)
        return lock

    def unclaim(self, session_uuid: str) -> None:
        """The session claimed by :meth:`claim` without a lock is no longer recorded."""
        self._alive_without_lock.discard(session_uuid)

    def warm_up(self) -> None:
        """Open the file and start its write-ahead log with a write that changes nothing: a
        process's first write syncs the log and its folder to disk (two fdatasyncs)."""
        self._write(lambda db: db.execute(f"PRAGMA user_version = {user_version(db)}"))

    def save_session(self, rec: SessionRecord, *, owner: bool = True) -> int:
        """Write ``rec`` whole (insert or update, with all its steps). Used when a session
        starts and to catch up after failed writes: it is idempotent."""
        def write(db: sqlite3.Connection) -> int:
            return upsert_session(db, rec, now=self._now(), owner=owner, replace=True)
        rec.id = self._write(write)
        return rec.id

    def add_step(self, rec: SessionRecord, step: StepRecord) -> bool:
        """Record one finished step and the session's new totals. False if the session row
        is missing (the file was replaced): call :meth:`save_session` instead."""
        seq = len(rec.steps) - 1 if rec.steps and rec.steps[-1] is step else len(rec.steps)

        def write(db: sqlite3.Connection) -> bool:
            found = db.execute(
                "UPDATE sessions SET exercise_seconds = ?, steps_done = ?, reps_done = ?,"
                " legs_done = ?, paused_seconds = ?, updated_ts = ? WHERE uuid = ?",
                (rec.exercise_seconds, rec.steps_done, rec.reps_done, rec.legs_done,
                 rec.paused_seconds, self._now(), rec.uuid)).rowcount
            if not found:
                return False
            db.execute(f"INSERT OR REPLACE INTO steps (session_id, {STEP_COLUMNS})"
                       " SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM sessions WHERE uuid = ?",
                       (*step_values(seq, step), rec.uuid))
            return True
        return self._write(write)

    def update_session(self, rec: SessionRecord) -> bool:
        """Write the session row's own fields (position, pauses, end, knee feel, note);
        False if the row is missing."""
        def write(db: sqlite3.Connection) -> bool:
            ended = stamp(rec.ended)[0] if rec.ended else None
            return bool(db.execute(
                "UPDATE sessions SET ended_ts = ?, end_state = ?, at_step = ?, at_title = ?,"
                " paused_seconds = ?, feel_before = ?, feel_after = ?, note = ?, updated_ts = ?"
                " WHERE uuid = ?",
                (ended, rec.end_state, rec.at_step, rec.at_title, rec.paused_seconds,
                 rec.feel_before, rec.feel_after, rec.note, self._now(), rec.uuid)).rowcount)
        return self._write(write)

    def set_feel(self, session_id: int, *, before: int | None = None,
                 after: int | None = None, note: str | None = None) -> None:
        """Change the knee feel or the note of a stored session (e.g. from the window)."""
        def write(db: sqlite3.Connection) -> None:
            if before is not None:
                db.execute("UPDATE sessions SET feel_before = ? WHERE id = ?",
                           (before, session_id))
            if after is not None:
                db.execute("UPDATE sessions SET feel_after = ? WHERE id = ?", (after, session_id))
            if note is not None:
                db.execute("UPDATE sessions SET note = ? WHERE id = ?", (note, session_id))
        self._write(write)

    def delete(self, session_id: int) -> None:
        def write(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM steps WHERE session_id = ?", (session_id,))
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        self._write(write)

    # ---- reading (the queries are in .queries) ----------------------------------------
    def rows(self) -> list[Row]:
        """Every session for the table, newest first; damaged rows marked, not dropped."""
        return self._read(queries.rows)

    def count(self) -> int:
        return self._read(queries.count)

    def session(self, session_id: int) -> SessionRecord | None:
        return self._read(lambda db: queries.session(db, session_id))

    def sessions(self, since: float | None = None) -> list[SessionRecord]:
        """Every session with its steps, oldest first (for export); ``since``: from then."""
        return self._read(lambda db: queries.sessions(db, since))

    def export_json(self) -> list[str]:
        """Every sound session as one JSON object (text), oldest first; the damaged ones
        left out are counted in :attr:`left_out` (and said in :attr:`messages`)."""
        out, self.left_out = self._read(queries.export_json)
        if self.left_out:
            n = self.left_out
            self.messages.append(
                f"{n} damaged session{'s were' if n != 1 else ' was'} left out of the export "
                f"(kept in {self.path}; `knee-desktop history` shows them marked damaged).")
        return out
    def uuids(self) -> set[str]:
        return self._read(queries.uuids)

    def weekly(self, weeks: int | None = None, today: date | None = None,
               routine: str | None = None) -> list[Week]:
        """Sessions, exercise minutes and average knee feel per local week (Monday first),
        of one routine (None: all); every week in the range is present, empty ones zero."""
        last = monday(today or self.now_wall().date())
        first = last - timedelta(weeks=weeks - 1) if weeks is not None else None
        found = self._read(lambda db: queries.weekly(db, first, routine))
        return queries.fill_weeks(found, first, last)

    def active_days(self) -> list[date]:
        """Local days with a session in which at least one movement was done."""
        return self._read(queries.active_days)

    # ---- import ----------------------------------------------------------------------
    def import_sessions(self, records: Sequence[SessionRecord]) -> tuple[int, int]:
        """Add the sessions not already present (by UUID), all in ONE transaction: all or
        nothing, also under a kill or a full disk. Returns (added, already there)."""
        def write(db: sqlite3.Connection) -> int:
            known = queries.uuids(db)
            added = 0
            for rec in records:
                if rec.uuid not in known:
                    known.add(rec.uuid)
                    upsert_session(db, rec, now=self._now(), owner=False, replace=False)
                    added += 1
            return added
        added = self._write(write)
        return added, len(records) - added
