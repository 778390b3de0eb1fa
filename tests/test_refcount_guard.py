"""The PySide6 6.12.0 refcount bug and the guard against it (see gui/refcount_guard.py)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
{guard}
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
for _ in range(20000):
    w.update()
print("alive")
"""


def run(guard: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CODE.format(guard=guard)],
                          capture_output=True, text=True, timeout=60, check=False)


def test_many_void_qt_calls_do_not_kill_the_app_with_the_guard():
    done = run("import knee_desktop.gui")
    assert done.returncode == 0 and "alive" in done.stdout, done.stderr


def test_the_bug_is_still_there_without_it():
    """When this fails, PySide6 (or Python ≥ 3.12) fixed it: the guard can go."""
    done = run("")
    if sys.version_info >= (3, 12):
        assert done.returncode == 0
    else:
        assert done.returncode != 0 and "deallocating None" in done.stderr
