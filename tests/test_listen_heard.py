"""Spoken commands into a virtual microphone (issue 28): `knee-desktop run --listen` on a
private PulseAudio whose null sink's monitor is the app's input. Commands are said by a
different synthetic voice (flite) into the same sink, so the "microphone" also hears the
app's own voice under them, as a real one would: on a beat (over a count), in a still
pause and between counts. Each must be carried out and its confirmation found in the
monitor recording after the words were said.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.labs.listen import speak
from bench.labs.pulse import MonitorRecorder, PrivatePulse
from bench.labs.routines import routine_text
from knee_desktop.runtime.prompts import SAY_STOP_AGAIN
from knee_desktop.session.engine import PAUSED_SAY, RESUMING_SAY, STOPPED_SAY

pytest.importorskip("pocketsphinx")
REPO = Path(__file__).resolve().parent.parent
LOUD = 300
ROUTINE = routine_text("listen", "Listen", "Counts with gaps and a still pause.", """
pause_seconds = 8
sweep_seconds = 2.2
circle_seconds = 2.2
lead_in_seconds = 0
""", """
[[steps]]
type = "move"
title = "Sweep"
movement = "sweep-left"
say = "Sweep."
reps = 10

[[steps]]
type = "still"
title = "Still"
say = "Still."
end_say = "Move."

[[steps]]
type = "move"
title = "Circles"
movement = "circle-clockwise"
say = "Circles."
reps = 3

[[steps]]
type = "still"
title = "Hold"
say = "Hold."
end_say = "Move."
seconds = 20
""")
# (printed line that triggers it, delay after it, words, command): on the beat of a count
# (the line is printed ~0.2 s before the count is heard), in a still pause, after a
# prompt. Not taken (no "(heard: …)" within TRY seconds): said again, as a person would,
# up to TRIES times; later tries fall between the beats.
COUNT = tuple(f"{n}." for n in ("One", "Two", "Three", "Four", "Five", "Six", "Seven",
                                 "Eight", "Nine", "Ten"))
SCRIPT: list[tuple[tuple[str, ...], float, str, str]] = [
    (COUNT, 0.2, "where am I", "where"),  # the next count printed: on its beat
    (COUNT, 0.2, "repeat", "repeat"),
    (("Still.",), 2.0, "pause", "pause"),
    ((PAUSED_SAY,), 3.0, "go on", "resume"),
    (("Circles.",), 3.1, "next", "next"),  # on the beat of the step's first count
    (("Hold.",), 1.5, "stop", "stop"),  # in the last step's still pause
    ((SAY_STOP_AGAIN,), 2.3, "stop", "stop"),  # once the question is over
]
TRY, TRIES = 2.6, 3
ANSWERS = {"where": "Sweep.", "repeat": "Sweep.", "pause": PAUSED_SAY, "resume": RESUMING_SAY,
           "next": "Skipping", "stop": SAY_STOP_AGAIN}


def say_into(sink_env: dict[str, str], words: str, voice: str) -> None:
    pcm = speak(words, voice)
    pcm = type(pcm)("h", (int(v * 0.6) for v in pcm))  # about the app's own level
    subprocess.run(["pacat", "--playback", "--raw", "--rate=16000", "--format=s16le",
                    "--channels=1", "--latency-msec=30"], input=pcm.tobytes(), env=sink_env,
                   check=True, timeout=20)


class Output:
    """The app's printed lines, read in a thread; waited for in order."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self.seen = 0
        self.more = threading.Event()
        self.read = threading.Event()  # to the end
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.strip())
            self.more.set()
        self.read.set()

    def wait_for(self, ending: str | tuple[str, ...], timeout: float) -> bool:
        """A line ending so, printed after the last one waited for."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while self.seen < len(self.lines):
                self.seen += 1
                if self.lines[self.seen - 1].endswith(ending):
                    return True
            self.more.clear()
            self.more.wait(0.1)
        return False


def speak_script(out: Output, env: dict[str, str]) -> list[int]:
    """Each command of SCRIPT at its moment; the tries each took."""
    tries: list[int] = []
    for trigger, delay, words, command in SCRIPT:
        assert out.wait_for(trigger, 40), f"never printed {trigger!r} ({words!r}): {out.lines}"
        threading.Event().wait(delay)
        for attempt in range(TRIES):
            say_into(env, words, ("slt", "rms")[(len(tries) + attempt) % 2])
            if out.wait_for(f"(heard: {command})", TRY):
                tries.append(attempt + 1)
                break
        else:
            pytest.fail(f"{words!r} was not taken in {TRIES} tries: {out.lines}")
    return tries


@pytest.mark.audio
@pytest.mark.slow
@pytest.mark.late
def test_spoken_commands_are_obeyed_and_answered(tmp_path: Path,
                                                 pulse: PrivatePulse) -> None:
    if shutil.which("flite") is None or shutil.which("pacat") is None:
        pytest.skip("needs flite and pacat (apt-get install flite pulseaudio-utils)")
    routine = tmp_path / "listen.toml"
    routine.write_text(ROUTINE, encoding="utf-8")
    log = tmp_path / "cues.jsonl"
    env = {**pulse.env(), "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO),
           "PULSE_SOURCE": f"{pulse.sinks[0]}.monitor"}
    rec = MonitorRecorder(pulse).start()
    proc = subprocess.Popen([sys.executable, "-m", "knee_desktop", "run", str(routine),
                             "--listen", "--cue-log", str(log)], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = Output(proc)
    try:
        tries = speak_script(out, env)
        proc.wait(timeout=30)
        out.read.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        recording = rec.stop()
        if proc.stdout is not None:
            proc.stdout.close()
    heard = [r for r in map(json.loads, log.read_text().splitlines()) if "command" in r]
    said = [r["command"] for r in heard]
    assert said == ["where", "repeat", "pause", "resume", "next", "stop", "stop"], out.lines
    assert STOPPED_SAY in out.lines, out.lines[-12:]
    for row in heard[:-1]:
        assert row["answer"].startswith(ANSWERS[row["command"]]), row
        t = row["at"]
        onset = recording.first_loud(recording.index_of(t), recording.index_of(t + 1.5), LOUD)
        assert onset is not None, f"the answer to {row['command']!r} was not heard"
        assert onset > row["spoken"][1] - 0.05, row  # answered after the words were said
    print("tries", tries, [(r["command"], round(r["at"] - r["spoken"][1], 2)) for r in heard])
