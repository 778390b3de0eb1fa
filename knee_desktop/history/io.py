"""History export (JSON, CSV) and import (JSON). Formats: docs/history.md.

The JSON export carries everything needed to rebuild the history on another machine; each
session has a UUID, so importing a file twice, or into the history it came from, adds
nothing twice.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Container, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from knee_desktop import __version__
from knee_desktop.common.errors import KneeError
from knee_desktop.history.store import END_STATES, HistoryStore, SessionRecord, StepRecord

FORMAT = "knee-desktop-history"
FORMAT_VERSION = 1
CSV_COLUMNS = ("uuid", "started", "ended", "routine", "title", "end_state", "at_step",
               "at_title", "exercise_minutes", "paused_minutes", "planned_minutes",
               "steps_done", "steps_planned", "reps_done", "legs_done", "feel_before",
               "feel_after", "note")


def _iso(when: datetime | None) -> str | None:
    return when.isoformat(timespec="seconds") if when else None


def _step_json(s: StepRecord, started: datetime) -> dict[str, Any]:
    after = round((s.ended - started).total_seconds() * 1000) if s.ended else None
    return {"index": s.step_index, "title": s.title, "kind": s.kind, "movement": s.movement,
            "leg": s.leg, "reps_planned": s.reps_planned, "reps_done": s.reps_done,
            "seconds": round(s.seconds, 3), "completed": s.completed, "ended_after_ms": after}


def session_json(r: SessionRecord) -> dict[str, Any]:
    """One session of the export (the store builds the same in SQL, faster)."""
    return {
        "uuid": r.uuid, "routine": r.routine_id, "title": r.title, "settings": r.settings,
        "started": _iso(r.started), "ended": _iso(r.ended), "end_state": r.end_state,
        "at_step": r.at_step, "at_title": r.at_title,
        "planned_seconds": round(r.planned_seconds, 3), "steps_planned": r.steps_planned,
        "paused_seconds": round(r.paused_seconds, 3), "feel_before": r.feel_before,
        "feel_after": r.feel_after, "note": r.note,
        "steps": [_step_json(s, r.started) for s in r.steps],
    }


def dump_json(store: HistoryStore, out: TextIO) -> None:
    """Write the export: a header, then one session per line (diff- and grep-friendly)."""
    head = {"format": FORMAT, "version": FORMAT_VERSION, "app_version": __version__,
            "exported": _iso(store.now_wall())}
    out.write(json.dumps(head)[:-1] + ', "sessions": [')
    out.write("\n" + ",\n".join(store.export_json()) + "\n]}\n")


def dump_csv(records: Iterable[SessionRecord], out: TextIO) -> None:
    """One row per session, for a spreadsheet (no steps: use JSON for those)."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in records:
        w.writerow([r.uuid, _iso(r.started), _iso(r.ended) or "", r.routine_id, r.title,
                    r.end_state or "running", "" if r.at_step is None else r.at_step,
                    r.at_title or "", f"{r.exercise_seconds / 60:.2f}",
                    f"{r.paused_seconds / 60:.2f}", f"{r.planned_seconds / 60:.2f}",
                    r.steps_done, r.steps_planned, r.reps_done, r.legs_done,
                    "" if r.feel_before is None else r.feel_before,
                    "" if r.feel_after is None else r.feel_after, r.note])


def csv_text(records: Iterable[SessionRecord]) -> str:
    buf = io.StringIO()
    dump_csv(records, buf)
    return buf.getvalue()


class _Fields:
    """Typed access to one JSON object, with errors that say where."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise ValueError(f"{where}: expected an object")
        self.data = data
        self.where = where

    def get(self, key: str, kind: type | tuple[type, ...], required: bool = True,
            default: Any = None) -> Any:
        value = self.data.get(key, default)
        if value is None and not required:
            return default
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            value = None  # a bool is not a number here
        if not isinstance(value, kind):
            raise ValueError(f'{self.where}: field "{key}" is missing or not {_name(kind)}')
        return value

    def time(self, key: str, required: bool = True) -> datetime | None:
        text = self.get(key, str, required)
        if text is None:
            return None
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f'{self.where}: field "{key}": expected an ISO 8601 date and '
                             f"time, got {text!r}") from None
        return when if when.tzinfo else when.astimezone()

    def feel(self, key: str) -> int | None:
        value: int | None = self.get(key, int, required=False)
        if value is not None and not 0 <= value <= 10:
            raise ValueError(f'{self.where}: field "{key}": expected 0 to 10, got {value}')
        return value


def _name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
             list: "a list", dict: "an object"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _session(data: Any, where: str) -> SessionRecord:
    f = _Fields(data, where)
    state = f.get("end_state", str, required=False)
    if state is not None and state not in END_STATES:
        raise ValueError(f'{where}: field "end_state": expected one of '
                         f"{', '.join(END_STATES)}, got {state!r}")
    started = f.time("started")
    assert started is not None

    def after_start(ms: int | None) -> datetime | None:
        return None if ms is None else started + timedelta(milliseconds=ms)
    steps = []
    for i, raw in enumerate(f.get("steps", list, required=False, default=[])):
        s = _Fields(raw, f"{where}, step {i + 1}")
        steps.append(StepRecord(
            step_index=s.get("index", int), title=s.get("title", str), kind=s.get("kind", str),
            movement=s.get("movement", str, False), leg=s.get("leg", str, False),
            reps_planned=s.get("reps_planned", int, False),
            reps_done=s.get("reps_done", int, False, 0),
            seconds=float(s.get("seconds", (int, float), False, 0.0)),
            completed=s.get("completed", bool, False, False),
            ended=after_start(s.get("ended_after_ms", int, False))))
    return SessionRecord(
        uuid=f.get("uuid", str), routine_id=f.get("routine", str), title=f.get("title", str),
        settings=f.get("settings", dict, False, {}), started=started,
        ended=f.time("ended", False), end_state=state or "interrupted",
        at_step=f.get("at_step", int, False), at_title=f.get("at_title", str, False),
        planned_seconds=float(f.get("planned_seconds", (int, float), False, 0.0)),
        steps_planned=f.get("steps_planned", int, False, 0),
        paused_seconds=float(f.get("paused_seconds", (int, float), False, 0.0)),
        feel_before=f.feel("feel_before"), feel_after=f.feel("feel_after"),
        note=f.get("note", str, False, ""), steps=steps)


def load_json(path: Path,
              known: Container[str] = frozenset()) -> tuple[list[SessionRecord], int]:
    """Read an export: (its sessions, how many it has). KneeError naming the file and the
    first problem found.

    Sessions whose uuid is in ``known`` (already in the history) are passed over without
    being read further, so they are counted but not returned. A session without an end state
    was running when exported: it comes in as interrupted.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KneeError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KneeError(f"{path} is not a knee-desktop history export (not JSON: {exc}).") \
            from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise KneeError(f'{path} is not a knee-desktop history export (no "format": '
                        f'"{FORMAT}").')
    version = data.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise KneeError(f"{path} is a history export of format version {version!r}; this "
                        f"version of knee-desktop reads up to {FORMAT_VERSION}. Update "
                        "knee-desktop to import it.")
    sessions = data.get("sessions")
    if not isinstance(sessions, list):
        raise KneeError(f'{path}: field "sessions" is missing or not a list.')
    try:
        return [_session(s, f"session {i + 1}") for i, s in enumerate(sessions)
                if not (isinstance(s, dict) and s.get("uuid") in known)], len(sessions)
    except ValueError as exc:
        raise KneeError(f"{path}: {exc}. Nothing was imported.") from exc
