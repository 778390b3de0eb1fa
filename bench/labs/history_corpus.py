"""Import files for the fuzz test and `bench/fuzz_history.py`: plausible sessions, then
hostile values put into random fields (the kinds found by the fuzzing in issue 13)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from typing import Any

KINDS = ("lead-in", "say", "move", "still", "rest", "press", "switch", "end")
# Values no field should accept as they are (a few are fine for some fields: the check
# decides, the round trip proves what was accepted reads back).
HOSTILE: tuple[Any, ...] = (
    0, -5, True, False, None, "", "u", "\ud800", "a\x00b", 2 ** 63, -(2 ** 63) - 1, 10 ** 30,
    1e17, -1, -0.5, 1.5, float("nan"), float("inf"), float("-inf"), [], {}, [[[[]]]],
    "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+14:00", "2026-01-01T08:00:00+23:59",
    "2026-01-01T08:00:00.5+01:00:30", "2026-02-30T08:00:00+01:00", "x" * 20_000,
    "dance", "LEFT", "{leg!r}", {"x": float("nan")}, {"a": {"b": {"c": {"d": {"e": {"f": {
        "g": {"h": {"i": {}}}}}}}}}}, {"\ud800": 1}, {"big": 2 ** 70},
)
SESSION_FIELDS = ("uuid", "routine", "title", "settings", "started", "ended", "end_state",
                  "at_step", "at_title", "planned_seconds", "steps_planned", "paused_seconds",
                  "feel_before", "feel_after", "note", "steps")
STEP_FIELDS = ("index", "title", "kind", "movement", "leg", "reps_planned", "reps_done",
               "seconds", "completed", "ended_after_ms")


def good_session(rnd: random.Random) -> dict[str, Any]:
    day = rnd.randrange(1, 28)
    hour = rnd.randrange(24)
    off = rnd.choice(["+00:00", "+01:00", "-03:30", "+05:45", "+14:00", "-12:00"])
    month, minute = rnd.randrange(1, 13), rnd.randrange(60)
    started = f"2026-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00{off}"
    steps = []
    t = 0
    for i in range(rnd.randrange(0, 6)):
        kind = rnd.choice(KINDS)
        secs = round(rnd.uniform(0, 120), 3)
        t += int(secs * 1000)
        steps.append({"index": i, "title": rnd.choice(["Sweep", "Still", "Ünï \"q\"", "Rest"]),
                      "kind": kind, "movement": "sweep-left" if kind == "move" else None,
                      "leg": rnd.choice(["left", "right", None]),
                      "reps_planned": rnd.choice([None, 10]), "reps_done": rnd.randrange(11),
                      "seconds": secs, "completed": rnd.random() < 0.8,
                      "ended_after_ms": rnd.choice([t, None])})
    return {"uuid": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
            "routine": "windshield-wiper", "title": rnd.choice(["Wipers", "Knee ✓", "a,b\n\"c\""]),
            "settings": rnd.choice([{}, {"reps": 10, "legs": ["left", "right"]}, {"x": [1.5]}]),
            "started": started, "ended": rnd.choice([None, started]),
            "end_state": rnd.choice(["completed", "stopped", "interrupted", None]),
            "at_step": rnd.choice([None, 0, 3]), "at_title": rnd.choice([None, "Sweep"]),
            "planned_seconds": round(rnd.uniform(0, 3000), 3),
            "steps_planned": rnd.randrange(30), "paused_seconds": rnd.choice([0, 15.5]),
            "feel_before": rnd.choice([None, 0, 5, 10]), "feel_after": rnd.choice([None, 3]),
            "note": rnd.choice(["", "Right knee stiff.", "émoji 🦵"]), "steps": steps}


def hostile_session(rnd: random.Random) -> dict[str, Any]:
    """A good session with one to three fields (its own or a step's) replaced or removed."""
    s = good_session(rnd)
    for _ in range(rnd.randrange(1, 4)):
        target, fields = s, SESSION_FIELDS
        steps = s.get("steps")
        if isinstance(steps, list) and steps and isinstance(steps[0], dict) \
                and rnd.random() < 0.4:
            target, fields = rnd.choice(steps), STEP_FIELDS
        key = rnd.choice(fields)
        if rnd.random() < 0.1:
            target.pop(key, None)
        else:
            target[key] = rnd.choice(HOSTILE)
    return s


def export_text(sessions: list[Any], rnd: random.Random | None = None) -> str:
    """An export file; sometimes with a hostile header instead of the real one."""
    head: dict[str, Any] = {"format": "knee-desktop-history", "version": 1}
    if rnd is not None and rnd.random() < 0.05:
        head["version"] = rnd.choice([0, -5, True, "1", 1.0, None, 2 ** 64])
    return json.dumps({**head, "sessions": sessions}, ensure_ascii=rnd is not None
                      and rnd.random() < 0.5)


def nested(depth: int) -> str:
    return '{"format": "knee-desktop-history", "version": 1, "sessions": ' + "[" * depth \
        + "]" * depth + "}"


def corpus_case(rnd: random.Random) -> str:
    """One import file's text: mostly sessions with hostile fields, some all good."""
    make: Callable[[random.Random], dict[str, Any]] = \
        good_session if rnd.random() < 0.3 else hostile_session
    sessions = [good_session(rnd) for _ in range(rnd.randrange(0, 4))]
    sessions.insert(rnd.randrange(len(sessions) + 1), make(rnd))
    if rnd.random() < 0.02:
        return nested(rnd.choice([50, 5_000, 100_000]))
    return export_text(sessions, rnd)


# ---- one case through the real command and every reader ------------------------------------
SEED = {"format": "knee-desktop-history", "version": 1, "sessions": [{
    "uuid": "00000000-0000-4000-8000-000000000001", "routine": "windshield-wiper",
    "title": "Already here", "started": "2026-03-02T07:30:00+01:00", "end_state": "completed",
    "steps": [{"index": 0, "title": "Sweep", "kind": "move", "reps_done": 10, "seconds": 20,
               "completed": True, "ended_after_ms": 20000}]}]}


def _main(*argv: str) -> tuple[int, str, str]:
    import contextlib
    import io

    from knee_desktop.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(list(argv))
    return rc, out.getvalue(), err.getvalue()


def read_everything(data_path: Any, other: Any) -> str | None:
    """Every reader over the history at ``data_path`` (the default store): None if all of
    them read it back, else what failed. ``other``: a scratch path for the re-import."""
    import csv
    import io

    from knee_desktop.history import io as history_io
    from knee_desktop.history.store import HistoryStore
    from knee_desktop.ui.history.model import COLUMNS, HistoryTableModel

    rc, out, err = _main("history")
    if rc != 0 or err:
        return f"history: exit {rc}: {err}"
    rc, out, err = _main("history", "--json")
    if rc != 0 or err:
        return f"history --json: exit {rc}: {err}"
    exported = json.loads(out)["sessions"]
    other.write_text(out, encoding="utf-8")
    records, _ = history_io.load_json(other)  # the export is itself importable
    again = other.with_suffix(".sqlite3")
    with HistoryStore(again) as store:
        store.import_sessions(records)
        if [json.loads(t) for t in store.export_json()] != exported:
            return "the --json export does not survive its own import"
    rc, out, err = _main("history", "--csv")
    if rc != 0 or err:
        return f"history --csv: exit {rc}: {err}"
    if len(list(csv.DictReader(io.StringIO(out)))) != len(exported):
        return "--csv has a different number of sessions"
    with HistoryStore(data_path) as store:
        rows = store.rows()
        if any(getattr(r, "damaged", False) for r in rows) or getattr(store, "left_out", 0):
            return "a stored row reads back as damaged"
        store.weekly(8)
        store.active_days()
        for r in rows:
            rec = store.session(r.id)
            if rec is None or getattr(rec, "damaged", False):
                return "a stored session reads back as damaged"
    model = HistoryTableModel(rows)
    for i in range(model.rowCount()):
        for c in range(len(COLUMNS)):
            for role in range(0, 14):
                model.data(model.index(i, c), role)
    for c in range(len(COLUMNS)):
        model.sort(c)
    return None


def snapshot(path: Any) -> tuple[Any, ...]:
    """What is stored, read with plain SQL (no reader of the app, which may be the broken
    part): the sessions' uuids and the number of steps."""
    import sqlite3

    db = sqlite3.connect(path)
    try:
        return (sorted(r[0] for r in db.execute("SELECT uuid FROM sessions")),
                db.execute("SELECT count(*) FROM steps").fetchone()[0])
    finally:
        db.close()


def run_case(text: str, folder: Any) -> tuple[str, str]:
    """Import ``text`` (an export file's content) with the real command into a history
    that holds one session. (outcome, detail): outcome is "imported", "message", "crash",
    "partial" (refused but the history changed) or "broken" (accepted, a reader fails)."""
    from knee_desktop.history.store import default_path

    path = default_path()
    for side in ("", "-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    seed = folder / "seed.json"
    seed.write_text(json.dumps(SEED), encoding="utf-8")
    assert _main("history", "--import", str(seed))[0] == 0
    case = folder / "case.json"
    case.write_bytes(text.encode("utf-8", "surrogatepass"))
    before = snapshot(path)
    try:
        rc, out, err = _main("history", "--import", str(case))
    except Exception as exc:  # what the fuzzer counts
        return "crash", f"{type(exc).__name__}: {exc}"
    after = snapshot(path)
    if rc == 70 or "Traceback" in err or "went wrong" in err:
        return "crash", err
    if rc != 0:
        if after != before:
            return "partial", err
        if str(case) not in err or err.count("\n") > 1:
            return "crash", f"not a one-paragraph message naming the file: {err!r}"
        return "message", err
    try:
        problem = read_everything(path, folder / "export.json")
    except Exception as exc:  # a reader failed outright
        problem = f"{type(exc).__name__}: {exc}"
    return ("broken", problem) if problem else ("imported", out)
