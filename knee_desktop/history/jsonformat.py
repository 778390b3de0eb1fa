"""The JSON export format of docs/history.md, one session at a time (the store builds the same
in SQL, faster; this is the reference the tests compare with)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from knee_desktop.history.records import SessionRecord, StepRecord

FORMAT = "knee-desktop-history"
FORMAT_VERSION = 1
KNOWN_VERSIONS = (1,)


def iso(when: datetime | None) -> str | None:
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
        "started": iso(r.started), "ended": iso(r.ended), "end_state": r.end_state,
        "at_step": r.at_step, "at_title": r.at_title,
        "planned_seconds": round(r.planned_seconds, 3), "steps_planned": r.steps_planned,
        "paused_seconds": round(r.paused_seconds, 3), "feel_before": r.feel_before,
        "feel_after": r.feel_after, "note": r.note,
        "steps": [_step_json(s, r.started) for s in r.steps],
    }
