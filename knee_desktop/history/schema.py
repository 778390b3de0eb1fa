"""The history database schema and its forward migrations.

``PRAGMA user_version`` holds the schema version. A new database is made by the first
schema's DDL (:data:`V1_DDL`, kept verbatim forever) followed by every migration, so the
migrations run on every fresh install and a test can make a version-1 file and migrate it.
Never edit a migration once released: add a new one.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable

# Version 1, as first released: sessions and their steps.
V1_DDL = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    routine_id TEXT NOT NULL,
    title TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    started_ts REAL NOT NULL,
    utc_offset INTEGER NOT NULL DEFAULT 0,
    ended_ts REAL,
    end_state TEXT CHECK (end_state IN ('completed', 'stopped', 'interrupted')),
    at_step INTEGER,
    at_title TEXT,
    planned_seconds REAL NOT NULL DEFAULT 0,
    steps_planned INTEGER NOT NULL DEFAULT 0,
    exercise_seconds REAL NOT NULL DEFAULT 0,
    paused_seconds REAL NOT NULL DEFAULT 0,
    steps_done INTEGER NOT NULL DEFAULT 0,
    reps_done INTEGER NOT NULL DEFAULT 0,
    legs_done TEXT NOT NULL DEFAULT '',
    feel_before INTEGER CHECK (feel_before BETWEEN 0 AND 10),
    feel_after INTEGER CHECK (feel_after BETWEEN 0 AND 10),
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE steps (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    step_index INTEGER NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    movement TEXT,
    leg TEXT,
    reps_planned INTEGER,
    reps_done INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    completed INTEGER NOT NULL DEFAULT 0,
    ended_ts REAL,
    PRIMARY KEY (session_id, seq)
);
PRAGMA user_version = 1;
"""


def _v1_to_v2(db: sqlite3.Connection) -> None:
    """Version 2: a UUID per session (export/import without duplicates), the owner of a
    running session (so a live second instance's session is not taken for a crashed one),
    the time of the last write, and an index for the date order."""
    db.execute("ALTER TABLE sessions ADD COLUMN uuid TEXT")
    db.execute("ALTER TABLE sessions ADD COLUMN updated_ts REAL")
    db.execute("ALTER TABLE sessions ADD COLUMN owner_pid INTEGER")
    db.execute("ALTER TABLE sessions ADD COLUMN owner_host TEXT")
    db.execute("ALTER TABLE sessions ADD COLUMN app_version TEXT")
    ids = [row[0] for row in db.execute("SELECT id FROM sessions")]
    db.executemany("UPDATE sessions SET uuid = ? WHERE id = ?",
                   [(str(uuid.uuid4()), i) for i in ids])
    db.execute("UPDATE sessions SET updated_ts = COALESCE(ended_ts, started_ts)")
    db.execute("CREATE UNIQUE INDEX sessions_uuid ON sessions(uuid)")
    db.execute("CREATE INDEX sessions_started ON sessions(started_ts)")


def _v2_to_v3(db: sqlite3.Connection) -> None:
    """Version 3: a session's exercise time counts its movements, still pauses, rests and
    presses, not the spoken setup, the leg switch or the closing words (the total kept in
    the row is worked out again from its steps)."""
    # The kinds written out, not records.EXERCISE_KINDS: a released migration never changes.
    db.execute("UPDATE sessions SET exercise_seconds = (SELECT COALESCE(sum(seconds), 0)"
               " FROM steps WHERE steps.session_id = sessions.id"
               " AND kind IN ('move', 'still', 'rest', 'press'))"
               " WHERE typeof(exercise_seconds) IN ('integer', 'real')")


# MIGRATIONS[n] takes a version-n database to version n + 1.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
}
CURRENT_VERSION = 1 + len(MIGRATIONS)


def user_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection) -> int:
    """Bring ``db`` to :data:`CURRENT_VERSION`, each step in its own transaction.

    Returns the version found. A database from a newer app is left alone (it is read and
    written only through columns this version knows).

    ``db`` must be in autocommit mode (``isolation_level=None``): transactions are explicit.
    """
    found = user_version(db)
    if found == 0:
        _in_transaction(db, 0, create_v1)
    version = max(found, 1)
    while version < CURRENT_VERSION:
        _in_transaction(db, version, MIGRATIONS[version])
        version += 1
    return found


def create_v1(db: sqlite3.Connection) -> None:
    """Make the version-1 tables (the pragma at the end sets user_version to 1)."""
    for statement in V1_DDL.split(";"):
        if statement.strip():
            db.execute(statement)


def _in_transaction(db: sqlite3.Connection, version: int,
                    step: Callable[[sqlite3.Connection], None]) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        if user_version(db) == version:  # another instance may have just done it
            step(db)
            db.execute(f"PRAGMA user_version = {version + 1}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
