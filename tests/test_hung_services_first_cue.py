"""The screen-saver inhibit and the screen-reader question at a session's start never hold
up its first cue (issue 29's leftover): on a private bus where both services are owned by a
process that never answers (stopped), the first cue is handed to the voice at once; the
inhibit's timeout then tells the person the screen may go dark."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from knee_desktop.desktop import a11y_status, inhibit
from knee_desktop.runtime.prompts import SCREEN_AWAKE
from tests.fixtures.dbus import PrivateBus

REPO = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).parent / "helpers" / "hung_services_child.py"
OWNER = r'''
from PySide6.QtCore import QCoreApplication
from PySide6.QtDBus import QDBusConnection
app = QCoreApplication([])
bus = QDBusConnection.sessionBus()
assert bus.registerService("org.freedesktop.ScreenSaver")
assert bus.registerService("org.a11y.Bus")
print("ready", flush=True)
app.exec()
'''


@pytest.mark.slow
def test_services_that_never_answer_do_not_delay_the_first_cue(private_bus: PrivateBus) -> None:
    env = {**private_bus.env, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    owner = subprocess.Popen([sys.executable, "-c", OWNER], env=env, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert owner.stdout is not None and owner.stdout.readline().strip() == "ready"
        os.kill(owner.pid, signal.SIGSTOP)  # owns both names, answers nothing
        done = subprocess.run([sys.executable, str(CHILD)], env=env, capture_output=True,
                              text=True, timeout=60, check=False)
    finally:
        owner.kill()
        owner.wait(5)
        if owner.stdout is not None:
            owner.stdout.close()
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    blocked, waited = out["blocking_ask"]
    # the services really hang: a question that waits for them waits its whole timeout
    assert blocked is False and waited >= a11y_status.TIMEOUT_MS / 1000 - 0.05, out
    # the first cue is not held up by them (before: inhibit 1 s + screen reader 0.5 s)
    assert out["first_cue"] < 0.4, out
    assert out["start_returned"] < 0.4, out
    # the inhibit's timeout still tells the person, once, after its bound
    said = [at for at, text in out["spoken"] if text == SCREEN_AWAKE]
    assert len(said) == 1 and said[0] >= inhibit.TIMEOUT_MS / 1000 - 0.05, out
    assert out["screen_reader"] is False and out["announcing"] is True
