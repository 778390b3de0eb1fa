"""One timeline: `plan`, `plan --json`, `routines`, the window's ready screen, `export-audio`
and the session all read the timeline fitted to the real clips of the chosen voice."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from knee_desktop.main import main
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.prefs.user_settings import UserSettings
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime.planning import clock, session_timeline
from knee_desktop.speech.clip import RATE, read_wav

REPO = Path(__file__).resolve().parent.parent
ARGS = ("windshield-wiper", "--reps", "3", "--leg", "left")


def knee(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "knee_desktop", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)


def test_plan_json_is_what_export_audio_plays_cue_by_cue(tmp_path: Path) -> None:
    """Two separate processes: the plan's times are where the exported sound starts."""
    planned = knee("plan", *ARGS, "--json")
    assert planned.returncode == 0, planned.stderr
    data = json.loads(planned.stdout)
    assert data["estimated"] is False
    out = tmp_path / "session.wav"
    exported = knee("export-audio", *ARGS, str(out))
    assert exported.returncode == 0, exported.stderr
    samples = read_wav(out).samples
    spoken = [e for e in data["events"] if e["text"]]
    assert len(spoken) > 20 and f", {len(spoken)} phrases." in exported.stdout
    worst = 0.0
    for event in spoken:
        # espeak's silence is exactly 0 and no clip sounds in the 50 ms before the next
        # phrase (the fit keeps that margin): the first non-zero sample starts the phrase.
        lo = round((event["t"] - 0.05) * RATE)
        start = next(i for i in range(lo, len(samples)) if samples[i])
        off = start / RATE - event["t"]
        worst = max(worst, abs(off))
        assert -0.001 <= off <= 0.010, (event["text"], event["t"], off)
    assert worst < 0.010
    # and the file lasts the plan's duration (plus its one second of silence at the end)
    assert len(samples) / RATE - 1.0 == pytest.approx(data["duration"], abs=0.01)


def test_plan_routines_and_session_show_one_duration(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    assert main(["plan", "windshield-wiper"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert main(["plan", "windshield-wiper", "--json"]) == 0
    duration = json.loads(capsys.readouterr().out)["duration"]
    assert main(["routines"]) == 0
    listed = re.search(r"windshield-wiper .*\((\d+:\d\d), shipped\)", capsys.readouterr().out)
    assert listed is not None
    assert listed.group(1) == clock(duration)
    assert f": {clock(duration)}, legs: left, right" in header
    # the session (export, run and the window use fit_speech on the same clips) agrees
    routine = load_catalog().get("windshield-wiper")
    again = session_timeline(routine, UserSettings().to_plan_settings(), UserSettings())
    assert again.timeline == session_timeline(routine, PlanSettings(), UserSettings()).timeline
    assert round(again.timeline.duration, 3) == duration


def test_a_warm_cache_answers_at_once() -> None:
    routine = load_catalog().get("windshield-wiper")
    cold = session_timeline(routine, PlanSettings(), UserSettings())
    warm = session_timeline(routine, PlanSettings(), UserSettings())
    assert warm.timeline == cold.timeline
    source = warm.source
    assert getattr(source, "rendered", None) == 0  # nothing rendered the second time


def test_without_a_speech_engine_the_times_are_called_estimates(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KNEE_DESKTOP_ESPEAK_LIB", "libespeak-ng-not-here.so.1")
    assert main(["plan", "windshield-wiper"]) == 0
    out, err = capsys.readouterr()
    assert "(estimated: no speech engine)" in out.splitlines()[0]
    assert "The times are estimates" in err and "libespeak-ng1" in err
    assert main(["plan", "windshield-wiper", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["estimated"] is True
    assert main(["routines"]) == 0
    assert "The times are estimates" in capsys.readouterr().err


def test_the_ready_screen_shows_the_sessions_duration(qtbot, qapp: object) -> None:
    from knee_desktop.runtime.audio_output import AudioOutput
    from knee_desktop.runtime.voice import ClipVoice
    from knee_desktop.session.clock import FakeClock
    from knee_desktop.speech.render import SpeechCache
    from knee_desktop.ui.session.main_window import MainWindow
    from knee_desktop.ui.text import clock_text
    from tests.fakes import FakeInhibitor

    class ClosedOutput(AudioOutput):
        def probe(self) -> None:
            pass

        def open(self) -> None:
            pass

    voice = ClipVoice(SpeechCache(), ClosedOutput())
    settings = PlanSettings(reps=3)
    win = MainWindow(load_catalog(), lambda: voice, clock=FakeClock(), settings=settings,
                     inhibitor=FakeInhibitor())  # type: ignore[arg-type]
    qtbot.addWidget(win)
    ready = win.timeline
    assert ready is not None
    session, _notes = voice.plan(load_catalog().get("windshield-wiper"), settings)
    assert ready == session  # the same timeline, not an estimate of it
    assert f"<b>{clock_text(session.duration)}</b>" in win.routine_panel.plan.text()
    win.close()
