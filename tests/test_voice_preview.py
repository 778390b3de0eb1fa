"""The settings dialog's Preview speaks a sample count at the tempo, really heard.

Run in a child process: QtMultimedia looks for the audio server once per process, and
this test process has long since looked when no server was there."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from bench.labs.pulse import RATE, MonitorRecorder, PrivatePulse

REPO = Path(__file__).resolve().parent.parent
CHILD = """
import logging
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from knee_desktop.runtime.preview import VoicePreview

logging.basicConfig(level=logging.DEBUG, format="%(relativeCreated)d ms %(message)s")
app = QApplication([])
problems = []
preview = VoicePreview(lambda: 1.5, problems.append)
preview("One. Two. Three. Four.", "", 200, 1.0)
if preview.voice is None:
    print("FAILED", problems)
    sys.exit(1)
poll = QTimer()
poll.timeout.connect(lambda: app.quit() if preview.voice is None else None)
poll.start(50)
QTimer.singleShot(15000, app.quit)
app.exec()
print("problems", problems)
"""


@pytest.mark.audio
def test_preview_counts_are_heard_one_tempo_apart(tmp_path: Path,
                                                  pulse: PrivatePulse) -> None:
    env = {**pulse.env(), "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    rec = MonitorRecorder(pulse).start()
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=60, check=False)
    finally:
        recording = rec.stop()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "problems []" in proc.stdout, proc.stdout + proc.stderr[-3000:]
    # an onset: a loud sample after at least 0.25 s of quiet
    onsets: list[float] = []
    quiet = int(0.25 * RATE)
    last_loud = -quiet
    for i, x in enumerate(recording.samples):
        if abs(x) >= 300:
            if i - last_loud >= quiet:
                onsets.append(recording.time_of(i))
            last_loud = i
    assert len(onsets) == 4, (onsets, proc.stderr[-3000:])
    gaps = [b - a for a, b in itertools.pairwise(onsets)]
    assert all(abs(g - 1.5) < 0.05 for g in gaps), (gaps, proc.stderr[-3000:])
