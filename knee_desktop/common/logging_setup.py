"""Logging: a rotating file in the platformdirs user log dir, and warnings on stderr.

Called once from :func:`knee_desktop.cli.main.main`. Calling it again (tests run ``main``
many times in one process) replaces the handlers it added before instead of stacking them.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
from pathlib import Path

from knee_desktop.common import paths
from knee_desktop.common.errors import KneeError
from knee_desktop.common.safe_write import check_target

LOG_NAME = "knee-desktop.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


class _LogFile(logging.handlers.RotatingFileHandler):
    """The log file; when a write fails (a full disk, the file made read-only or replaced
    by a folder), one line says so and the file is no longer used, instead of logging's
    "--- Logging error ---" and a traceback for every message."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:
        if self.failed:
            return
        self.failed = True
        exc = sys.exc_info()[1]
        reason = getattr(exc, "strerror", None) or exc or "an error"
        with contextlib.suppress(Exception):
            sys.stderr.write(f"knee-desktop: the log file {self.baseFilename} can no longer be "
                             f"written ({reason}); logging to it stopped.\n")
        logging.getLogger("knee_desktop").removeHandler(self)
        with contextlib.suppress(Exception):
            self.close()


def _check_log(path: Path) -> None:
    """The log file must be a regular file we can append to (not a FIFO, which would block
    the first message, a device, a folder or a link); KneeError saying why not."""
    check_target(path, replace=True, what="the log file", force_hint="")
    if path.exists() and not os.access(path, os.W_OK):
        raise KneeError(f"the log file {path} is read-only")
    for n in range(1, BACKUPS + 1):  # rotation renames these: they must be plain files too
        check_target(Path(f"{path}.{n}"), replace=True, what="the old log", force_hint="")


def log_file() -> Path:
    return paths.log_dir() / LOG_NAME


def _ours(handler: logging.Handler) -> bool:
    return getattr(handler, "_knee_desktop", False)


def setup_logging(verbose: bool = False) -> Path | None:
    """Log INFO and up to the rotating file (DEBUG with ``verbose``), and to stderr
    WARNING and up (everything with ``verbose``). Returns the log file, or ``None`` when
    the log dir cannot be written (the app then logs to stderr only)."""
    root = logging.getLogger("knee_desktop")
    for handler in [h for h in root.handlers if _ours(h)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)

    stderr = _CurrentStderr(sys.stderr)
    stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    stderr.setFormatter(logging.Formatter("knee-desktop: %(message)s"))
    handlers: list[logging.Handler] = []
    path: Path | None = log_file()
    try:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        _check_log(path)
        rotating = _LogFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                            encoding="utf-8", delay=True)
        rotating.setFormatter(logging.Formatter(_FORMAT))
        handlers.append(rotating)
    except (OSError, KneeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        print(f"knee-desktop: the log is not kept in a file this time: {reason}",
              file=sys.stderr)
        path = None
    # Messages already printed for the user (e.g. damaged settings) reach the file only.
    stderr.addFilter(lambda record: not getattr(record, "user_saw", False))
    handlers.append(stderr)
    for handler in handlers:
        handler._knee_desktop = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    return path
