"""`knee-desktop run` and `export-audio` as the user runs them: subprocesses, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.labs.pulse import MonitorRecorder, PrivatePulse
from bench.labs.routines import tiny_routine
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import compile_timeline
from knee_desktop.routine.loader import load_catalog
from knee_desktop.speech.clip import RATE, read_wav
from knee_desktop.speech.render import SpeechCache

REPO = Path(__file__).resolve().parent.parent


def knee(*args: str, env: dict[str, str] | None = None,
         timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ if env is None else env)
    full["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "knee_desktop", *args], env=full, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.slow
def test_run_silent_writes_a_cue_log(tmp_path: Path) -> None:
    routine = tiny_routine(tmp_path)
    log = tmp_path / "cues.jsonl"
    proc = knee("run", str(routine), "--silent", "--cue-log", str(log), "--reps", "2",
                "--pause", "0.5")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    timeline = compile_timeline(load_catalog().get(str(routine)),
                                PlanSettings(reps=2, pause_seconds=0.5))
    # every cue is logged, played or (after a stall of the loaded machine) dropped
    assert [r["kind"] for r in rows] == [e.kind for e in timeline.events]
    assert [r["text"] for r in rows] == [e.text for e in timeline.events]
    start = rows[0]["due"]
    for row, event in zip(rows, timeline.events, strict=True):
        assert row["due"] == pytest.approx(start + event.t, abs=0.002)
        if not row.get("dropped") and event.kind != "end":
            # handed over in time or not at all: never a late burst (Session.stale_after)
            assert row["played"] <= row["due"] + 0.15 + 1e-6
    assert "Done." in proc.stdout  # each cue printed as it is spoken
    assert "Silent mode" in proc.stderr


def test_run_without_audio_output_refuses_unless_silent(tmp_path: Path) -> None:
    routine = tiny_routine(tmp_path)
    env = dict(os.environ, PULSE_SERVER=f"unix:{tmp_path}/no-such-server",
               XDG_RUNTIME_DIR=str(tmp_path))
    proc = knee("run", str(routine), env=env)
    assert proc.returncode == 3
    assert "No audio output" in proc.stderr and "--silent" in proc.stderr


@pytest.mark.audio
def test_run_is_heard_on_the_beat(tmp_path: Path, pulse: PrivatePulse) -> None:
    """Real speech, played by the real app into a private PulseAudio null sink, recorded
    with parec: every cue is heard, on its due time. The suite loads both cores meanwhile:
    one cue may be a stream hiccup late (seen: 20-25 ms, once a run in CI); an offset or a
    drift would move the median or several cues. The 5 ms goal on a quiet machine is
    measured by `make bench-cues`."""
    routine = tiny_routine(tmp_path)
    log = tmp_path / "cues.jsonl"
    rec = MonitorRecorder(pulse).start()
    try:
        proc = knee("run", str(routine), "--cue-log", str(log), env=pulse.env(), timeout=120)
    finally:
        recording = rec.stop()
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in log.read_text().splitlines() if line]
    cache = SpeechCache()
    cache.prepare([r["text"] for r in rows if r["text"]])
    assert recording.peak() > 3000, "something was heard"
    floor = 0
    errors: list[tuple[str, float]] = []
    for row in rows:
        if not row["text"]:
            continue
        lead = (cache.clip(row["text"]).first_sound() or 0) / RATE
        lo = max(floor, recording.index_of(row["due"] - 0.1))
        heard = recording.first_loud(lo, recording.index_of(row["due"] + 1.0), 300)
        assert heard is not None, f"{row['text']!r} was not heard"
        errors.append((row["text"], heard - lead - row["due"]))
        floor = recording.index_of(heard + cache.duration(row["text"]) - 0.01)
    offsets = sorted(abs(e) for _, e in errors)
    assert offsets[len(offsets) // 2] < 0.005, errors  # the median: no offset
    assert offsets[-2] < 0.015, errors  # all but one within 15 ms
    assert offsets[-1] < 0.040, (errors, proc.stderr)  # and that one a hiccup, not a miss


def test_export_audio_places_every_clip_at_its_time(tmp_path: Path) -> None:
    routine = tiny_routine(tmp_path)
    out = tmp_path / "session.wav"
    proc = knee("export-audio", str(routine), str(out))
    assert proc.returncode == 0, proc.stderr
    clip = read_wav(out)
    # the file speaks with the user's saved voice (here the default settings), like a session
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.runtime.planning import voice_settings

    cache = SpeechCache(voice_settings(UserSettings()))
    timeline = compile_timeline(load_catalog().get(str(routine)), speech=lambda t: 0.0)
    cache.prepare(timeline.phrases())
    timeline = compile_timeline(load_catalog().get(str(routine)), speech=cache.duration,
                                centre=cache.centre)
    assert clip.seconds >= timeline.duration
    for event in timeline.speech():
        at = round(event.t * RATE)
        expected = cache.clip(event.text or "").samples
        assert clip.samples[at:at + 200] == expected[:200], event.text
        assert not any(clip.samples[at - 50:at]), f"silence before {event.text!r}"


@pytest.mark.slow
def test_ctrl_c_stops_the_session_cleanly(tmp_path: Path) -> None:
    import signal

    routine = tiny_routine(tmp_path)
    log = tmp_path / "cues.jsonl"
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "knee_desktop", "run", str(routine),
                             "--silent", "--cue-log", str(log)],
                            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # blocks until the first cue is spoken
        assert "Tiny." in first
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert "Session stopped." in out
    assert "Traceback" not in err
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert rows and rows[-1]["kind"] != "end"  # it did not run to the end


@pytest.mark.cold_speech  # checks that nothing was rendered
def test_export_audio_takes_the_saved_settings_as_its_base(tmp_path: Path,
                                                           isolated_dirs: Path) -> None:
    from knee_desktop.common import paths
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.prefs import user_settings

    user_settings.save(user_settings.UserSettings(plan=PlanSettings(reps=2), tones=True))
    out = tmp_path / "saved.wav"
    proc = knee("export-audio", "windshield-wiper", str(out), "--leg", "left",
                "--lead-in", "0")
    assert proc.returncode == 0, proc.stderr
    expected = compile_timeline(load_catalog().get("windshield-wiper"),
                                PlanSettings(reps=2, leg="left", lead_in_seconds=0))
    assert f", {len(expected.speech())} phrases." in proc.stdout  # reps from the file
    assert not (paths.cache_dir() / "speech").exists()  # tones chosen: nothing rendered
    assert read_wav(out).seconds > 0


@pytest.mark.slow
def test_session_keys_work_at_a_terminal(tmp_path: Path) -> None:
    """stdin a terminal (a pty): I says where the session is, Space pauses, Esc twice stops;
    the terminal is given back as it was."""
    import pty
    import select
    import termios

    routine = tiny_routine(tmp_path)
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "knee_desktop", "run", str(routine),
                             "--silent", "--pause", "30", "--reps", "1"],
                            stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, cwd=REPO, text=True)
    assert proc.stdout is not None

    def line_with(text: str) -> str:
        assert proc.stdout is not None
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], 30)
            assert ready, f"no line with {text!r}"
            line = proc.stdout.readline()
            assert line, f"the run ended before {text!r}"
            if text in line:
                return line

    try:
        line_with("Still.")  # the still pause of 30 s has begun
        os.write(master, b"i")
        where = line_with("left.")
        assert "Still." in where and "seconds to go in this step." in where
        os.write(master, b" ")
        line_with("Paused. Press space to go on.")
        os.write(master, b"\x1b")
        line_with("Press escape again to stop.")
        os.write(master, b"\x1b")
        line_with("Session stopped.")
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        after = termios.tcgetattr(slave)
        os.close(master)
        os.close(slave)
    assert proc.returncode == 1, err
    assert "Keys: Space" in err
    assert after == before  # cbreak mode undone
