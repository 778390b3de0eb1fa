"""Smoke test of the built PyInstaller bundle (`make bundle`, then `make bundle-test`).

Skipped unless the bundle exists: building it takes about half a minute and 220 MB, so the
ordinary test run does not build it. `make bundle-test` builds it if needed and runs this.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bench.labs.pulse import MonitorRecorder, PrivatePulse
from bench.labs.routines import tiny_routine
from knee_desktop import __version__

REPO = Path(__file__).resolve().parent.parent

BUNDLE = Path(os.environ.get("KNEE_DESKTOP_BUNDLE")
              or REPO / "dist" / "knee-desktop" / "knee-desktop")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not BUNDLE.is_file(), reason=f"no bundle at {BUNDLE}: run make bundle"),
]


def bundle(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([str(BUNDLE), *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def test_version():
    result = bundle("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"knee-desktop {__version__}"


def test_plan_json_reads_the_bundled_routines():
    result = bundle("plan", "windshield-wiper", "--json", "--reps", "3")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["routine"] == "windshield-wiper" and plan["settings"]["reps"] == 3
    listed = bundle("routines")
    assert "windshield-wiper" in listed.stdout and "thigh-massage" in listed.stdout


def test_speech_engine_lists_voices():
    result = bundle("voices", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["voices"]


def test_window_opens_with_start(qtbot):
    from tests.app_process import launch, log_text

    proc = launch([str(BUNDLE), "--start", "windshield-wiper", "--silent"])
    qtbot.waitUntil(lambda: "session started: windshield-wiper" in log_text()
                    or proc.poll() is not None, timeout=60_000)
    proc.terminate()  # SIGTERM, as at logout: stop, record, quit
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "window: shown" in log_text()


@pytest.mark.audio
def test_bundled_run_is_heard(tmp_path: Path, pulse: PrivatePulse) -> None:
    """The bundle renders real speech and plays it: a short session into a private
    PulseAudio null sink, recorded with parec; every spoken cue is heard."""
    routine = tiny_routine(tmp_path)
    log = tmp_path / "cues.jsonl"
    rec = MonitorRecorder(pulse).start()
    try:
        env = {**pulse.env(), "QT_QPA_PLATFORM": "offscreen"}
        proc = subprocess.run([str(BUNDLE), "run", str(routine), "--cue-log", str(log)],
                              capture_output=True, text=True, env=env, timeout=120)
    finally:
        recording = rec.stop()
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in log.read_text().splitlines() if line]
    spoken = [r for r in rows if r["text"]]
    assert spoken and recording.peak() > 3000
    for row in spoken:
        start = recording.index_of(row["due"] - 0.05)
        assert recording.first_loud(start, recording.index_of(row["due"] + 0.5), 300) \
            is not None, f"{row['text']!r} was not heard"
