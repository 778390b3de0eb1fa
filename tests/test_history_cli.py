"""`knee-desktop history`: printing, JSON and CSV export, import without duplicates."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bench.labs.history_data import fake_history
from knee_desktop.history.store import HistoryStore, SessionRecord, StepRecord, default_path
from knee_desktop.main import main


@pytest.fixture
def filled() -> int:
    with HistoryStore() as store:
        return len(fake_history(store, days=40))


def test_empty_history(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history"]) == 0
    assert "No sessions yet" in capsys.readouterr().out


def test_prints_sessions_and_streak(filled: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert len([line for line in out.splitlines() if " min " in line]) == filled
    assert f"{filled} sessions" in out and "current streak" in out


def test_one_session_is_said_in_the_singular(capsys: pytest.CaptureFixture[str]) -> None:
    started = datetime.now().astimezone() - timedelta(hours=1)
    with HistoryStore() as store:
        store.import_sessions([SessionRecord(
            "windshield-wiper", "Windshield wiper", started, end_state="completed",
            ended=started + timedelta(minutes=8),
            steps=[StepRecord(0, "Sweep left", "move", reps_done=2, seconds=9)])])
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "1 session, 0.0 hours of exercise on 1 day; current streak: 1 day in a row." in out


def test_json_round_trip_rebuilds_the_history(filled: int, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--json"]) == 0
    text = capsys.readouterr().out
    data = json.loads(text)
    assert data["format"] == "knee-desktop-history" and len(data["sessions"]) == filled
    export = tmp_path / "export.json"
    export.write_text(text)

    assert main(["history", "--import", str(export)]) == 0  # into the same history
    assert f"Imported 0 sessions from {export}; {filled} were already there." in \
        capsys.readouterr().out

    default_path().rename(tmp_path / "elsewhere.sqlite3")  # a new machine
    for side in ("-wal", "-shm"):
        default_path().with_name(default_path().name + side).unlink(missing_ok=True)
    assert main(["history", "--import", str(export)]) == 0
    assert f"Imported {filled} sessions" in capsys.readouterr().out
    assert main(["history", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["sessions"] == data["sessions"]


def test_csv_has_one_row_per_session(filled: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == filled
    assert {r["end_state"] for r in rows} <= {"completed", "stopped", "interrupted"}
    assert float(rows[0]["exercise_minutes"]) > 0


U = '"0b6f3c2e-1d4a-4e5b-8c7d-9e0f1a2b3c4d"'


@pytest.mark.parametrize(("content", "problem"), [
    ("not json", "not JSON"),
    ('{"format": "something else"}', "not a knee-desktop history export"),
    ('{"format": "knee-desktop-history", "version": 99, "sessions": []}', "version 99"),
    ('{"format": "knee-desktop-history", "version": 1, "sessions": [{"uuid": ' + U + '}]}',
     'session 1: field "started" is missing'),
    ('{"format": "knee-desktop-history", "version": 1, "sessions": [{"uuid": ' + U + ', "routine":'
     ' "r", "title": "t", "started": "2026-01-01T08:00:00+01:00", "feel_after": 11}]}',
     "expected 0 to 10, got 11"),
])
def test_bad_import_file_is_named_with_its_problem(tmp_path: Path, content: str, problem: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert main(["history", "--import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and problem in err
    with HistoryStore() as store:
        assert store.count() == 0


def test_sql_export_matches_the_python_reference(tmp_path: Path) -> None:
    from knee_desktop.history.io import session_json

    with HistoryStore(tmp_path / "h.sqlite3") as store:
        fake_history(store, days=30)
        west = datetime(2026, 5, 1, 6, 15, 42, tzinfo=timezone(-timedelta(hours=3, minutes=30)))
        store.save_session(SessionRecord(
            "r", "Ünïcode \"quoted\" title", west, settings={"legs": ["left"]},
            steps=[StepRecord(0, "Say", "say", ended=west + timedelta(seconds=12.3456))]))
        fast = [json.loads(text) for text in store.export_json()]
        reference = [session_json(r) for r in store.sessions()]
    assert fast == reference


@pytest.mark.parametrize("after_ms", [-5, -1, 0, 1, 5, 70949])
def test_a_step_ended_before_or_after_its_start_exports_the_same_ms(
        tmp_path: Path, after_ms: int) -> None:
    """The SQL export rounds as the Python reference does on both sides of the start (a
    step ended 5 ms before it came back -4, then -3 on each export and re-import)."""
    from knee_desktop.history.io import session_json

    start = datetime(2026, 10, 15, 1, 7, tzinfo=UTC)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.save_session(SessionRecord("r", "T", start, steps=[
            StepRecord(0, "Switch", "switch", ended=start + timedelta(milliseconds=after_ms))]))
        fast = [json.loads(text) for text in store.export_json()]
        reference = [session_json(r) for r in store.sessions()]
    assert fast == reference
    assert fast[0]["steps"][0]["ended_after_ms"] == after_ms
