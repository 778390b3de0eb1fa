"""The session history: a crash-safe SQLite file written as each session goes.

``<data_dir>/history.sqlite3`` in WAL mode with a busy timeout, so a second running
instance waits its turn instead of failing or corrupting anything. Every write is one short
``BEGIN IMMEDIATE`` transaction. Times are wall-clock records (``now_wall`` is injectable):
seconds since the epoch plus the UTC offset in force, so days and weeks are the user's own.

A session row is written when it starts and marked with its end state when it ends:
``completed``, ``stopped`` (by the user; ``at_step``/``at_title`` say where) or
``interrupted`` (found unfinished at a later open, with nobody holding its owner lock: the
process crashed or was killed). Problems come out as :class:`HistoryError` with a message
for the user. A file that is not a database any more is moved aside, never deleted.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid as uuidlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from knee_desktop import __version__
from knee_desktop.common import limits, paths
from knee_desktop.common.errors import KneeError
from knee_desktop.history.owner_lock import OwnerLock, is_held
from knee_desktop.history.schema import migrate

FILE_NAME = "history.sqlite3"
END_STATES = limits.END_STATES
T = TypeVar("T")
NowWall = Callable[[], datetime]

_CORRUPT_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
# Sessions this process records but could not make a lock file for (read-only disk).
_RECORDING_WITHOUT_LOCK: set[str] = set()


class HistoryError(KneeError):
    """The history could not be read or written; the message says why, for the user.
    ``busy``: another instance held the file longer than the busy timeout (transient)."""

    def __init__(self, message: str, *, busy: bool = False) -> None:
        super().__init__(message)
        self.busy = busy


def default_path() -> Path:
    return paths.data_dir() / FILE_NAME


def local_now() -> datetime:
    return datetime.now().astimezone()


def to_datetime(ts: float, offset: int) -> datetime:
    """A stored time as an aware datetime in the UTC offset it was recorded with."""
    return datetime.fromtimestamp(ts, _zone(offset))


@lru_cache(maxsize=64)
def _zone(offset: int) -> timezone:
    return timezone(timedelta(seconds=offset))


def _stamp(when: datetime) -> tuple[float, int]:
    if when.tzinfo is None:
        when = when.astimezone()
    offset = when.utcoffset() or timedelta(0)
    return when.timestamp(), int(offset.total_seconds())


@dataclass
class StepRecord:
    """One step of a session as it went."""

    step_index: int
    title: str
    kind: str
    movement: str | None = None
    leg: str | None = None
    reps_planned: int | None = None
    reps_done: int = 0
    seconds: float = 0.0
    completed: bool = False
    ended: datetime | None = None


@dataclass
class SessionRecord:
    """A whole session: what the store writes and what export/import carry."""

    routine_id: str
    title: str
    started: datetime
    uuid: str = field(default_factory=lambda: str(uuidlib.uuid4()))
    settings: dict[str, Any] = field(default_factory=dict)
    planned_seconds: float = 0.0
    steps_planned: int = 0
    ended: datetime | None = None
    end_state: str | None = None
    at_step: int | None = None
    at_title: str | None = None
    paused_seconds: float = 0.0
    feel_before: int | None = None
    feel_after: int | None = None
    note: str = ""
    steps: list[StepRecord] = field(default_factory=list)
    id: int | None = None  # the row id in one database; not carried across machines

    # Totals derived from the steps (stored too, so the table reads one row per session).
    @property
    def exercise_seconds(self) -> float:
        return sum(s.seconds for s in self.steps)

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s.completed)

    @property
    def reps_done(self) -> int:
        return sum(s.reps_done for s in self.steps)

    @property
    def legs_done(self) -> str:
        legs = {s.leg for s in self.steps if s.leg and s.reps_done > 0}
        return ",".join(sorted(legs))


class Row(NamedTuple):
    """One line of the history table (a tuple: 10,000 of them are made in milliseconds)."""

    id: int
    started: datetime
    routine_id: str
    title: str
    exercise_seconds: float
    paused_seconds: float
    legs_done: str
    legs_planned: int
    end_state: str | None  # None: still being recorded (or by a live second instance)
    at_title: str | None
    steps_done: int
    steps_planned: int
    feel_before: int | None
    feel_after: int | None
    note: str


@dataclass(frozen=True)
class Week:
    monday: date
    sessions: int
    minutes: float
    feel_before: float | None
    feel_after: float | None


def current_streak(days: Iterable[date], today: date) -> int:
    """Days in a row with a session, ending today (or yesterday: today is not over)."""
    active = set(days)
    day = today if today in active else today - timedelta(days=1)
    streak = 0
    while day in active:
        streak += 1
        day -= timedelta(days=1)
    return streak


def _friendly(exc: sqlite3.Error, path: Path) -> str:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        why = "the disk is full"
    elif code == sqlite3.SQLITE_BUSY:
        why = "another copy of knee-desktop kept it busy"
    elif code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN):
        why = f"the file cannot be written ({exc})"
    else:
        why = str(exc)
    return f"The history in {path} could not be saved: {why}."


def _is_corrupt(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return isinstance(exc, sqlite3.DatabaseError) and code in _CORRUPT_CODES


_SESSION_COLUMNS = (
    "uuid, routine_id, title, settings, started_ts, utc_offset, ended_ts, end_state, at_step,"
    " at_title, planned_seconds, steps_planned, exercise_seconds, paused_seconds, steps_done,"
    " reps_done, legs_done, feel_before, feel_after, note, updated_ts, owner_pid, owner_host,"
    " app_version"
)
_STEP_COLUMNS = ("seq, step_index, title, kind, movement, leg, reps_planned, reps_done, seconds,"
                 " completed, ended_ts")


class HistoryStore:
    """The history file. Opens lazily; after a failed write it reopens on the next one.

    ``messages`` collects what the user should be told that is not an error of one call
    (a corrupt file moved aside, sessions found interrupted).
    """

    def __init__(self, path: Path | None = None, *, now_wall: NowWall = local_now,
                 read_only: bool = False, busy_timeout: float = 5.0) -> None:
        self.path = path or default_path()
        self.now_wall = now_wall
        self.read_only = read_only
        self.busy_timeout = busy_timeout
        self.messages: list[str] = []
        self.quarantined: list[Path] = []
        self._db: sqlite3.Connection | None = None

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
            if not _is_corrupt(exc):
                raise HistoryError(_friendly(exc, self.path)) from exc
            self._quarantine()
            try:
                db = self._connect()
            except sqlite3.Error as again:
                raise HistoryError(_friendly(again, self.path)) from again
        self._db = db
        if not self.read_only:
            self._recover_interrupted(db)
        return db

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            db = sqlite3.connect(self.path.as_uri() + "?mode=ro", uri=True,
                                 timeout=self.busy_timeout, isolation_level=None)
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise sqlite3.OperationalError(f"cannot make {self.path.parent}: {exc}") from exc
            db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
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
            raise
        return db

    def _quarantine(self) -> None:
        """Move a corrupt file (and its WAL and shared-memory files) aside and say where."""
        stamp = self.now_wall().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        try:
            os.replace(self.path, target)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    os.replace(side, target.with_name(target.name + suffix))
        except OSError as exc:
            raise HistoryError(f"The history file {self.path} is damaged and could not be "
                               f"moved aside ({exc}). Nothing was deleted.") from exc
        self.quarantined.append(target)
        self.messages.append(
            f"The history file was damaged, so it was moved aside to {target} (nothing was "
            "deleted) and a new history was started.")

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
        """Run ``fn`` in one short write transaction; HistoryError if it cannot be done."""
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
            busy = getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
            raise HistoryError(_friendly(exc, self.path), busy=busy) from exc
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
        if _is_corrupt(exc):
            try:
                self._quarantine()
            except HistoryError as moved:
                self.messages.append(str(moved))

    def _now(self) -> float:
        return _stamp(self.now_wall())[0]

    # ---- a session as it goes (the recorder's calls) ----------------------------------
    def claim(self, session_uuid: str) -> OwnerLock | None:
        """Take the owner lock of a session about to be recorded (before its row exists,
        so no other instance can take it for a crashed one). None if it cannot be made."""
        try:
            lock = OwnerLock.acquire(self.live_dir / f"{session_uuid}.lock")
        except OSError:
            lock = None
        if lock is None:  # this process at least knows the session is alive
            _RECORDING_WITHOUT_LOCK.add(session_uuid)
        return lock

    def unclaim(self, session_uuid: str) -> None:
        """The session claimed by :meth:`claim` without a lock is no longer recorded."""
        _RECORDING_WITHOUT_LOCK.discard(session_uuid)

    def save_session(self, rec: SessionRecord, *, owner: bool = True) -> int:
        """Write ``rec`` whole (insert or update, with all its steps). Used when a session
        starts and to catch up after failed writes: it is idempotent."""
        def write(db: sqlite3.Connection) -> int:
            return self._upsert(db, rec, owner=owner, replace=True)
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
            db.execute(f"INSERT OR REPLACE INTO steps (session_id, {_STEP_COLUMNS})"
                       " SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM sessions WHERE uuid = ?",
                       (*_step_values(seq, step), rec.uuid))
            return True
        return self._write(write)

    def update_session(self, rec: SessionRecord) -> bool:
        """Write the session row's own fields (position, pauses, end, knee feel, note);
        False if the row is missing."""
        def write(db: sqlite3.Connection) -> bool:
            ended = _stamp(rec.ended)[0] if rec.ended else None
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

    def _upsert(self, db: sqlite3.Connection, rec: SessionRecord, *, owner: bool,
                replace: bool) -> int:
        started, offset = _stamp(rec.started)
        ended = _stamp(rec.ended)[0] if rec.ended else None
        values = (rec.uuid, rec.routine_id, rec.title, json.dumps(rec.settings), started, offset,
                  ended, rec.end_state, rec.at_step, rec.at_title, rec.planned_seconds,
                  rec.steps_planned, rec.exercise_seconds, rec.paused_seconds, rec.steps_done,
                  rec.reps_done, rec.legs_done, rec.feel_before, rec.feel_after, rec.note,
                  self._now() if owner else (ended or started),
                  os.getpid() if owner else None, socket.gethostname() if owner else None,
                  __version__ if owner else None)
        marks = ", ".join("?" * len(values))
        updates = ", ".join(f"{c.strip()} = excluded.{c.strip()}"
                            for c in _SESSION_COLUMNS.split(",")[1:])
        row = db.execute(f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES ({marks})"
                         f" ON CONFLICT(uuid) DO UPDATE SET {updates} RETURNING id",
                         values).fetchone()
        session_id = int(row[0])
        if replace:
            db.execute("DELETE FROM steps WHERE session_id = ?", (session_id,))
        db.executemany(f"INSERT INTO steps (session_id, {_STEP_COLUMNS})"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(session_id, *_step_values(i, s)) for i, s in enumerate(rec.steps)])
        return session_id

    # ---- crashes and second instances --------------------------------------------------
    def _recover_interrupted(self, db: sqlite3.Connection) -> None:
        """Mark unfinished sessions whose owner is gone as ``interrupted``."""
        try:
            rows = db.execute("SELECT id, uuid FROM sessions WHERE end_state IS NULL").fetchall()
            dead = [i for i, u in rows if u not in _RECORDING_WITHOUT_LOCK
                    and not is_held(self.live_dir / f"{u}.lock")]
            if not dead:
                return
            db.execute("BEGIN IMMEDIATE")
            db.executemany("UPDATE sessions SET end_state = 'interrupted',"
                           " ended_ts = COALESCE(ended_ts, updated_ts, started_ts)"
                           " WHERE id = ? AND end_state IS NULL", [(i,) for i in dead])
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            self.messages.append(f"Could not mark unfinished sessions as interrupted: {exc}.")
            return
        for _, u in rows:
            lock = self.live_dir / f"{u}.lock"
            if not is_held(lock):
                lock.unlink(missing_ok=True)
        n = len(dead)
        were = "sessions were" if n != 1 else "session was"
        self.messages.append(f"{n} {were} cut short (the app was closed or crashed) and "
                             "kept as interrupted, with the steps done.")

    # ---- reading ---------------------------------------------------------------------
    def rows(self) -> list[Row]:
        """Every session for the table, newest first: one indexed scan, no join."""
        def read(db: sqlite3.Connection) -> list[Row]:
            cur = db.execute(
                "SELECT id, started_ts, utc_offset, routine_id, title, exercise_seconds,"
                " paused_seconds, legs_done, COALESCE(json_array_length(settings, '$.legs'), 0),"
                " end_state, at_title, steps_done, steps_planned, feel_before, feel_after, note"
                " FROM sessions ORDER BY started_ts DESC")
            zone = _zone
            stamp = datetime.fromtimestamp
            return [Row(r[0], stamp(r[1], zone(r[2])), *r[3:]) for r in cur]
        return self._read(read)

    def count(self) -> int:
        return int(self._read(lambda db: db.execute("SELECT count(*) FROM sessions").fetchone()[0]))

    def session(self, session_id: int) -> SessionRecord | None:
        def read(db: sqlite3.Connection) -> SessionRecord | None:
            row = db.execute(f"SELECT id, {_SESSION_COLUMNS} FROM sessions WHERE id = ?",
                             (session_id,)).fetchone()
            if row is None:
                return None
            steps = db.execute(f"SELECT {_STEP_COLUMNS}, ? FROM steps WHERE session_id = ?"
                               " ORDER BY seq", (row[6], session_id)).fetchall()
            return _record(row, steps)
        return self._read(read)

    def sessions(self) -> list[SessionRecord]:
        """Every session with its steps, oldest first (for export)."""
        def read(db: sqlite3.Connection) -> list[SessionRecord]:
            heads = db.execute(f"SELECT id, {_SESSION_COLUMNS} FROM sessions"
                               " ORDER BY started_ts, id").fetchall()
            by_id: dict[int, list[tuple[Any, ...]]] = {}
            offsets = {h[0]: h[6] for h in heads}
            for s in db.execute(f"SELECT session_id, {_STEP_COLUMNS} FROM steps"
                                " ORDER BY session_id, seq"):
                by_id.setdefault(s[0], []).append((*s[1:], offsets.get(s[0], 0)))
            return [_record(h, by_id.get(h[0], [])) for h in heads]
        return self._read(read)

    def export_json(self) -> list[str]:
        """Every session as one JSON object (text), oldest first, built by SQLite's JSON
        functions: the format of docs/history.md (``history_io.session_json`` is the same in
        Python, the reference the tests compare with)."""
        def iso(column: str) -> str:
            return (f"CASE WHEN {column} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S',"
                    f" {column} + utc_offset, 'unixepoch') || printf('%s%02d:%02d', CASE WHEN"
                    " utc_offset < 0 THEN '-' ELSE '+' END, abs(utc_offset) / 3600,"
                    " abs(utc_offset) % 3600 / 60) END")

        def read(db: sqlite3.Connection) -> list[str]:
            # Steps come out in seq order: GROUP BY walks the (session_id, seq) key, and
            # steps are inserted in order anyway. No round() here: it costs more than the
            # rest together; seconds are rounded when written.
            steps = dict(db.execute(
                "SELECT t.session_id, json_group_array(json_object('index', t.step_index,"
                " 'title', t.title, 'kind', t.kind, 'movement', t.movement, 'leg', t.leg,"
                " 'reps_planned', t.reps_planned, 'reps_done', t.reps_done,"
                " 'seconds', t.seconds,"
                " 'completed', CASE t.completed WHEN 0 THEN json('false') ELSE json('true') END,"
                " 'ended_after_ms', CAST((t.ended_ts - s.started_ts) * 1000 + 0.5 AS INTEGER)))"
                " FROM steps AS t JOIN sessions AS s ON s.id = t.session_id"
                " GROUP BY t.session_id"))
            out = []
            for sid, head in db.execute(
                    "SELECT id, json_object('uuid', uuid, 'routine', routine_id, 'title', title,"
                    " 'settings', json(settings), 'started', " + iso("started_ts") + ","
                    " 'ended', " + iso("ended_ts") + ", 'end_state', end_state,"
                    " 'at_step', at_step, 'at_title', at_title,"
                    " 'planned_seconds', round(planned_seconds, 3),"
                    " 'steps_planned', steps_planned, 'paused_seconds', round(paused_seconds, 3),"
                    " 'feel_before', feel_before, 'feel_after', feel_after, 'note', note)"
                    " FROM sessions ORDER BY started_ts, id"):
                out.append(f'{head[:-1]},"steps":{steps.get(sid, "[]")}}}')
            return out
        return self._read(read)

    def uuids(self) -> set[str]:
        return {r[0] for r in self._read(lambda db: db.execute("SELECT uuid FROM sessions")
                                         .fetchall())}

    def weekly(self, weeks: int | None = None, today: date | None = None) -> list[Week]:
        """Sessions, exercise minutes and average knee feel per local week (Monday first),
        aggregated in SQL; every week in the range is present, empty ones with zeros."""
        def read(db: sqlite3.Connection) -> list[Week]:
            since = ""
            args: tuple[Any, ...] = ()
            if weeks is not None:
                first = _monday(today or self.now_wall().date()) - timedelta(weeks=weeks - 1)
                since = " WHERE started_ts + utc_offset >= ?"
                args = (datetime(first.year, first.month, first.day,
                                 tzinfo=UTC).timestamp(),)
            cur = db.execute(
                "SELECT date(started_ts + utc_offset, 'unixepoch', '-6 days', 'weekday 1') AS w,"
                " count(*), sum(exercise_seconds) / 60.0, avg(feel_before), avg(feel_after)"
                f" FROM sessions{since} GROUP BY w ORDER BY w", args)
            return [Week(date.fromisoformat(r[0]), *r[1:]) for r in cur]
        found = self._read(read)
        last = _monday(today or self.now_wall().date())
        if weeks is not None:
            first = last - timedelta(weeks=weeks - 1)
        elif found:
            first = found[0].monday
        else:
            return []
        have = {w.monday: w for w in found}
        out = []
        monday = first
        while monday <= last or monday in have:
            out.append(have.get(monday, Week(monday, 0, 0.0, None, None)))
            monday += timedelta(weeks=1)
        return out

    def active_days(self) -> list[date]:
        """Local days with a session in which at least one movement was done."""
        def read(db: sqlite3.Connection) -> list[date]:
            cur = db.execute("SELECT DISTINCT date(started_ts + utc_offset, 'unixepoch') AS d"
                             " FROM sessions WHERE reps_done > 0 ORDER BY d")
            return [date.fromisoformat(r[0]) for r in cur]
        return self._read(read)

    # ---- import ----------------------------------------------------------------------
    def import_sessions(self, records: Sequence[SessionRecord],
                        batch: int = 500) -> tuple[int, int]:
        """Add the sessions not already present (by UUID). Returns (added, already there).
        Written in batches, each one short transaction, so a running session never waits."""
        known = self.uuids()
        fresh: list[SessionRecord] = []
        for rec in records:
            if rec.uuid not in known:
                known.add(rec.uuid)
                fresh.append(rec)
        for i in range(0, len(fresh), batch):
            chunk = fresh[i:i + batch]

            def write(db: sqlite3.Connection, chunk: list[SessionRecord] = chunk) -> None:
                for rec in chunk:
                    self._upsert(db, rec, owner=False, replace=False)
            self._write(write)
        return len(fresh), len(records) - len(fresh)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _step_values(seq: int, s: StepRecord) -> tuple[Any, ...]:
    return (seq, s.step_index, s.title, s.kind, s.movement, s.leg, s.reps_planned, s.reps_done,
            round(s.seconds, 3), int(s.completed), _stamp(s.ended)[0] if s.ended else None)


def _record(row: Sequence[Any], steps: Sequence[Sequence[Any]]) -> SessionRecord:
    """A SessionRecord from ``id, <_SESSION_COLUMNS>`` and ``<_STEP_COLUMNS>, utc_offset``."""
    (sid, uid, routine_id, title, settings, started_ts, offset, ended_ts, end_state, at_step,
     at_title, planned, steps_planned, _ex, paused, _sd, _rd, _ld, before, after, note,
     *_owner) = row
    return SessionRecord(
        id=sid, uuid=uid, routine_id=routine_id, title=title,
        settings=json.loads(settings or "{}"), started=to_datetime(started_ts, offset),
        ended=to_datetime(ended_ts, offset) if ended_ts is not None else None,
        end_state=end_state, at_step=at_step, at_title=at_title, planned_seconds=planned,
        steps_planned=steps_planned, paused_seconds=paused, feel_before=before,
        feel_after=after, note=note or "",
        steps=[StepRecord(step_index=s[1], title=s[2], kind=s[3], movement=s[4], leg=s[5],
                          reps_planned=s[6], reps_done=s[7], seconds=s[8],
                          completed=bool(s[9]),
                          ended=to_datetime(s[10], s[11]) if s[10] is not None else None)
               for s in steps])
