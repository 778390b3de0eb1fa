"""The command line that starts this same app again: in a worker process, or at login."""

from __future__ import annotations

import sys


def app_command(*args: str) -> list[str]:
    """``[python, -m, knee_desktop, *args]``, or the bundle's executable when frozen."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    return [sys.executable, "-m", "knee_desktop", *args]


RENDER_WORKER_FLAG = "--speech-render-worker"


def render_worker_command() -> list[str]:
    """The speech worker process: a module of this package, or in a bundle (where
    ``sys.executable`` is the app itself) the bundle's executable with a hidden flag."""
    if getattr(sys, "frozen", False):
        return [sys.executable, RENDER_WORKER_FLAG]
    return [sys.executable, "-m", "knee_desktop.speech.render_worker"]
