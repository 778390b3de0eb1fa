"""Reading the history: the table, whole sessions, the export, weekly summaries.

Plain functions over an open connection (:class:`~knee_desktop.history.store.HistoryStore`
runs them). Every reader survives a bad row written by an older version or another tool:
such a row is shown marked ``damaged`` (or left out of the export and counted), never a
crash, never deleted.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from knee_desktop.common import limits
from knee_desktop.history.records import (
    EARLIEST,
    LATEST,
    MAX_OFFSET,
    Row,
    SessionRecord,
    StepRecord,
    Week,
    Zones,
    monday,
    safe_datetime,
)

SESSION_COLUMNS = (
    "uuid, routine_id, title, settings, started_ts, utc_offset, ended_ts, end_state, at_step,"
    " at_title, planned_seconds, steps_planned, exercise_seconds, paused_seconds, steps_done,"
    " reps_done, legs_done, feel_before, feel_after, note, updated_ts, owner_pid, owner_host,"
    " app_version"
)
STEP_COLUMNS = ("seq, step_index, title, kind, movement, leg, reps_planned, reps_done, seconds,"
                " completed, ended_ts")
# The names of the rows :func:`record` reads: ``id, <SESSION_COLUMNS>`` and
# ``<STEP_COLUMNS>, utc_offset`` (the session's offset, for the step's end time).
SESSION_FIELDS = ("id", *(c.strip() for c in SESSION_COLUMNS.split(",")))
STEP_FIELDS = (*(c.strip() for c in STEP_COLUMNS.split(",")), "utc_offset")
_LO, _HI = int(EARLIEST.timestamp()), int(LATEST.timestamp())
# SQL: the session's own times are in the range every reader can show.
_SANE_TIMES = (f"(typeof(started_ts) IN ('integer', 'real') AND started_ts BETWEEN {_LO} AND {_HI}"
               f" AND typeof(utc_offset) = 'integer'"
               f" AND utc_offset BETWEEN {-MAX_OFFSET} AND {MAX_OFFSET}"
               f" AND (ended_ts IS NULL OR (typeof(ended_ts) IN ('integer', 'real')"
               f" AND ended_ts BETWEEN {_LO} AND {_HI})))")
# A BLOB anywhere (written by another tool) makes SQLite's JSON functions fail the whole
# export: such a session is damaged, shown marked and left out of the export.
_SESSION_VALUES = ("uuid", "routine_id", "title", "settings", "end_state", "at_step",
                   "at_title", "planned_seconds", "steps_planned", "paused_seconds",
                   "feel_before", "feel_after", "note")
_STEP_VALUES = ("step_index", "title", "kind", "movement", "leg", "reps_planned",
                "reps_done", "seconds", "completed")


def _no_blob(columns: tuple[str, ...], table: str = "") -> str:
    return " AND ".join(f"typeof({table}{c}) != 'blob'" for c in columns)


_SANE = (f"({_SANE_TIMES} AND {_no_blob(_SESSION_VALUES)} AND json_valid(settings)"
         f" AND NOT EXISTS (SELECT 1 FROM steps AS b WHERE b.session_id = sessions.id"
         f" AND NOT ({_no_blob(_STEP_VALUES, 'b.')})))")
_FEEL = range(int(limits.KNEE_FEEL.lo), int(limits.KNEE_FEEL.hi) + 1)
MAX_STEP_MS = 7 * 24 * 3600 * 1000  # a step ends at most a week from its session's start


def _number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _whole(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _feel(v: object) -> bool:
    return v is None or (_whole(v) and v in _FEEL)


def _row_ok(r: Row) -> bool:
    return (isinstance(r.routine_id, str) and isinstance(r.title, str)
            and _number(r.exercise_seconds) and _number(r.paused_seconds)
            and isinstance(r.legs_done, str) and _whole(r.legs_planned)
            and (r.end_state is None or r.end_state in limits.END_STATES)
            and (r.at_title is None or isinstance(r.at_title, str))
            and _whole(r.steps_done) and _whole(r.steps_planned)
            and _feel(r.feel_before) and _feel(r.feel_after) and isinstance(r.note, str))


def _damaged_row(r: Row) -> Row:
    """The row as far as it can be shown: bad values replaced by neutral ones."""
    def text(v: object) -> str:
        return v if isinstance(v, str) else ""

    def num(v: object) -> float:
        return float(v) if _number(v) else 0.0  # type: ignore[arg-type]

    def whole(v: object) -> int:
        return v if _whole(v) else 0  # type: ignore[return-value]
    return Row(r.id, r.started, text(r.routine_id), text(r.title) or "(damaged record)",
               num(r.exercise_seconds), num(r.paused_seconds), text(r.legs_done),
               whole(r.legs_planned),
               r.end_state if r.end_state is None or r.end_state in limits.END_STATES
               else "interrupted",
               r.at_title if isinstance(r.at_title, str) else None, whole(r.steps_done),
               whole(r.steps_planned), r.feel_before if _feel(r.feel_before) else None,
               r.feel_after if _feel(r.feel_after) else None, text(r.note), True)


def rows(db: sqlite3.Connection) -> list[Row]:
    """Every session for the table, newest first: one indexed scan, no join."""
    cur = db.execute(
        "SELECT id, started_ts, utc_offset, routine_id, title, exercise_seconds,"
        " paused_seconds, legs_done, CASE WHEN json_valid(settings) THEN"
        " COALESCE(json_array_length(settings, '$.legs'), 0) ELSE 0 END,"
        " end_state, at_title, steps_done, steps_planned, feel_before, feel_after, note,"
        f" {_SANE} FROM sessions ORDER BY started_ts DESC")
    out = []
    zones: Zones = {}
    for r in cur:
        started = safe_datetime(r[1], r[2], zones)
        row = Row(r[0], started or EARLIEST, *r[3:16])
        sound = r[16] and started is not None and _row_ok(row)
        out.append(row if sound else _damaged_row(row))
    return out


def count(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT count(*) FROM sessions").fetchone()[0])


def uuids(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("SELECT uuid FROM sessions")}


def session(db: sqlite3.Connection, session_id: int) -> SessionRecord | None:
    row = db.execute(f"SELECT id, {SESSION_COLUMNS} FROM sessions WHERE id = ?",
                     (session_id,)).fetchone()
    if row is None:
        return None
    steps = db.execute(f"SELECT {STEP_COLUMNS}, ? FROM steps WHERE session_id = ?"
                       " ORDER BY seq", (row[6], session_id)).fetchall()
    return record(row, steps)


def sessions(db: sqlite3.Connection, since: float | None = None) -> list[SessionRecord]:
    """Every session with its steps, oldest first (for export); ``since``: only those
    started from that time (seconds since the epoch) on (a report reads weeks, not years)."""
    where, args = ("", ()) if since is None else (" WHERE started_ts >= ?", (since,))
    heads = db.execute(f"SELECT id, {SESSION_COLUMNS} FROM sessions{where}"
                       " ORDER BY started_ts, id", args).fetchall()
    by_id: dict[int, list[tuple[Any, ...]]] = {}
    offsets = {h[0]: h[6] for h in heads}
    only = "" if since is None else \
        " WHERE session_id IN (SELECT id FROM sessions WHERE started_ts >= ?)"
    for s in db.execute(f"SELECT session_id, {STEP_COLUMNS} FROM steps{only}"
                        " ORDER BY session_id, seq", args):
        by_id.setdefault(s[0], []).append((*s[1:], offsets.get(s[0], 0)))
    zones: Zones = {}
    return [record(h, by_id.get(h[0], []), zones) for h in heads]


def export_json(db: sqlite3.Connection) -> tuple[list[str], int]:
    """(every sound session as one JSON object (text), oldest first; how many damaged ones
    were left out). Built by SQLite's JSON functions: the format of docs/history.md
    (``io.session_json`` is the same in Python, the reference the tests compare with)."""
    def iso(column: str) -> str:
        return (f"CASE WHEN {column} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S',"
                f" {column} + utc_offset, 'unixepoch') || printf('%s%02d:%02d', CASE WHEN"
                " utc_offset < 0 THEN '-' ELSE '+' END, abs(utc_offset) / 3600,"
                " abs(utc_offset) % 3600 / 60) END")

    # Steps come out in seq order: GROUP BY walks the (session_id, seq) key, and steps are
    # inserted in order anyway. No round() here: it costs more than the rest together;
    # seconds are rounded when written.
    # CAST truncates toward zero: half away from zero on both sides, as Python's round()
    # (a step ended 5 ms before its session's start came back -4, then -3, ...).
    ms = ("CAST((t.ended_ts - s.started_ts) * 1000 + CASE WHEN t.ended_ts < s.started_ts"
          " THEN -0.5 ELSE 0.5 END AS INTEGER)")
    steps = dict(db.execute(
        "SELECT t.session_id, json_group_array(json_object('index', t.step_index,"
        " 'title', t.title, 'kind', t.kind, 'movement', t.movement, 'leg', t.leg,"
        " 'reps_planned', t.reps_planned, 'reps_done', t.reps_done,"
        " 'seconds', t.seconds,"
        " 'completed', CASE t.completed WHEN 0 THEN json('false') ELSE json('true') END,"
        f" 'ended_after_ms', CASE WHEN abs(t.ended_ts - s.started_ts) <= {MAX_STEP_MS // 1000}"
        f" THEN {ms} END))"
        " FROM steps AS t JOIN sessions AS s ON s.id = t.session_id"
        f" WHERE {_no_blob(_STEP_VALUES, 't.')}"
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
            f" FROM sessions WHERE {_SANE} ORDER BY started_ts, id"):
        out.append(f'{head[:-1]},"steps":{steps.get(sid, "[]")}}}')
    left_out = db.execute(f"SELECT count(*) FROM sessions WHERE NOT {_SANE}").fetchone()[0]
    return out, int(left_out)


def weekly(db: sqlite3.Connection, first: date | None,
           routine: str | None = None) -> list[Week]:
    """Sessions, exercise minutes and average knee feel per local week (Monday first) from
    the week of ``first`` (None: all), of one routine (None: all), aggregated in SQL; only
    weeks with sessions."""
    since = ""
    args: tuple[Any, ...] = ()
    if first is not None:
        since = " AND started_ts + utc_offset >= ?"
        args = (datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp(),)
    if routine is not None:
        since += " AND routine_id = ?"
        args = (*args, routine)
    cur = db.execute(
        "SELECT date(started_ts + utc_offset, 'unixepoch', '-6 days', 'weekday 1') AS w,"
        " count(*), sum(exercise_seconds) / 60.0, avg(feel_before), avg(feel_after)"
        f" FROM sessions WHERE {_SANE_TIMES}{since} GROUP BY w ORDER BY w", args)
    return [Week(date.fromisoformat(r[0]), *r[1:]) for r in cur if r[0] is not None]


def fill_weeks(found: list[Week], first: date | None, last: date) -> list[Week]:
    """Every week from ``first`` (None: the first found) to ``last``, empty ones zero."""
    if first is None:
        if not found:
            return []
        first = found[0].monday
    have = {w.monday: w for w in found}
    out = []
    day = monday(first)
    while day <= last or day in have:
        out.append(have.get(day, Week(day, 0, 0.0, None, None)))
        day += timedelta(weeks=1)
    return out


def active_days(db: sqlite3.Connection) -> list[date]:
    """Local days with a session in which at least one movement was done."""
    cur = db.execute("SELECT DISTINCT date(started_ts + utc_offset, 'unixepoch') AS d"
                     f" FROM sessions WHERE reps_done > 0 AND {_SANE_TIMES} ORDER BY d")
    return [date.fromisoformat(r[0]) for r in cur if r[0] is not None]


def _settings(text: object) -> dict[str, Any] | None:
    if text is None or text == "":
        return {}
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _named(names: tuple[str, ...], row: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(names, row, strict=True))


def _step_record(s: dict[str, Any], zones: Zones) -> tuple[StepRecord, bool]:
    """A StepRecord from ``<STEP_COLUMNS>, utc_offset`` by name; whether it was sound."""
    ended = safe_datetime(s["ended_ts"], s["utc_offset"], zones)
    index, title, kind = s["step_index"], s["title"], s["kind"]
    ok = (_whole(index) and isinstance(title, str) and isinstance(kind, str)
          and _whole(s["reps_done"]) and _number(s["seconds"])
          and (ended is not None or s["ended_ts"] is None))
    return StepRecord(
        step_index=index if _whole(index) else 0, title=title if isinstance(title, str) else "",
        kind=kind if isinstance(kind, str) else "", movement=s["movement"], leg=s["leg"],
        reps_planned=s["reps_planned"] if _whole(s["reps_planned"]) else None,
        reps_done=s["reps_done"] if _whole(s["reps_done"]) else 0,
        seconds=float(s["seconds"]) if _number(s["seconds"]) else 0.0,
        completed=bool(s["completed"]), ended=ended), ok


def record(row: Sequence[Any], steps: Sequence[Sequence[Any]],
           zones: Zones | None = None) -> SessionRecord:
    """A SessionRecord from ``id, <SESSION_COLUMNS>`` and ``<STEP_COLUMNS>, utc_offset``.
    Values no reader can use are replaced and the record marked ``damaged``."""
    r = _named(SESSION_FIELDS, row)
    zones = {} if zones is None else zones
    started = safe_datetime(r["started_ts"], r["utc_offset"], zones)
    ended = safe_datetime(r["ended_ts"], r["utc_offset"], zones)
    parsed = _settings(r["settings"])
    routine_id, title, end_state = r["routine_id"], r["title"], r["end_state"]
    planned, paused, steps_planned = r["planned_seconds"], r["paused_seconds"], r["steps_planned"]
    before, after = r["feel_before"], r["feel_after"]
    at_step, at_title = r["at_step"], r["at_title"]
    damaged = (started is None or (ended is None and r["ended_ts"] is not None)
               or parsed is None
               or not (isinstance(routine_id, str) and isinstance(title, str))
               or not (_number(planned) and _number(paused) and _whole(steps_planned))
               or not (_feel(before) and _feel(after))
               or not (end_state is None or end_state in limits.END_STATES))
    out_steps = []
    for s in steps:
        step, ok = _step_record(_named(STEP_FIELDS, s), zones)
        out_steps.append(step)
        damaged = damaged or not ok
    return SessionRecord(
        id=r["id"], uuid=r["uuid"], routine_id=routine_id if isinstance(routine_id, str) else "",
        title=title if isinstance(title, str) else "(damaged record)",
        settings=parsed or {}, started=started or EARLIEST, ended=ended,
        end_state=end_state if end_state is None or end_state in limits.END_STATES
        else "interrupted",
        at_step=at_step if _whole(at_step) else None,
        at_title=at_title if isinstance(at_title, str) else None,
        planned_seconds=float(planned) if _number(planned) else 0.0,
        steps_planned=steps_planned if _whole(steps_planned) else 0,
        paused_seconds=float(paused) if _number(paused) else 0.0,
        feel_before=before if _feel(before) else None,
        feel_after=after if _feel(after) else None,
        note=r["note"] if isinstance(r["note"], str) else "", steps=out_steps, damaged=damaged)
