"""When the history file is not well: damaged files moved aside, sessions cut short by a
crash, and what SQLite's errors mean for the user."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Container
from pathlib import Path

from knee_desktop.history.owner_lock import is_held
from knee_desktop.history.records import HistoryError, NowWall

_CORRUPT_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def error_code(exc: sqlite3.Error) -> int:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF


def friendly(exc: sqlite3.Error, path: Path) -> str:
    """A one-line reason, for the user, that the history in ``path`` was not saved."""
    code = error_code(exc)
    if code == sqlite3.SQLITE_FULL:
        why = "the disk is full"
    elif code == sqlite3.SQLITE_BUSY:
        why = "another copy of knee-desktop kept it busy"
    elif code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN):
        why = f"the file cannot be written ({exc})"
    else:
        why = str(exc)
    return f"The history in {path} could not be saved: {why}."


def is_corrupt(exc: sqlite3.Error) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and error_code(exc) in _CORRUPT_CODES


def quarantine(path: Path, now_wall: NowWall) -> tuple[Path, str]:
    """Move a corrupt file (and its WAL and shared-memory files) aside; (where, what to tell
    the user). HistoryError if it cannot be moved: nothing is ever deleted."""
    stamp = now_wall().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        os.replace(path, target)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
    except OSError as exc:
        raise HistoryError(f"The history file {path} is damaged and could not be "
                           f"moved aside ({exc}). Nothing was deleted.") from exc
    return target, (f"The history file was damaged, so it was moved aside to {target} "
                    "(nothing was deleted) and a new history was started.")


def recover_interrupted(db: sqlite3.Connection, live_dir: Path,
                        alive: Container[str]) -> str | None:
    """Mark unfinished sessions whose owner is gone as ``interrupted``; what to tell the user.
    ``alive``: sessions this store records without a lock file (read-only disk)."""
    try:
        rows = db.execute("SELECT id, uuid FROM sessions WHERE end_state IS NULL").fetchall()
        dead = [i for i, u in rows if u not in alive and not is_held(live_dir / f"{u}.lock")]
        if not dead:
            return None
        db.execute("BEGIN IMMEDIATE")
        db.executemany("UPDATE sessions SET end_state = 'interrupted',"
                       " ended_ts = COALESCE(ended_ts, updated_ts, started_ts)"
                       " WHERE id = ? AND end_state IS NULL", [(i,) for i in dead])
        db.execute("COMMIT")
    except sqlite3.Error as exc:
        if db.in_transaction:
            db.execute("ROLLBACK")
        return f"Could not mark unfinished sessions as interrupted: {exc}."
    for _, u in rows:
        lock = live_dir / f"{u}.lock"
        if not is_held(lock):
            with contextlib.suppress(OSError):
                lock.unlink(missing_ok=True)
    n = len(dead)
    were = "sessions were" if n != 1 else "session was"
    return (f"{n} {were} cut short (the app was closed or crashed) and "
            "kept as interrupted, with the steps done.")
