"""Every prompt is heard (issue 10): the knee question before and after and their
read-backs, the pause and stop confirmations and "Where am I?", played by the real window
with the real voice into a private PulseAudio null sink and found in its monitor recording.

The window runs in a child process (QtMultimedia looks for the sound server once per
process) and is driven by keys alone; it reports when it handed each phrase to the voice.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.labs.pulse import MonitorRecorder, PrivatePulse, Recording
from bench.labs.routines import tiny_routine
from knee_desktop.history.feel import spoken_question
from knee_desktop.runtime.driver import CONFIRM_STOP
from knee_desktop.session.engine import PAUSED_SAY, STOPPED_SAY

REPO = Path(__file__).resolve().parent.parent
CHILD = REPO / "tests" / "helpers" / "prompts_child.py"
LOUD = 300
# Prompts said while nothing else sounds: silence right before each, then its sound.
QUIET_PROMPTS = [spoken_question("before"), "Four. Thank you.", "Tiny.", CONFIRM_STOP,
                 STOPPED_SAY, spoken_question("after"), "Three. Thank you."]


def heard_at(recording: Recording, t: float, within: float = 3.0) -> float | None:
    """When sound starts at or after clock time ``t`` (up to ``within`` later)."""
    return recording.first_loud(recording.index_of(t), recording.index_of(t + within), LOUD)


@pytest.mark.audio
def test_every_prompt_is_heard(tmp_path: Path, pulse: PrivatePulse) -> None:
    routine = tiny_routine(tmp_path)
    env = {**pulse.env(), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")])}
    rec = MonitorRecorder(pulse).start()
    try:
        proc = subprocess.run([sys.executable, str(CHILD), str(routine)], env=env,
                              cwd=tmp_path, capture_output=True, text=True, check=False)
    finally:
        recording = rec.stop()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["problems"] == []
    spoken = [(t, text) for t, text in report["spoken"]]
    texts = [text for _, text in spoken]
    paused = texts.index(PAUSED_SAY)
    where = texts[paused + 1:texts.index(CONFIRM_STOP)]  # "Where am I?", piece by piece
    assert where[0] == "Sweep." and where[-1] == "Less than a minute left.", where
    expected = [*QUIET_PROMPTS[:3], PAUSED_SAY, where[0], *QUIET_PROMPTS[3:]]
    order = [texts.index(text) for text in expected]
    assert order == sorted(order), texts  # asked, answered, started, paused … in this order
    heard: dict[str, float] = {}
    for text in expected:
        t = spoken[texts.index(text)][0]
        onset = heard_at(recording, t)
        assert onset is not None, f"{text!r} was not heard"
        heard[text] = onset - t
        if text in QUIET_PROMPTS or text == where[0]:
            before = recording.first_loud(recording.index_of(t - 0.3), recording.index_of(t),
                                          LOUD)
            assert before is None, f"something else was sounding when {text!r} was said"
        else:  # the pause cut a count short: its own words follow, after the latency
            assert heard_at(recording, t + 0.35, 0.5) is not None, f"{text!r} was not heard"
    # the question before is heard before the session's first cue is even handed over
    first_cue = spoken[texts.index("Tiny.")][0]
    assert spoken[texts.index(QUIET_PROMPTS[0])][0] + heard[QUIET_PROMPTS[0]] < first_cue
    print({text[:30]: round(delay, 3) for text, delay in heard.items()}, where)
