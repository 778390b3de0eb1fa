"""The real window under Xvfb: shown on an X server, grabbed from it, saved as PNG."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtGui import QImage

from bench.labs import REPO, run_module


@pytest.mark.slow
@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (Debian package xvfb)")
def test_real_window_under_xvfb_saves_screenshots(tmp_path):
    screens = ["idle", "sweep", "still"]
    done = subprocess.run(run_module("bench.screenshots", "--out", str(tmp_path), "--only",
                                     *screens, "--palettes", "dark", "--sizes", "1366x768"),
                          cwd=REPO, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    for screen in screens:
        name = f"1366x768-dark-{screen}"
        image = QImage(str(tmp_path / f"{name}.png"))
        assert not image.isNull(), name
        assert image.width() >= 1000 and image.height() >= 700
        # not a blank grab: many distinct colours
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
                   for y in range(0, image.height(), 7)}
        assert len(colours) > 20, name
