"""The labs shared by tests/ and bench/: private sound servers (PulseAudio, PipeWire), a
display (Xvfb, Weston), the accessibility buses, the window's screens, and the data both
feed the app (routines, history files, fuzz inputs). tests/ and bench/ import these; bench/
never imports tests/."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"  # settings files of earlier versions


def run_module(module: str, *args: str) -> list[str]:
    """The command that runs ``python -m MODULE ARGS`` with this interpreter; run it with
    ``cwd=REPO`` so that ``bench`` and ``knee_desktop`` are found without editing sys.path."""
    return [sys.executable, "-m", module, *args]
