"""The history database's path may hold something that is not ours: another program's
SQLite file (a link to it, or a file put there), a FIFO, a device or a folder. None of them
is ever written: no table is added, no journal mode changed, nothing renamed aside."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from knee_desktop.history.records import HistoryError

OUR_TABLES = frozenset({"sessions", "steps"})


def refuse_special(path: Path) -> None:
    """HistoryError if ``path`` (after links) exists and is not a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # missing (made new) or unreadable (SQLite's own error says so)
    if not stat.S_ISREG(mode):
        shown = f"{path} (a link to {os.path.realpath(path)})" if path.is_symlink() else path
        raise HistoryError(f"The history file {shown} is not a regular file (a folder, a FIFO "
                           "or a device); it was left as it is and nothing was saved there. "
                           "Move it away to let the app keep its history.")


def refuse_foreign(db: sqlite3.Connection, path: Path) -> None:
    """HistoryError if the existing database holds tables and not ours (another program's
    file): the app must not add its tables to it."""
    try:
        tables = {row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    except sqlite3.DatabaseError:
        return  # not a database at all: the caller's checks say so (and keep it aside)
    if tables and not tables >= OUR_TABLES:
        shown = f"{path} (a link to {os.path.realpath(path)})" if path.is_symlink() else path
        names = ", ".join(sorted(tables)[:5]) + ("…" if len(tables) > 5 else "")
        raise HistoryError(f"The history file {shown} is another program's database (its "
                           f"tables: {names}); it was left as it is and nothing was saved "
                           "there. Move it away to let the app keep its history.")
