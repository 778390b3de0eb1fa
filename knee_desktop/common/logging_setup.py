"""Logging: a rotating file in the platformdirs user log dir, and warnings on stderr.

Called once from :func:`knee_desktop.cli.main.main`. Calling it again (tests run ``main``
many times in one process) replaces the handlers it added before instead of stacking them.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from knee_desktop.common import paths

LOG_NAME = "knee-desktop.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


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
        rotating = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
        rotating.setFormatter(logging.Formatter(_FORMAT))
        handlers.append(rotating)
    except OSError as exc:
        print(f"knee-desktop: cannot write the log in {path}: {exc}", file=sys.stderr)
        path = None
    # Messages already printed for the user (e.g. damaged settings) reach the file only.
    stderr.addFilter(lambda record: not getattr(record, "user_saw", False))
    handlers.append(stderr)
    for handler in handlers:
        handler._knee_desktop = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    return path
