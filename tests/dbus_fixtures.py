"""A private D-Bus session bus for a test, and a ``gdbus`` client that talks to it while the
Qt event loop keeps running (a blocking subprocess call would deadlock the app under test)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot


class PrivateBus:
    def __init__(self, address: str, tmp: Path) -> None:
        self.address = address
        self.tmp = tmp
        self.env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address}

    def gdbus(self, qtbot: QtBot, *args: str, timeout: int = 8000) -> str:
        """Run ``gdbus ARGS`` against this bus; the Qt loop runs meanwhile. Its stdout."""
        out = self.tmp / f"gdbus-{os.getpid()}-{id(args)}.out"
        with out.open("w") as stream:
            proc = subprocess.Popen(["gdbus", *args], env=self.env, stdout=stream,
                                    stderr=subprocess.STDOUT)
            qtbot.waitUntil(lambda: proc.poll() is not None, timeout=timeout)
        text = out.read_text()
        assert proc.returncode == 0, f"gdbus {' '.join(args)}: {text}"
        return text

    def monitor(self, name: str) -> tuple[subprocess.Popen[bytes], Path]:
        """``gdbus monitor`` on ``name``, writing to a file; stop it with terminate()."""
        log = self.tmp / f"monitor-{name}.log"
        with log.open("w") as stream:
            proc = subprocess.Popen(["gdbus", "monitor", "--session", "-d", name],
                                    env=self.env, stdout=stream, stderr=subprocess.STDOUT)
        return proc, log


@pytest.fixture
def private_bus(tmp_path: Path) -> Iterator[PrivateBus]:
    if shutil.which("dbus-daemon") is None or shutil.which("gdbus") is None:
        pytest.skip("dbus-daemon and gdbus are needed (packaging/debian-packages.txt)")
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1",
         f"--address=unix:dir={tmp_path}"], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True)
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        assert address.startswith("unix:"), address
        yield PrivateBus(address, tmp_path)
    finally:
        daemon.terminate()
        daemon.wait(timeout=5)
        if daemon.stdout is not None:
            daemon.stdout.close()
