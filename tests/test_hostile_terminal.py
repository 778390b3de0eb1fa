"""Issue 29, class 5: one terminal filter for every line the command line prints. Titles,
imported titles and file names reach `routines`, `plan`, `run`, `history` and error lines;
no escape sequence or control character (ESC, the C1 byte 0x9b, a carriage return, a
direction override) ever reaches the terminal raw."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.labs.routines import GOOD
from knee_desktop.main import main

EVIL = "Knee\x1b]0;owned\x07\x1b[2J\x9b31m\r\u202egnp.exe\x00end"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _clean(text: str) -> None:
    assert not RAW.search(text), repr(RAW.search(text))


def test_the_filter_shows_every_control_character_as_text() -> None:
    from knee_desktop.common.plain_text import terminal_safe

    shown = terminal_safe(EVIL + "\udcff")
    _clean(shown)
    assert "\\x1b]0;owned\\x07" in shown and "\\x9b31m" in shown and "\\u202e" in shown
    assert shown.endswith("end\\xff") and "\\r" not in shown and "\\x0d" in shown
    assert terminal_safe("Café 🦵\tok\n") == "Café 🦵\tok\n"  # text, tabs and lines as they are


def test_the_filter_wraps_a_stream() -> None:
    import io

    from knee_desktop.common.plain_text import TerminalFilter

    out = io.StringIO()
    TerminalFilter(out).write(EVIL)
    _clean(out.getvalue())


def _export(path: Path, title: str) -> None:
    session = {"uuid": "3f2b9c1e-8d4a-4c6b-9e0f-2a1b3c4d5e6f", "routine": "r" + title,
               "title": title, "started": "2026-01-02T08:00:00+01:00",
               "ended": "2026-01-02T08:10:00+01:00", "end_state": "stopped",
               "at_title": title, "note": title, "steps": []}
    path.write_text(json.dumps({"format": "knee-desktop-history", "version": 1,
                                "sessions": [session]}))


def test_history_prints_imported_titles_as_text(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "in.json"
    _export(export, EVIL)
    assert main(["history", "--import", str(export)]) == 0
    assert main(["history"]) == 0
    out, err = capsys.readouterr()
    _clean(out + err)
    assert "Knee\\x1b]0;owned" in out


def test_bad_routine_files_are_named_as_text(user_routines: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (user_routines / "bad\x1b[31m\x9b2J.toml").write_text("id = [")
    (user_routines / "esc.toml").write_text(GOOD.replace('"Mini"', '"Mini\\u001b[5m"'))
    assert main(["routines"]) == 0
    out, err = capsys.readouterr()
    _clean(out + err)
    assert "bad\\x1b[31m\\x9b2J.toml" in err and "without control characters" in err


def test_plan_and_its_errors_are_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x\x1b]2;t\x07.toml"
    path.write_text("id = [")
    assert main(["plan", str(path)]) == 2
    out, err = capsys.readouterr()
    _clean(out + err)
    assert "x\\x1b]2;t\\x07.toml" in err


@pytest.mark.slow
def test_run_prints_only_text(tmp_path: Path) -> None:
    """A real process: its stderr and stdout bytes, as the terminal would get them."""
    folder = tmp_path / "r\x1b[1m\x9b"
    folder.mkdir()
    bad = folder / "bad.toml"
    bad.write_text("id = [")
    proc = subprocess.run([sys.executable, "-m", "knee_desktop", "run", str(bad), "--silent",
                           "--reps", "1"], capture_output=True, timeout=120,
                          env=dict(os.environ), check=False)
    text = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    _clean(text)
    assert proc.returncode == 2 and "\\x1b[1m\\x9b" in text and "Traceback" not in text
