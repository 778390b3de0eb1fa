"""Issue 29, class 6: start-up survives unusable folders, odd encodings and time zones,
closed streams, no display and a log file that cannot be written, with one clear message
each: never exit 70 (a crash report), never a traceback, never "--- Logging error ---"."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.labs.routines import TINY

pytestmark = pytest.mark.slow  # each case is a real process

REPO = Path(__file__).resolve().parent.parent
CAFE = TINY.replace('title = "Tiny"', 'title = "Café 🦵"')


def _home(tmp: Path) -> dict[str, str]:
    dirs = {"XDG_CONFIG_HOME": tmp / "c", "XDG_DATA_HOME": tmp / "d",
            "XDG_STATE_HOME": tmp / "s", "XDG_CACHE_HOME": tmp / "k"}
    settings = dirs["XDG_CONFIG_HOME"] / "knee-desktop" / "settings.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("tones = true\n")  # no speech engine needed: the start-up is tested
    (tmp / "cafe.toml").write_text(CAFE)
    return {k: str(v) for k, v in dirs.items()}


def knee(tmp: Path, change: dict[str, str | None], *args: str, timeout: float = 60,
         preexec: Callable[[], None] | None = None, stdin: object = subprocess.DEVNULL,
         stdout: object = subprocess.PIPE) -> tuple[int, str]:
    env = {**os.environ, **_home(tmp), "PYTHONPATH": str(REPO)}
    for key, value in change.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    proc = subprocess.run([sys.executable, "-m", "knee_desktop", *args], env=env,
                          stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout,
                          preexec_fn=preexec, cwd=tmp, check=False)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode != 70 and "went wrong" not in err, err
    assert "Traceback" not in err and "Logging error" not in err, err
    return proc.returncode, err


def test_everything_odd_at_once(tmp_path: Path) -> None:
    """Unusable cache and log folders, HOME unset, an ASCII terminal, a time zone Python
    cannot use, umask 777, a 300-character data path, stdin and stdout closed: the session
    runs, each problem is said once, and the history is kept and readable."""
    deep = tmp_path / ("d" * 200) / ("e" * 100)

    def odd() -> None:
        os.umask(0o777)
        os.close(0)
        os.close(1)

    got, err = knee(tmp_path, {"XDG_CACHE_HOME": "/dev/null", "XDG_STATE_HOME": "/dev/null",
                               "HOME": None, "PYTHONIOENCODING": "ascii", "TZ": "XXX-24:59",
                               "XDG_DATA_HOME": str(deep)},
                    "run", "cafe.toml", "--silent", "--reps", "1", preexec=odd)
    assert got == 0, err
    for said in ("speech cache folder /dev/null/knee-desktop cannot be used",
                 "log folder /dev/null", "TZ='XXX-24:59' cannot be used", "umask 777",
                 "Caf\\xe9 \\U0001f9b5"):
        assert err.count(said) == 1, (said, err)
    made = [p for p in deep.rglob("*") if p.is_file()]
    assert made and all(p.stat().st_mode & 0o600 == 0o600 for p in made), made


CASES = [
    pytest.param({"HOME": "/sys/kernel", "XDG_CONFIG_HOME": None, "XDG_DATA_HOME": None,
                  "XDG_STATE_HOME": None, "XDG_CACHE_HOME": None}, ("history",), 2,
                 "could not be", id="home-unwritable"),
    pytest.param({"XDG_DATA_HOME": "/sys/kernel/knee", "XDG_CACHE_HOME": "/sys/kernel",
                  "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
                 ("history",), 2, "Operation not permitted", id="eacces-c-locale"),
    pytest.param({"QT_QPA_PLATFORM": None, "DISPLAY": None, "WAYLAND_DISPLAY": None}, (), 2,
                 "no display to open the window on", id="no-display"),
    pytest.param({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":4321"}, (), 2,
                 "DISPLAY=':4321' cannot be reached", id="display-unreachable"),
]


@pytest.mark.parametrize(("change", "args", "code", "said"), CASES)
def test_odd_environments_give_one_clear_message(tmp_path: Path, change: dict[str, str | None],
                                                 args: tuple[str, ...], code: int,
                                                 said: str) -> None:
    got, err = knee(tmp_path, change, *args)
    assert got == code, err
    assert said in err, err


def _log(tmp: Path) -> Path:
    log = tmp / "s" / "knee-desktop" / "log" / "knee-desktop.log"
    log.parent.mkdir(parents=True)
    return log


@pytest.mark.parametrize("kind", ["fifo", "dev-full"])
def test_a_log_file_that_cannot_be_written_never_hangs(tmp_path: Path, kind: str) -> None:
    log = _log(tmp_path)
    if kind == "fifo":
        os.mkfifo(log)
    else:
        log.symlink_to("/dev/full")
    start = time.monotonic()
    got, err = knee(tmp_path, {}, "-v", "plan", "cafe.toml", timeout=30)
    assert got == 0 and time.monotonic() - start < 30
    assert err.count("the log is not kept in a file this time") == 1, err


@pytest.mark.parametrize("kind", ["folder", "link", "read-only-backup"])
def test_a_log_path_that_is_not_a_plain_file_is_left_alone(
        kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from knee_desktop.common.logging_setup import log_file, setup_logging

    log = log_file()
    log.parent.mkdir(parents=True)
    if kind == "folder":
        log.mkdir()
    elif kind == "link":
        log.symlink_to(log.parent / "elsewhere")
    else:
        Path(f"{log}.1").mkdir()  # rotation would rename into it
    assert setup_logging() is None
    logging.getLogger("knee_desktop").info("hello")
    err = capsys.readouterr().err
    assert err.count("the log is not kept in a file this time") == 1, err
    assert "Logging error" not in err


def test_a_log_file_that_fails_midway_is_said_once(capsys: pytest.CaptureFixture[str]) -> None:
    """The log file becomes unwritable while the app runs: one line, no tracebacks."""
    import logging

    from knee_desktop.common.logging_setup import log_file, setup_logging

    assert setup_logging() == log_file()
    log_file().mkdir()  # opened on the first message: now it cannot be
    for n in range(5):
        logging.getLogger("knee_desktop").warning("message %d", n)
    err = capsys.readouterr().err
    assert err.count("can no longer be written") == 1, err
    assert "Logging error" not in err and "message 4" in err


def test_two_crashes_in_one_second_get_two_reports(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from knee_desktop.cli import main as cli
    from knee_desktop.common import paths

    monkeypatch.setattr(time, "strftime", lambda *_a: "20260101-000000")
    for n in range(3):
        assert cli._report_bug(RuntimeError(f"bug {n}")) == 70
    reports = sorted(paths.log_dir().glob("crash-*.txt"))
    assert [p.name for p in reports] == ["crash-20260101-000000-2.txt",
                                         "crash-20260101-000000-3.txt",
                                         "crash-20260101-000000.txt"]
    assert {p.read_text().splitlines()[-1] for p in reports} == {
        f"RuntimeError: bug {n}" for n in range(3)}
    capsys.readouterr()
