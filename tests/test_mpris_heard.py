"""Keys and media calls over D-Bus, really heard (issue 10, "done when"): the app runs in a
child process with its real voice into a private PulseAudio null sink, its MPRIS on a
private dbus-daemon, and the History window focused, not the main window. Space is pressed
twice in the History window, then gdbus calls Pause, Play, Next, Previous, Stop, Stop; the
sink's monitor is recorded and each confirmation is found in it, with the phrase the app
handed to the voice at that moment."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.labs.app_run import wait_until
from bench.labs.pulse import MonitorRecorder, PrivatePulse, Recording
from knee_desktop.desktop.mpris import PATH, SERVICE
from knee_desktop.runtime.driver import CONFIRM_STOP
from knee_desktop.session.engine import PAUSED_SAY, RESUMING_SAY, STOPPED_SAY
from tests.fixtures.dbus import PrivateBus

REPO = Path(__file__).resolve().parent.parent
CHILD = """
import json, os, sys, time
from PySide6.QtCore import Qt, QTimer
from PySide6.QtDBus import QDBusConnection
from PySide6.QtTest import QTest
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime.voice import choose_voice
from knee_desktop.ui.app.launch import make_app
from knee_desktop.ui.history.window import HistoryWindow
from knee_desktop.ui.session.main_window import MainWindow
from knee_desktop.ui.app.media_link import start_media

app = make_app(["knee-desktop"])
log = open(sys.argv[1], "w", buffering=1)
choice = choose_voice()
class Awake:  # no screen saver on this bus: its notice (said once, issue 24) is not tested here
    def inhibit(self, answered=None):
        if answered is not None:
            answered(True)
    def release(self):
        pass
window = MainWindow(load_catalog(), lambda: choice.voice, inhibitor=Awake(),
                    settings=PlanSettings(reps=4, lead_in_seconds=1, pause_seconds=3))
window.driver.spoken.connect(
    lambda text: log.write(json.dumps({"t": time.monotonic(), "said": text}) + "\\n"))
bus = QDBusConnection.connectToBus(os.environ["KNEE_TEST_BUS"], "knee-test")
assert start_media(window, bus) is not None
window.show()
history = HistoryWindow()
history.show()
history.activateWindow()  # the main window is not the focused one
assert window.start_session() is not None
log.write(json.dumps({"ready": time.monotonic()}) + "\\n")

def space():
    log.write(json.dumps({"key": "Space", "t": time.monotonic()}) + "\\n")
    history.table.setFocus()  # pressed where a keyboard's key goes: the focused widget
    QTest.keyClick(app.focusWidget() or history, Qt.Key.Key_Space)
QTimer.singleShot(1000, space)  # pause, with the History window focused
QTimer.singleShot(5500, space)  # and on
QTimer.singleShot(60000, app.quit)
app.exec()
"""


def media(bus: PrivateBus, method: str) -> float:
    """Call ``method``; the monotonic time of the call."""
    at = time.monotonic()
    subprocess.run(["gdbus", "call", "--session", "-d", SERVICE, "-o", PATH, "-m",
                    f"org.mpris.MediaPlayer2.Player.{method}"], env=bus.env, check=True,
                   capture_output=True, timeout=10)
    return at


def quiet(rec: Recording, start: float, end: float, threshold: int = 300) -> bool:
    return rec.first_loud(rec.index_of(start), rec.index_of(end), threshold) is None


@pytest.mark.audio
def test_media_calls_are_heard_with_the_main_window_unfocused(
        tmp_path: Path, pulse: PrivatePulse, private_bus: PrivateBus) -> None:
    log = tmp_path / "said.jsonl"
    env = {**pulse.env(private_bus.env), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(REPO), "KNEE_TEST_BUS": private_bus.address}
    rec = MonitorRecorder(pulse).start()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(log)], env=env, cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    calls: list[tuple[str, float]] = []

    def said_after(t: float) -> float | None:
        """When the child handed a phrase to the voice at or after ``t``."""
        rows = [json.loads(x) for x in log.read_text().splitlines() if '"said"' in x]
        return next((r["t"] for r in rows if r["t"] >= t), None)

    def until(t: float) -> None:
        """Wait (for the child's real clock) until monotonic time ``t``."""
        wait_until(lambda: time.monotonic() >= t, max(0.0, t - time.monotonic()) + 1.0)

    try:
        assert wait_until(lambda: '"ready"' in (log.read_text() if log.exists() else "")
                          or child.poll() is not None, 60.0)
        assert child.poll() is None, child.communicate()[0]
        # the two Space presses (1.0 s and 5.5 s after ready), then the second's words heard
        assert wait_until(lambda: log.read_text().count('"key"') == 2, 15.0)
        second = json.loads([x for x in log.read_text().splitlines() if '"key"' in x][1])["t"]
        assert wait_until(lambda: said_after(second) is not None, 5.0)
        until(said_after(second) + 1.0)  # type: ignore[operator]
        # After Pause, 4.5 s: the words, then silence (checked below) until Play. After the
        # others, until the answer is said and 1.5 s of it can be heard.
        for method, paused in (("Pause", True), ("Play", False), ("Next", False),
                               ("Previous", False), ("Stop", False), ("Stop", False)):
            at = media(private_bus, method)
            calls.append((method, at))
            if paused:
                until(at + 4.5)
            else:
                assert wait_until(lambda at=at: said_after(at) is not None, 5.0), method
                # after Play, also the breath and the words the pause cut, said again
                until(said_after(at) + (2.8 if method == "Play" else 1.5))  # type: ignore[operator]
    finally:
        recording = rec.stop()
        child.terminate()
        out = child.communicate(timeout=10)[0]
    said = [json.loads(line) for line in log.read_text().splitlines() if '"said"' in line]
    keys = [json.loads(line)["t"] for line in log.read_text().splitlines() if '"key"' in line]
    assert len(keys) == 2, out
    calls = [("Space key", keys[0]), ("Space key", keys[1]), *calls]

    def first_said_after(t: float) -> tuple[float, str]:
        entry = next(e for e in said if e["t"] >= t)
        return entry["t"], entry["said"]

    expected = {"Pause": PAUSED_SAY, "Play": RESUMING_SAY, "Stop": CONFIRM_STOP}
    key_words = iter((PAUSED_SAY, RESUMING_SAY))
    heard: list[str] = []
    for i, (method, at) in enumerate(calls):
        when, text = first_said_after(at)
        assert when - at < 1.0, (method, text, out)
        if method == "Stop" and i == len(calls) - 1:
            assert text == STOPPED_SAY
        elif method == "Next":
            assert text.startswith("Skipping to ")
        elif method in expected:
            assert text == expected[method]
        elif method == "Space key":
            assert text == next(key_words)
        onset = recording.first_loud(recording.index_of(when), recording.index_of(when + 1.5))
        assert onset is not None, f"{method}: {text!r} was not heard"
        onset_text = (f"starts {(onset - at) * 1000:.0f} ms after the call"
                      if quiet(recording, at - 0.15, at) else "a cue was still sounding")
        heard.append(f"{method} at +{at - calls[0][1]:.2f} s: {text!r} heard ({onset_text})")
    assert len(heard) == 8
    for i in (0, 2):  # paused by the key, then by Pause: nothing after the words
        assert quiet(recording, calls[i][1] + 3.2, calls[i + 1][1]), calls[i][0]
    print("\n".join(heard))
