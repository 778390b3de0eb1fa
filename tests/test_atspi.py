"""What a screen reader gets, read from outside: the AT-SPI tree of the real windows (main
window mid-session and idle, History, Settings, About, the knee question) under Xvfb on a
private D-Bus and AT-SPI bus, walked with the system python3's pyatspi
(``bench/labs/a11y.py``). Every control has a name; every label's text can be read; focus
rests on Pause; an announcement reaches an AT-SPI event listener."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.labs import REPO, run_module


def _pyatspi() -> bool:
    return Path("/usr/bin/python3").exists() and subprocess.run(
        ["/usr/bin/python3", "-c", "import pyatspi"], capture_output=True,
        check=False).returncode == 0


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("Xvfb") is None or
                    not Path("/usr/libexec/at-spi-bus-launcher").exists() or not _pyatspi(),
                    reason="needs xvfb, at-spi2-core and python3-pyatspi "
                           "(packaging/debian-packages.txt)")
@pytest.mark.slow
def test_every_control_named_and_every_label_readable() -> None:
    done = subprocess.run(run_module("bench.labs.a11y", "--json"), capture_output=True,
                          text=True, timeout=240, check=False, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout)
    assert found["controls"] >= 60 and found["labels"] >= 30  # the windows were all walked
    assert found["unnamed_controls"] == []
    assert found["unreadable_labels"] == []
    assert found["main_focus"] == "pause"  # not the step list, whose row moves every step
    # a polite announcement (QAccessibleAnnouncementEvent) reaches an AT-SPI listener
    assert "PAUSED: press Space to go on" in found["announcements"]
