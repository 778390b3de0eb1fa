"""Issue 29's classes as generated input, shared by tests/test_fuzz_inputs.py (few examples,
in CI) and bench/fuzz_inputs.py (counts per area): text with escape sequences and control
characters printed by the command line, files written over links and special files, and
our own history export taken back in.

Each check returns "accepted" or "message" and raises on anything else: a crash, a raw
control character on the terminal, a file written through a link, a .part left behind, a
session lost in the round trip (``DataLost``).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import strategies as st

from bench.labs.routines import GOOD

PIECES = ("\x00", "\x07", "\x1b[31m", "\x1b]0;owned\x07", "\x1b[2J", "\x7f", "\x85", "\x9b",
          "\x9b2J", "\r", "\t", "\u2028", "\u202e", "\u2066", "\u200b", "\ufeff", "🦵", "é",
          "<img src='/dev/zero'>", "=1+1", "@SUM(A1)", "-2", "\\", '"', "'", "%s", "{leg}")
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class DataLost(AssertionError):
    """Something the user had is gone or changed."""


def hostile_text(max_size: int = 12) -> st.SearchStrategy[str]:
    """Text made of escape sequences, controls, invisible and ordinary characters."""
    piece = st.one_of(st.sampled_from(PIECES), st.characters(exclude_categories=["Cs"]))
    return st.lists(piece, min_size=1, max_size=max_size).map("".join)


def _no_raw(text: str) -> None:
    found = RAW.search(text)
    assert found is None, f"raw {found.group()!r} reached the terminal"


def _run(argv: list[str]) -> str:
    """``knee-desktop ARGV`` in this process; what it printed, stdout and stderr."""
    from knee_desktop.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(argv)
    return out.getvalue() + err.getvalue()


def check_terminal(name: str, title: str, folder: Path) -> str:
    """A routine file named ``name`` with ``title``, listed by `routines` and planned; a
    history session titled ``title``, printed by `history`: nothing raw reaches the
    terminal. ``folder`` is the user's routines folder."""
    from knee_desktop.prefs import user_settings as us

    us.save(us.UserSettings(tones=True))  # the printing is tested, not the speech engine
    for old in folder.iterdir():
        old.unlink()
    safe_name = name.replace("/", "_").replace("\x00", "_")[:100] or "_"
    path = folder / f"{safe_name}.toml"
    path.write_text(GOOD.replace('"Mini"', json.dumps(title, ensure_ascii=False)),
                    encoding="utf-8", errors="surrogatepass")
    printed = _run(["routines"]) + _run(["plan", str(path)])
    export = folder.parent / "export.json"
    session = {"uuid": str(uuidlib.uuid4()), "routine": "mini", "title": title,
               "started": "2026-01-02T08:00:00+01:00", "end_state": "stopped",
               "at_title": title, "note": title, "steps": []}
    export.write_text(json.dumps({"format": "knee-desktop-history", "version": 1,
                                  "sessions": [session]}))
    printed += _run(["history", "--import", str(export)]) + _run(["history"])
    _no_raw(printed)
    assert "Traceback" not in printed and "went wrong" not in printed, printed[-500:]
    return "message" if "Skipped a bad routine file" in printed else "accepted"


# --- writes ----------------------------------------------------------------------------------

KINDS = ("missing", "regular", "link-to-file", "link-to-missing", "link-loop", "fifo",
         "folder", "device")


def write_targets() -> st.SearchStrategy[tuple[str, bool, str]]:
    return st.tuples(st.sampled_from(KINDS), st.booleans(), st.sampled_from(("atomic",
                                                                             "stream")))


def _make(kind: str, path: Path, victim: Path) -> None:
    """Put a ``kind`` of thing at ``path``."""
    makers = {
        "regular": lambda: path.write_text("mine"),
        "link-to-file": lambda: path.symlink_to(victim),
        "link-to-missing": lambda: path.symlink_to(path.parent / "nowhere"),
        "link-loop": lambda: path.symlink_to(path),
        "fifo": lambda: os.mkfifo(path),
        "folder": path.mkdir,
        "device": lambda: path.symlink_to("/dev/null"),
    }
    if kind in makers:
        makers[kind]()


def check_write(kind: str, force: bool, writer: str, folder: Path) -> str:
    """Write through the app's one safe-write helper to a ``kind`` of target: only a new
    file, or a regular file with ``force``, is written; nothing else changes, nothing is
    left behind, nothing blocks."""
    from knee_desktop.common import safe_write

    for old in folder.iterdir():
        if old.is_dir() and not old.is_symlink():
            old.rmdir()
        else:
            old.unlink()
    path, victim = folder / "out.txt", folder / "victim.txt"
    victim.write_text("precious")
    _make(kind, path, victim)
    allowed = kind == "missing" or (kind == "regular" and force)
    try:
        if writer == "atomic":
            safe_write.write_atomic(path, "new", replace=force)
        else:
            with safe_write.open_stream(path, replace=force) as f:
                f.write("new")
    except safe_write.UnsafeTarget as exc:
        if allowed:
            raise AssertionError(f"refused a {kind} target: {exc}") from None
        outcome = "message"
    else:
        if not allowed:
            raise DataLost(f"wrote a {kind} target (force={force})")
        assert path.read_text() == "new"
        outcome = "accepted"
    if victim.read_text() != "precious" or (kind == "regular" and not force
                                            and path.read_text() != "mine"):
        raise DataLost(f"a {kind} target's file changed")
    left = [p.name for p in folder.iterdir() if p.name.endswith(".part")]
    assert not left, f"left behind: {left}"
    return outcome


# --- exports ---------------------------------------------------------------------------------

def export_texts() -> st.SearchStrategy[list[tuple[str, str]]]:
    """(title, note) of a few sessions."""
    return st.lists(st.tuples(hostile_text(), hostile_text(30)), min_size=1, max_size=4)


def check_export(texts: list[tuple[str, str]], folder: Path) -> str:
    """Sessions with these titles and notes, exported and imported on a fresh machine,
    come back exactly; none is left out."""
    from knee_desktop.history import io as history_io
    from knee_desktop.history.records import SessionRecord, StepRecord
    from knee_desktop.history.store import HistoryStore

    work = folder / uuidlib.uuid4().hex
    work.mkdir()
    started = datetime(2026, 1, 2, 8, tzinfo=UTC)
    made = [SessionRecord("mini", title, started + timedelta(days=i), note=note,
                          ended=started + timedelta(days=i, minutes=5), end_state="completed",
                          steps=[StepRecord(0, title, "say", seconds=1.0, completed=True)])
            for i, (title, note) in enumerate(texts)]
    home, fresh = HistoryStore(work / "a.sqlite3"), HistoryStore(work / "b.sqlite3")
    try:
        home.import_sessions(made)
        first = io.StringIO()
        history_io.dump_json(home, first)
        (work / "e.json").write_text(first.getvalue(), encoding="utf-8")
        added, total = history_io.import_into(fresh, work / "e.json")
        again = io.StringIO()
        history_io.dump_json(fresh, again)
    finally:
        home.close()
        fresh.close()
    if added != len(made) or total != len(made):
        raise DataLost(f"{len(made)} sessions made, {total} exported, {added} imported")
    if json.loads(first.getvalue())["sessions"] != json.loads(again.getvalue())["sessions"]:
        raise DataLost("a session changed on the way")
    return "accepted"
