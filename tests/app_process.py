"""The app as a separate process, watched through its log file (no test-only flags)."""

from __future__ import annotations

import os
import subprocess
import sys

from knee_desktop.common.logging_setup import log_file

APP = [sys.executable, "-m", "knee_desktop"]


def log_text() -> str:
    path = log_file()
    return path.read_text(encoding="utf-8") if path.exists() else ""


def launch(command: list[str] | None = None, *args: str) -> subprocess.Popen[str]:
    """Start the app (offscreen; the isolated XDG dirs of the test are in os.environ)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([*(command or APP), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
