"""Writing a session record's row and its steps (the SQL; the store runs it in its
transactions)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from typing import Any

from knee_desktop import __version__
from knee_desktop.history.queries import SESSION_COLUMNS, STEP_COLUMNS
from knee_desktop.history.records import SessionRecord, StepRecord, stamp


def upsert_session(db: sqlite3.Connection, rec: SessionRecord, *, now: float, owner: bool,
                   replace: bool) -> int:
    """Insert or update ``rec``'s row and write its steps (all of them again with
    ``replace``); its id. ``owner``: this process runs the session (pid, host, version and
    ``now`` are kept); else an imported or caught-up record, dated by its own times."""
    started, offset = stamp(rec.started)
    ended = stamp(rec.ended)[0] if rec.ended else None
    values = (rec.uuid, rec.routine_id, rec.title, json.dumps(rec.settings, allow_nan=False),
              started, offset, ended, rec.end_state, rec.at_step, rec.at_title,
              rec.planned_seconds, rec.steps_planned, rec.exercise_seconds,
              rec.paused_seconds, rec.steps_done, rec.reps_done, rec.legs_done,
              rec.feel_before, rec.feel_after, rec.note,
              now if owner else (ended or started),
              os.getpid() if owner else None, socket.gethostname() if owner else None,
              __version__ if owner else None)
    marks = ", ".join("?" * len(values))
    updates = ", ".join(f"{c.strip()} = excluded.{c.strip()}"
                        for c in SESSION_COLUMNS.split(",")[1:])
    row = db.execute(f"INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ({marks})"
                     f" ON CONFLICT(uuid) DO UPDATE SET {updates} RETURNING id",
                     values).fetchone()
    session_id = int(row[0])
    if replace:
        db.execute("DELETE FROM steps WHERE session_id = ?", (session_id,))
    db.executemany(f"INSERT INTO steps (session_id, {STEP_COLUMNS})"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [(session_id, *step_values(i, s)) for i, s in enumerate(rec.steps)])
    return session_id


def step_values(seq: int, s: StepRecord) -> tuple[Any, ...]:
    return (seq, s.step_index, s.title, s.kind, s.movement, s.leg, s.reps_planned, s.reps_done,
            round(s.seconds, 3), int(s.completed), stamp(s.ended)[0] if s.ended else None)
