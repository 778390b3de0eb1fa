"""Screen blanking is inhibited over D-Bus while a session runs, and released after."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from knee_desktop.desktop.inhibit import ScreenSaverInhibitor

HELPER = Path(__file__).parent / "helpers" / "dbus_inhibit_check.py"


@pytest.mark.skipif(shutil.which("dbus-run-session") is None,
                    reason="needs dbus-run-session (Debian package dbus-daemon)")
def test_inhibit_and_release_on_a_private_session_bus(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(["dbus-run-session", "--", sys.executable, str(HELPER)],
                          capture_output=True, text=True, timeout=60, env=env, check=False)
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stderr
    assert lines == [
        "inhibit True True False",  # agreed, and not before the answer came
        "Inhibit knee-desktop | A guided knee session is running",
        "released False",
        "left-bus",  # the inhibiting connection is gone: the inhibition with it
    ], done.stdout + done.stderr


def test_no_session_bus_is_a_logged_no_op(monkeypatch, caplog, qapp):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/knee-desktop-bus")
    caplog.set_level(logging.INFO, logger="knee_desktop.desktop.inhibit")
    inhibitor = ScreenSaverInhibitor()
    answers: list[bool] = []
    inhibitor.inhibit(answers.append)
    assert answers == [False]  # at once: there is no bus to ask
    assert not inhibitor.active
    inhibitor.release()  # nothing to release: fine
    assert "the screen may blank" in caplog.text
