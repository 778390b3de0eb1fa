"""When the history file is not well: damaged files moved aside, sessions cut short by a
crash, sessions that could not be saved kept in a file until they can, and what SQLite's
errors mean for the user."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Container
from pathlib import Path

from knee_desktop.common import paths
from knee_desktop.common.errors import KneeError
from knee_desktop.history import import_check as check
from knee_desktop.history.jsonformat import FORMAT, FORMAT_VERSION, session_json
from knee_desktop.history.owner_lock import is_held
from knee_desktop.history.records import HistoryError, NowWall, SessionRecord

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


def remove_failed_creation(history: Path) -> None:
    """A new history file that could not be set up (a full disk) is removed, not left
    empty (with its side files)."""
    try:
        if history.exists() and history.stat().st_size == 0:
            history.unlink()
            for suffix in ("-wal", "-shm", "-journal"):
                history.with_name(history.name + suffix).unlink(missing_ok=True)
    except OSError:
        pass


def live_dirs(history: Path) -> list[Path]:
    """Where owner locks are made, best first: beside the history; else (a read-only data
    folder) the cache folder, so other instances still see the session is alive."""
    return [history.with_name(history.name + ".live"), paths.cache_dir() / "live"]


def recover_interrupted(db: sqlite3.Connection, history: Path,
                        alive: Container[str]) -> str | None:
    """Mark unfinished sessions whose owner is gone as ``interrupted``; what to tell the user.
    ``alive``: sessions this store records without any lock file (nowhere to make one)."""
    def held(u: str) -> bool:
        return any(is_held(d / f"{u}.lock") for d in live_dirs(history))
    try:
        rows = db.execute("SELECT id, uuid FROM sessions WHERE end_state IS NULL").fetchall()
        dead = [i for i, u in rows if u not in alive and not held(u)]
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
        for folder in live_dirs(history):
            lock = folder / f"{u}.lock"
            if not is_held(lock):
                with contextlib.suppress(OSError):
                    lock.unlink(missing_ok=True)
    n = len(dead)
    were = "sessions were" if n != 1 else "session was"
    return (f"{n} {were} cut short (the app was closed or crashed) and "
            "kept as interrupted, with the steps done.")


# ---- sessions that could not be saved ------------------------------------------------------
def unsaved_dirs(history: Path) -> list[Path]:
    """Where a session the history could not take is kept, best first: beside the history
    file (the data folder), else the cache folder (it may be on another disk)."""
    return [history.with_name(history.name + ".unsaved"), paths.cache_dir() / "unsaved"]


def keep_unsaved(rec: SessionRecord, history: Path) -> Path:
    """Write ``rec`` as a one-session export file that :func:`pick_up` adds to ``history``
    at the next open; where it is. OSError (every reason) if no folder would take it."""
    text = json.dumps({"format": FORMAT, "version": FORMAT_VERSION,
                       "history": str(history.absolute()),
                       "sessions": [session_json(rec)]}, allow_nan=False)
    reasons = []
    for n, folder in enumerate(unsaved_dirs(history)):
        target = folder / f"{rec.uuid}.json"
        part = target.with_name(target.name + ".part")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with part.open("w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(part, target)
        except OSError as exc:
            reasons.append(f"{folder}: {exc.strerror or exc}")
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
            continue
        for other in unsaved_dirs(history)[n + 1:]:  # an older copy elsewhere is stale
            with contextlib.suppress(OSError):
                (other / target.name).unlink(missing_ok=True)
        return target
    raise OSError("; ".join(reasons))


def discard_unsaved(session_uuid: str, history: Path) -> None:
    """The session is in the history now: its kept copies go."""
    for folder in unsaved_dirs(history):
        with contextlib.suppress(OSError):
            (folder / f"{session_uuid}.json").unlink(missing_ok=True)


def pick_up(history: Path, save: Callable[[list[SessionRecord]], None]) -> list[str]:
    """Add the sessions kept by :func:`keep_unsaved` for ``history`` with ``save`` (which
    writes them whole, replacing a partial row); what to tell the user. A file that cannot
    be read back is renamed ``.bad`` and said; HistoryError from ``save`` leaves the files."""
    told = []
    mine = str(history.absolute())
    for folder in unsaved_dirs(history):
        if not folder.is_dir():
            continue
        for file in sorted(folder.glob("*.json")):
            try:
                data = check.parse(check.read_bounded(file), file)
                if not isinstance(data, dict) or data.get("history") != mine:
                    continue  # kept for another history file
                records = [check.session(s, f"session {i + 1}")
                           for i, s in enumerate(data.get("sessions") or [])]
            except (KneeError, check.ImportProblem) as exc:
                with contextlib.suppress(OSError):
                    file.rename(file.with_name(file.name + ".bad"))
                told.append(f"A session kept in {file} could not be read back ({exc}); it "
                            "was renamed .bad and left there.")
                continue
            save(records)
            with contextlib.suppress(OSError):
                file.unlink()
            for rec in records:
                told.append(f"The session of {rec.started:%A %d %B at %H:%M} that could not be "
                            f"saved then was added to the history now (it was kept in {file}).")
    return told
