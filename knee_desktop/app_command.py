"""The command line that starts this same app again: in a worker process, or at login."""

from __future__ import annotations

import sys


def app_command(*args: str) -> list[str]:
    """``[python, -m, knee_desktop, *args]``, or the bundle's executable when frozen."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    return [sys.executable, "-m", "knee_desktop", *args]
