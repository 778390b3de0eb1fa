"""Start-up in whatever environment the app is given: closed standard streams, an encoding that
cannot show "Café 🦵", a umask that makes our own files unreadable, a time zone Python cannot
use, and cache or log folders that are files, devices or read-only.

:func:`prepare` runs first thing in :func:`knee_desktop.cli.main.main`; each problem it finds
is repaired for this run and said in one line, never a crash report.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from knee_desktop.common import paths


def _open_missing_fds() -> None:
    """Standard file descriptors that are closed (``>&-``) get /dev/null, so that no file we
    open later becomes fd 1 and receives what is printed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                got = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if got != fd:  # an earlier one was free after all: keep ours there too
                os.dup2(got, fd)
                os.close(got)


def _text_stream(fd: int, mode: str) -> IO[str]:
    return open(fd, mode, encoding="utf-8", errors="backslashreplace",
                closefd=False)


def usable_streams() -> None:
    """``sys.stdin``/``stdout``/``stderr`` always exist, and text that the terminal's
    encoding cannot show is written as ``\\xe9`` instead of failing."""
    _open_missing_fds()
    if sys.stdin is None:
        sys.stdin = _text_stream(0, "r")
    if sys.stdout is None:
        sys.stdout = _text_stream(1, "w")
    if sys.stderr is None:
        sys.stderr = _text_stream(2, "w")
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, io.UnsupportedOperation, AttributeError):
                reconfigure(errors="backslashreplace")


def sane_umask() -> str | None:
    """A umask that takes the owner's own read or write bits (``umask 777``) would make every
    file we write unreadable to us: keep the owner's bits, the rest as the user set it."""
    mask = os.umask(0o022)
    fixed = mask & 0o077
    os.umask(fixed)
    if fixed != mask:
        return (f"The umask {mask:03o} would make the app's own files unreadable to you; "
                f"{fixed:03o} is used for this run.")
    return None


def sane_timezone() -> str | None:
    """A ``TZ`` Python cannot turn into an offset (``XXX-24:59``): UTC for this run."""
    try:
        offset = dt.datetime.now().astimezone().utcoffset()
        time.localtime()
        ok = offset is not None and abs(offset) < dt.timedelta(hours=24)
    except (ValueError, OverflowError, OSError):
        ok = False
    if ok:
        return None
    shown = os.environ.get("TZ", "")
    os.environ["TZ"] = "UTC"
    time.tzset()
    return f"The time zone TZ={shown!r} cannot be used; times are in UTC for this run."


def dir_problem(folder: Path) -> str | None:
    """Why files cannot be written in ``folder`` (made if missing); ``None`` if they can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return exc.strerror or str(exc)
    if not folder.is_dir():
        return "it is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "it is not writable"
    return None


# Folders the app can do without for one run (a temporary folder serves): the speech cache
# and the log. Settings and history stay where they are: their own messages say what failed.
_REPLACEABLE = (("XDG_CACHE_HOME", paths.cache_dir, "speech cache"),
                ("XDG_STATE_HOME", paths.log_dir, "log"))


def usable_dirs() -> list[str]:
    """Point an unusable cache or log folder at a private temporary folder for this run."""
    notes = []
    spare: Path | None = None
    for var, where, what in _REPLACEABLE:
        folder = where()
        problem = dir_problem(folder)
        if problem is None:
            continue
        if spare is None:
            try:
                spare = Path(tempfile.mkdtemp(prefix="knee-desktop-"))
                atexit.register(shutil.rmtree, spare, ignore_errors=True)
            except OSError:
                notes.append(f"The {what} folder {folder} cannot be used ({problem}), and "
                             "there is no temporary folder either.")
                continue
        os.environ[var] = str(spare / var.lower())
        notes.append(f"The {what} folder {folder} cannot be used ({problem}); a temporary "
                     f"folder is used for this run: {where()}.")
    return notes


def prepare() -> list[str]:
    """Everything above, in order; the notes to show the user (one line each)."""
    usable_streams()
    notes = [n for n in (sane_umask(), sane_timezone()) if n]
    return notes + usable_dirs()
