"""`history --import` of hostile files (issue 13's reproductions): a one-paragraph message
naming the file, the session and the field; nothing imported, also under a kill or a full
disk. And readers that survive bad rows already in a database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.labs.history_corpus import SEED, good_session
from knee_desktop.history.store import HistoryStore, default_path
from knee_desktop.main import main
from tests.history_disk import tiny_disk

REPO = Path(__file__).resolve().parent.parent
GOOD = dict(SEED["sessions"][0], uuid="00000000-0000-4000-8000-000000000002")  # type: ignore[call-overload]


def export(sessions: list[Any], **head: Any) -> str:
    return json.dumps({"format": "knee-desktop-history", "version": 1, **head,
                       "sessions": sessions})


def with_field(key: str, value: Any, step: bool = False) -> str:
    session = json.loads(json.dumps(GOOD))
    (session["steps"][0] if step else session)[key] = value
    return export([session])


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(SEED))
    assert main(["history", "--import", str(seed)]) == 0
    return seed


def import_refused(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["history", "--import", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and err.count("\n") == 1, err  # one paragraph, the file named
    assert "Traceback" not in err
    with HistoryStore() as store:
        assert store.count() == 1  # only the seed: nothing imported
    return err


@pytest.mark.parametrize(("text", "expected"), [
    (export([GOOD], version=0), 'field "version"'),
    (export([GOOD], version=-5), 'field "version"'),
    (export([GOOD], version=True), 'field "version"'),
    (with_field("uuid", "not-a-uuid"), 'session 1: field "uuid": expected a UUID'),
    (with_field("seconds", -1, step=True), 'session 1, step 1: field "seconds"'),
    (with_field("seconds", float("inf"), step=True), 'field "seconds"'),
    (with_field("paused_seconds", float("nan")), 'field "paused_seconds"'),
    (with_field("reps_done", 2 ** 63, step=True), 'field "reps_done"'),
    (with_field("title", "\ud800"), 'field "title": expected text without broken characters'),
    (with_field("kind", "dance", step=True), 'field "kind": expected one of'),
    (with_field("started", "9999-12-31T23:59:59+00:00"), 'field "started"'),
    (with_field("started", "0001-01-01T00:00:00+14:00"), 'field "started"'),
    (with_field("ended", "9999-12-31T23:59:59+00:00"), 'field "ended"'),
    (with_field("ended_after_ms", 1e17, step=True), 'field "ended_after_ms"'),
    (with_field("settings", {"x": float("nan")}), 'field "settings"'),
    (with_field("settings", {"a": [[[[[[[[[[1]]]]]]]]]]}), "nested deeper"),
    ('{"format": "knee-desktop-history", "version": 1, "sessions": '
     + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
])
def test_hostile_values_are_named_and_nothing_is_imported(
        seeded: Path, tmp_path: Path, text: str, expected: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8", errors="surrogatepass")
    err = import_refused(bad, capsys)
    assert expected in err and "Nothing" in err


def test_a_bad_last_session_keeps_all_the_good_ones_out(
        seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import random

    rnd = random.Random(3)
    sessions = [good_session(rnd) for _ in range(1500)]
    sessions[-1]["steps"] = [{"index": 0, "title": "x", "kind": "move", "reps_done": 2 ** 63}]
    bad = tmp_path / "bad.json"
    bad.write_text(export(sessions))
    assert "session 1500, step 1" in import_refused(bad, capsys)


@pytest.mark.parametrize("kind", ["fifo", "directory", "device", "symlink to a device",
                                  "too big"])
def test_only_regular_files_of_bounded_size_are_read(
        seeded: Path, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "odd.json"
    if kind == "fifo":
        os.mkfifo(path)  # reading it would block for ever
    elif kind == "directory":
        path.mkdir()
    elif kind == "device":
        path = Path("/dev/zero")
    elif kind == "symlink to a device":
        path.symlink_to("/dev/zero")
    else:
        with path.open("wb") as f:
            f.truncate(65 * 1024 * 1024)  # sparse: no disk used
    err = import_refused(path, capsys)
    assert "not a regular file" in err or "bytes" in err


def test_an_import_into_a_full_disk_keeps_nothing_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import random

    rnd = random.Random(5)
    big = tmp_path / "big.json"
    big.write_text(export([good_session(rnd) for _ in range(5000)]))
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(SEED))
    with tiny_disk(tmp_path / "disk", "512k") as disk:
        monkeypatch.setenv("XDG_DATA_HOME", str(disk.where))
        assert main(["history", "--import", str(seed)]) == 0
        capsys.readouterr()
        assert main(["history", "--import", str(big)]) == 2
        err = capsys.readouterr().err
        assert "the disk is full" in err and f"Nothing from {big} was imported" in err
        with HistoryStore() as store:
            assert store.count() == 1
            assert store.open().execute("PRAGMA integrity_check").fetchone()[0] == "ok"


CHILD = """
import sys
from pathlib import Path
from knee_desktop.history import io
from knee_desktop.history.store import HistoryStore

records, _ = io.load_json(Path(sys.argv[1]))

class HalfThenWait(list):
    def __iter__(self):
        for i, rec in enumerate(list.__iter__(self)):
            if i == len(self) // 2:  # half written inside the transaction: say so, wait
                print("half", flush=True)
                sys.stdin.read()
            yield rec

HistoryStore().import_sessions(HalfThenWait(records))
"""


def test_an_import_killed_half_way_keeps_nothing(tmp_path: Path, seeded: Path) -> None:
    import random
    import signal

    rnd = random.Random(8)
    file = tmp_path / "many.json"
    file.write_text(export([good_session(rnd) for _ in range(2000)]))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(file)], cwd=REPO,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline() == "half\n"  # an event from the child, not a sleep
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    proc.stdout.close()
    assert proc.stdin is not None
    proc.stdin.close()
    with HistoryStore() as store:
        assert store.count() == 1
        assert store.open().execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_bad_rows_from_older_versions_are_shown_damaged_never_a_crash(
        seeded: Path, capsys: pytest.CaptureFixture[str], qapp: object) -> None:
    from knee_desktop.ui.history.model import HistoryTableModel

    db = sqlite3.connect(default_path(), isolation_level=None)
    bad = [("{\"x\": NaN}", 1772433000, 3600, None),       # settings no JSON reader takes
           ("{}", -62135596800 - 50400, 50400, None),        # year 1, +14:00
           ("{}", 1772433000, 0, 253402300799),               # ended in year 9999
           ("{}", 1e300, 0, None)]
    for n, (settings, started, offset, ended) in enumerate(bad):
        db.execute("INSERT INTO sessions (uuid, routine_id, title, settings, started_ts,"
                   " utc_offset, ended_ts, end_state, exercise_seconds) VALUES"
                   " (?, 'r', CAST(x'4b6e6565ff' AS TEXT), ?, ?, ?, ?, 'completed', ?)",
                   (f"bad-{n}", settings, started, offset, ended, "abc" if n == 3 else 60))
    db.close()
    capsys.readouterr()
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert out.count("damaged record") == 4 and "5 sessions" in out
    assert main(["history", "--json"]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)["sessions"]) == 1  # the sound one, importable
    assert "4 damaged sessions were left out" in captured.err
    assert main(["history", "--csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 6
    with HistoryStore() as store:
        rows = store.rows()
        assert sum(r.damaged for r in rows) == 4
        assert all(store.session(r.id) is not None for r in rows)
        assert store.weekly(4) and store.active_days() is not None
    model = HistoryTableModel(rows)
    texts = [model.data(model.index(i, 4)) for i in range(model.rowCount())]
    assert texts.count("Damaged record (kept as found)") == 4
