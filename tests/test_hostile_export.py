"""Issue 29, class 4: our own export always comes back. A round-trip property test over
hostile strings (controls, C1, NUL, emoji, direction overrides), sizes and settings; BLOB
values written by another tool are left out (as docs/history.md says of damaged rows), not
the end of the export; and no import makes a history whose export an import cannot read."""

from __future__ import annotations

import io
import json
import uuid as uuidlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knee_desktop.common.errors import KneeError
from knee_desktop.history import import_check
from knee_desktop.history import io as history_io
from knee_desktop.history.records import SessionRecord, StepRecord
from knee_desktop.history.store import HistoryStore

HOSTILE = ("\x00", "\x01", "\x1b[31m", "\x1b]0;t\x07", "\x7f", "\x85", "\x9b2J", "\r", "\n",
           "\t", "\u2028", "\u202e", "\ufeff", "\u200b", "🦵", "é", "\\", '"', "'", "<img>",
           "=cmd|' /C calc'!A0", "\uffff", "\U0010ffff")
# Every character a UTF-8 text can hold: lone surrogates cannot be stored at all (Python
# refuses to write them), so no export can carry one.
TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE), st.characters(exclude_categories=["Cs"])),
                max_size=40).map("".join)


def _long(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(TEXT, st.integers(0, limit).map(lambda n: ("é🦵\x1b" * limit)[:n]))


SETTINGS = st.dictionaries(TEXT, st.one_of(st.none(), st.booleans(), TEXT,
                                           st.integers(-2**53, 2**53),
                                           st.floats(allow_nan=False, allow_infinity=False)),
                           max_size=4)
STARTED = st.datetimes(datetime(2001, 1, 1), datetime(2099, 1, 1),
                       timezones=st.integers(-14 * 60, 14 * 60).map(
                           lambda m: timezone(timedelta(minutes=m))))


@st.composite
def records(draw: st.DrawFn) -> SessionRecord:
    started = draw(STARTED).replace(microsecond=0)
    steps = [StepRecord(step_index=i, title=draw(_long(500)),
                        kind=draw(st.sampled_from(import_check.STEP_KINDS)),
                        movement=draw(st.none() | TEXT),
                        leg=draw(st.sampled_from((None, "left", "right"))),
                        reps_planned=draw(st.none() | st.integers(0, 10**6)),
                        reps_done=draw(st.integers(0, 10**6)),
                        seconds=round(draw(st.floats(0, 3600)), 3),
                        completed=draw(st.booleans()),
                        ended=started + timedelta(seconds=draw(st.integers(0, 7 * 24 * 3600))))
             for i in range(draw(st.integers(0, 4)))]
    return SessionRecord(
        routine_id=draw(_long(200)), title=draw(_long(500)), started=started,
        uuid=str(uuidlib.UUID(int=draw(st.integers(0, 2**128 - 1)))),
        settings=draw(SETTINGS), planned_seconds=round(draw(st.floats(0, 10**6)), 3),
        steps_planned=draw(st.integers(0, 10**6)),
        ended=draw(st.none() | st.just(started + timedelta(hours=1))),
        end_state=draw(st.sampled_from(("completed", "stopped", "interrupted"))),
        at_step=draw(st.none() | st.integers(0, 10**6)), at_title=draw(st.none() | TEXT),
        paused_seconds=round(draw(st.floats(0, 10**6)), 3),
        feel_before=draw(st.none() | st.integers(0, 10)),
        feel_after=draw(st.none() | st.integers(0, 10)), note=draw(_long(10_000)),
        steps=steps)


def _export(store: HistoryStore) -> str:
    out = io.StringIO()
    history_io.dump_json(store, out)
    return out.getvalue()


def _sessions(text: str) -> list[dict[str, object]]:
    data = json.loads(text)
    return sorted(data["sessions"], key=lambda s: s["uuid"])


@settings(max_examples=25, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(st.lists(records(), min_size=1, max_size=4, unique_by=lambda r: r.uuid))
def test_every_export_imports_on_a_fresh_machine(tmp_path: Path, made: list[SessionRecord]
                                                 ) -> None:
    folder = Path(tmp_path) / uuidlib.uuid4().hex
    folder.mkdir()
    home = HistoryStore(folder / "a.sqlite3")
    home.import_sessions(made)  # as recorded, past the import's checks
    first = _export(home)
    assert home.left_out == 0, home.messages
    path = folder / "export.json"
    path.write_text(first, encoding="utf-8")
    fresh = HistoryStore(folder / "b.sqlite3")
    added, total = history_io.import_into(fresh, path)
    assert added == total == len(made)
    again = _export(fresh)
    assert _sessions(again) == _sessions(first)
    home.close()
    fresh.close()


def _one(title: str = "Knee") -> SessionRecord:
    started = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)
    return SessionRecord("r", title, started, ended=started + timedelta(minutes=5),
                         end_state="completed",
                         steps=[StepRecord(0, "Step", "say", seconds=1.0, completed=True,
                                           ended=started + timedelta(seconds=1))])


@pytest.mark.parametrize(("table", "column"), [("sessions", "note"), ("sessions", "title"),
                                               ("sessions", "at_title"), ("steps", "title"),
                                               ("steps", "seconds")])
def test_a_blob_leaves_its_session_out_not_the_export(tmp_path: Path, table: str,
                                                      column: str) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    damaged, sound = _one("damaged"), _one("sound")
    store.import_sessions([damaged, sound])
    store.open().execute(f"UPDATE {table} SET {column} = x'00ff' WHERE "
                         + ("uuid = ?" if table == "sessions" else
                            "session_id = (SELECT id FROM sessions WHERE uuid = ?)"),
                         (damaged.uuid,))
    text = _export(store)
    assert [s["title"] for s in json.loads(text)["sessions"]] == ["sound"]
    assert store.left_out == 1 and "left out of the export" in " ".join(store.messages)
    path = tmp_path / "e.json"
    path.write_text(text)
    assert history_io.import_into(HistoryStore(tmp_path / "fresh.sqlite3"), path) == (1, 1)


def test_no_import_makes_a_history_too_big_to_import_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 200k-session case, scaled down: the cap read at import is the one the history's
    export must stay within."""
    monkeypatch.setattr(import_check, "MAX_FILE_BYTES", 60_000)
    source = HistoryStore(tmp_path / "source.sqlite3")
    source.import_sessions([_one(f"s{i}") for i in range(100)])
    path = tmp_path / "big.json"
    path.write_text(_export(source))
    assert path.stat().st_size < 60_000  # the file alone is within the cap
    home = HistoryStore(tmp_path / "home.sqlite3")
    home.import_sessions([_one(f"mine{i}") for i in range(60)])
    with pytest.raises(KneeError, match=r"more than the 0 MiB an import reads back. Nothing"):
        history_io.import_into(home, path)
    assert home.count() == 60
    monkeypatch.setattr(import_check, "MAX_FILE_BYTES", 10_000_000)
    assert history_io.import_into(home, path) == (100, 100)


def test_csv_cells_that_a_spreadsheet_would_run_are_text() -> None:
    rows = [_one(t) for t in ("=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "ok")]
    text = history_io.csv_text(rows)
    titles = [line.split(",")[4] for line in text.splitlines()[1:]]
    assert titles[:5] == ["\"'=HYPERLINK(\"\"http://x\"\")\"", "'+1", "'-2", "'@SUM(A1)",
                          "'\tx"] and titles[5] == "ok"


def test_a_note_is_kept_as_the_export_can_bring_it_back() -> None:
    """A pasted 20,000-character note, or one from a terminal that is not UTF-8 (a lone
    surrogate), was recorded and then left out of (or broke) the export."""
    from knee_desktop.common.limits import NOTE_CHARS
    from knee_desktop.history.feel import KneeFeel

    feel = KneeFeel(3, "sore\udcff" + "x" * 20_000)
    assert len(feel.note) == NOTE_CHARS == import_check.TEXT_LIMITS["note"]
    feel.note.encode("utf-8")  # storable
