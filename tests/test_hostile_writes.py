"""Issue 29, class 3: one safe-write helper for every file the app writes. Links and special
files (FIFO, device, folder) are refused, nothing is truncated that the app did not create
unless told (--force for --cue-log), replacements are atomic, and the history database is
never added to another program's SQLite file."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bench.labs.routines import tiny_routine
from knee_desktop.common.errors import KneeError, SettingsError
from knee_desktop.history.records import HistoryError
from knee_desktop.history.store import HistoryStore
from knee_desktop.prefs import reminder
from knee_desktop.prefs import user_settings as us

SPECIALS = ["link", "fifo", "folder", "device"]


def _special(path: Path, kind: str, tmp: Path) -> Path | None:
    """Make ``path`` a special file; returns a file a link points to (must stay intact)."""
    if kind == "link":
        victim = tmp / "victim.txt"
        victim.write_text("precious\n")
        path.symlink_to(victim)
        return victim
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to("/dev/null")
    return None


@pytest.mark.parametrize("kind", SPECIALS)
def test_the_helper_refuses_links_and_special_files(tmp_path: Path, kind: str) -> None:
    from knee_desktop.common import safe_write
    from knee_desktop.common.safe_write import UnsafeTarget

    path = tmp_path / "out.txt"
    victim = _special(path, kind, tmp_path)
    for write in (lambda: safe_write.write_atomic(path, "new", replace=True),
                  lambda: safe_write.open_stream(path, replace=True)):
        with pytest.raises(UnsafeTarget):
            write()
    if victim is not None:
        assert victim.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []


def test_a_file_there_is_kept_unless_told(tmp_path: Path) -> None:
    from knee_desktop.common import safe_write
    from knee_desktop.common.safe_write import UnsafeTarget

    path = tmp_path / "out.txt"
    path.write_text("mine\n")
    with pytest.raises(UnsafeTarget, match="already exists; add --force"):
        safe_write.write_atomic(path, "new")
    with pytest.raises(UnsafeTarget, match="already exists"):
        safe_write.open_stream(path)
    assert path.read_text() == "mine\n"
    path.chmod(0o640)
    safe_write.write_atomic(path, "new", replace=True)
    assert path.read_text() == "new" and stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_part(tmp_path: Path) -> None:
    from knee_desktop.common import safe_write

    tmp_path = tmp_path / "w"
    tmp_path.mkdir()
    path = tmp_path / "out.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError), safe_write.atomic_file(path, replace=True) as f:
        f.write("half")
        raise RuntimeError("disk pulled")
    assert path.read_text() == "old" and sorted(tmp_path.iterdir()) == [path]


@pytest.mark.slow
@pytest.mark.parametrize("where", ["history", "link", "fifo"])
def test_cue_log_never_truncates_follows_or_blocks(tmp_path: Path, where: str) -> None:
    us.save(us.UserSettings(tones=True))
    routine = tiny_routine(tmp_path)
    db = tmp_path / "history.sqlite3"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.commit()
    before = db.read_bytes()
    target = tmp_path / "cues.jsonl"
    if where == "history":
        target = db
    elif where == "link":
        target.symlink_to(db)
    else:
        os.mkfifo(target)
    proc = subprocess.run([sys.executable, "-m", "knee_desktop", "run", str(routine),
                           "--silent", "--quiet", "--reps", "1", "--cue-log", str(target)],
                          capture_output=True, text=True, timeout=60, check=False,
                          env=dict(os.environ))
    assert proc.returncode == 2, proc.stderr
    said = {"history": "already exists; add --force", "link": "is a link",
            "fifo": "FIFO"}[where]
    assert said in proc.stderr and "Traceback" not in proc.stderr
    assert db.read_bytes() == before


@pytest.mark.slow
def test_cue_log_force_replaces_a_plain_file(tmp_path: Path) -> None:
    us.save(us.UserSettings(tones=True))
    routine = tiny_routine(tmp_path)
    log = tmp_path / "cues.jsonl"
    log.write_text("old\n")
    proc = subprocess.run([sys.executable, "-m", "knee_desktop", "run", str(routine),
                           "--silent", "--quiet", "--reps", "1", "--cue-log", str(log),
                           "--force"], capture_output=True, text=True, timeout=60,
                          check=False, env=dict(os.environ))
    assert proc.returncode == 0, proc.stderr
    assert "old" not in log.read_text() and '"kind"' in log.read_text()


def test_settings_linked_to_a_file_that_is_not_settings_is_left_alone(tmp_path: Path) -> None:
    victim = tmp_path / "bashrc"
    raw = b"export PATH=$HOME/bin:$PATH\nalias ll='ls -l'\n"
    victim.write_bytes(raw)
    path = us.settings_path()
    path.parent.mkdir(parents=True)
    path.symlink_to(victim)
    result = us.load()
    assert result.settings == us.UserSettings() and result.kept_aside is None
    assert "is a link to" in result.messages[0] and "left as they are" in result.messages[0]
    with pytest.raises(SettingsError, match="not a settings file"):
        us.save(us.UserSettings(rate=150))
    assert victim.read_bytes() == raw and path.is_symlink()
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.toml"]


@pytest.mark.parametrize("kind", ["link", "fifo", "folder"])
def test_the_autostart_entry_is_never_written_through(tmp_path: Path, kind: str) -> None:
    path = reminder.autostart_path()
    path.parent.mkdir(parents=True)
    victim = _special(path, kind, tmp_path)
    done = threading.Event()
    outcome: list[BaseException] = []

    def write() -> None:
        try:
            reminder.set_autostart(True, ["knee-desktop", "--tray"])
        except BaseException as exc:
            outcome.append(exc)
        done.set()

    threading.Thread(target=write, daemon=True).start()
    assert done.wait(10), "blocked"
    assert outcome and isinstance(outcome[0], KneeError), outcome  # a message, not a crash
    with pytest.raises(KneeError):
        reminder.set_autostart(False, [])  # nor removed: it is not ours
    if victim is not None:
        assert victim.read_text() == "precious\n" and path.is_symlink()


def test_the_autostart_entry_is_written_whole() -> None:
    path = reminder.set_autostart(True, ["knee-desktop", "--tray"])
    assert path is not None and "Exec=knee-desktop --tray" in path.read_text()
    assert reminder.set_autostart(False, []) is None and not path.exists()


def test_the_history_is_never_added_to_another_programs_database(tmp_path: Path) -> None:
    tmp_path = tmp_path / "w"
    tmp_path.mkdir()
    other = tmp_path / "browser-places.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE moz_places (url TEXT)")
    con.execute("INSERT INTO moz_places VALUES ('https://example.org')")
    con.commit()
    con.close()
    before = other.read_bytes()
    for path in (other, tmp_path / "history.sqlite3"):
        if path != other:
            path.symlink_to(other)
        store = HistoryStore(path)
        with pytest.raises(HistoryError, match="another program's database"):
            store.sessions()
        store.close()
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["browser-places.sqlite",
                                                          "history.sqlite3"]


def test_a_fifo_as_the_history_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    os.mkfifo(path)
    with pytest.raises(HistoryError, match="not a regular file"):
        HistoryStore(path).sessions()
    assert stat.S_ISFIFO(os.lstat(path).st_mode)


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_history_exports_from_the_window_refuse_links_and_fifos(tmp_path: Path, qtbot,
                                                               kind: str) -> None:
    from knee_desktop.ui.history.files import HistoryFiles

    out = tmp_path / "export.json"
    victim = _special(out, kind, tmp_path)
    files = HistoryFiles(None, HistoryStore(tmp_path / "h.sqlite3"), lambda _t: None,
                         lambda: None)  # type: ignore[arg-type]
    assert files.export_to(out) is False
    assert files.message_box is not None and "never written" in files.message_box.text()
    if victim is not None:
        assert victim.read_text() == "precious\n"
