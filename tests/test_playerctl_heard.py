"""The real ``playerctl`` drives a session through every state (issue 24, "done when"):
idle, playing, paused, a still pause, stopped and finished. The app runs in a child process
with its real voice into a private PulseAudio null sink and its MPRIS on a private
dbus-daemon; each action's words are found in the sink's recorded sound, and status and
metadata answer in every state (playerctl asks CanPlay even while Playing, and refused
before: "No player could handle this command")."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.labs.app_run import wait_until
from bench.labs.pulse import MonitorRecorder, PrivatePulse
from bench.one_voice import routine_file
from knee_desktop.runtime.driver import CONFIRM_STOP
from knee_desktop.session.engine import PAUSED_SAY, RESUMING_SAY, STOPPED_SAY
from tests.fixtures.dbus import PrivateBus

REPO = Path(__file__).resolve().parent.parent
CHILD = """
import json, os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtDBus import QDBusConnection
from knee_desktop.prefs import user_settings as us
from knee_desktop.prefs.launch import LaunchOptions
from knee_desktop.routine.loader import load_catalog
from knee_desktop.ui.app.launch import make_app, voice_factory_for
from knee_desktop.ui.app.media_link import start_media
from knee_desktop.ui.session.main_window import MainWindow
from bench.labs.stand_ins import NoInhibit  # the screen kept awake: no notice cuts the cues

app = make_app(["knee-desktop"])
log = open(sys.argv[1], "w", buffering=1)
settings = us.UserSettings(rate=280)
window = MainWindow(load_catalog(), voice_factory_for(LaunchOptions(), settings),
                    settings=settings.to_plan_settings(), inhibitor=NoInhibit())
window.choose_routine(sys.argv[2])
d = window.driver
def placed(text, t):
    start = next((p.start for p in reversed(d.floor.placed) if p.text == text), None)
    log.write(json.dumps({"t": t, "said": text, "until": d.heard_until, "start": start})
              + chr(10))
d.spoken.connect(lambda text: QTimer.singleShot(
    0, lambda text=text, t=time.monotonic(): placed(text, t)))
d.state_changed.connect(lambda s: log.write(json.dumps({"state": str(s)}) + "\\n"))
bus = QDBusConnection.connectToBus(os.environ["KNEE_TEST_BUS"], "knee-test")
assert start_media(window, bus) is not None
window.show()
log.write(json.dumps({"ready": time.monotonic()}) + "\\n")
QTimer.singleShot(120000, app.quit)
app.exec()
"""


class App:
    """The child's log: what it said, when, and until when it is heard."""

    def __init__(self, log: Path, bus: PrivateBus) -> None:
        self.log, self.bus = log, bus
        self.calls: list[tuple[str, float, str]] = []  # command, at, its output

    def rows(self) -> list[dict[str, object]]:
        text = self.log.read_text() if self.log.exists() else ""
        return [json.loads(x) for x in text.splitlines() if x.strip()]

    def said_after(self, t: float) -> list[dict[str, object]]:
        return [r for r in self.rows() if "said" in r and float(r["t"]) >= t]  # type: ignore[arg-type]

    def playerctl(self, *args: str) -> str:
        at = time.monotonic()
        proc = subprocess.run(["playerctl", "-p", "knee_desktop", *args], env=self.bus.env,
                              capture_output=True, text=True, timeout=10, check=False)
        out = (proc.stdout + proc.stderr).strip()
        assert proc.returncode == 0, (args, out)
        self.calls.append((" ".join(args), at, out))
        return out

    def act(self, *args: str, says: str) -> float:
        """Call playerctl; wait until the words it should bring are said and heard. When
        they are placed to be heard."""
        self.playerctl(*args)
        at = self.calls[-1][1]
        assert wait_until(lambda: any(str(r["said"]).startswith(says)
                                      for r in self.said_after(at)), 8.0), (args, says)
        row = next(r for r in self.said_after(at) if str(r["said"]).startswith(says))
        until = float(row["until"])  # type: ignore[arg-type]
        wait_until(lambda: time.monotonic() > until + 0.3, until - time.monotonic() + 2.0)
        return float(row["start"])  # type: ignore[arg-type]


@pytest.mark.audio
@pytest.mark.slow
def test_playerctl_drives_a_session_through_every_state_each_action_heard(
        tmp_path: Path, pulse: PrivatePulse, private_bus: PrivateBus) -> None:
    if shutil.which("playerctl") is None:
        pytest.skip("playerctl is needed (packaging/debian-packages.txt)")
    routine = tmp_path / "tiny-wiper.toml"
    routine.write_text(routine_file("wiper"), encoding="utf-8")
    log = tmp_path / "said.jsonl"
    env = {**pulse.env(private_bus.env), "QT_QPA_PLATFORM": "offscreen",
           "KNEE_TEST_BUS": private_bus.address}
    rec = MonitorRecorder(pulse).start()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(log), str(routine)], env=env,
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    app = App(log, private_bus)
    heard: list[tuple[str, float, str]] = []  # action, said at, words
    try:
        assert wait_until(lambda: any("ready" in r for r in app.rows())
                          or child.poll() is not None, 60.0)
        assert child.poll() is None, child.communicate()[0]
        # idle
        assert app.playerctl("status") == "Stopped"
        idle = app.playerctl("metadata")
        assert "mpris:trackid" in idle and "Ready to start" in idle
        heard.append(("play-pause (idle)", app.act("play-pause", says="Tiny wiper."), ""))
        # playing, in the first movement
        assert wait_until(lambda: any(str(r.get("said")) == "One." for r in app.rows()), 15)
        assert app.playerctl("status") == "Playing"
        playing = app.playerctl("metadata")
        assert "mpris:trackid" in playing and "/step/" in playing and "Wipe to the left" in playing
        heard.append(("play-pause (playing)", app.act("play-pause", says=PAUSED_SAY), ""))
        assert app.playerctl("status") == "Paused"
        assert "mpris:trackid" in app.playerctl("metadata")
        heard.append(("play-pause (paused)", app.act("play-pause", says=RESUMING_SAY), ""))
        # next: the still pause; previous there says it again; pause and play in it
        heard.append(("next", app.act("next", says="Skipping to still pause."), ""))
        assert wait_until(lambda: any(str(r.get("said", "")).startswith("Pause. Be still")
                                      for r in app.said_after(app.calls[-1][1])), 8)
        assert "Still pause" in app.playerctl("metadata")
        heard.append(("previous (still pause)", app.act("previous", says="Pause. Be still"), ""))
        heard.append(("pause (still pause)", app.act("pause", says=PAUSED_SAY), ""))
        heard.append(("play (still pause)", app.act("play", says=RESUMING_SAY), ""))
        # stop asks, a second stop stops
        heard.append(("stop", app.act("stop", says=CONFIRM_STOP), ""))
        heard.append(("stop again", app.act("stop", says=STOPPED_SAY), ""))
        assert app.playerctl("status") == "Stopped"
        # again, to the end: finished
        heard.append(("play (stopped)", app.act("play", says="Tiny wiper."), ""))
        heard.append(("next", app.act("next", says="Skipping to wipe to the left."), ""))
        heard.append(("next", app.act("next", says="Skipping to still pause."), ""))
        heard.append(("next", app.act("next", says="Skipping to circles."), ""))
        heard.append(("next", app.act("next", says="Skipping to finish."), ""))
        assert wait_until(lambda: '"state": "finished"' in log.read_text()
                          or any(r.get("state") == "finished" for r in app.rows()), 10)
        assert app.playerctl("status") == "Stopped"
        assert "mpris:trackid" in app.playerctl("metadata")
        heard.append(("play (finished)", app.act("play", says="Tiny wiper."), ""))
        heard.append(("stop", app.act("stop", says=CONFIRM_STOP), ""))
        heard.append(("stop again", app.act("stop", says=STOPPED_SAY), ""))
    finally:
        recording = rec.stop()
        child.terminate()
        out = child.communicate(timeout=10)[0]
    lines = []
    for action, start, _ in heard:  # one voice at a time: quiet just before, then its words
        before = recording.first_loud(recording.index_of(start - 0.1),
                                      recording.index_of(start - 0.01), 300)
        onset = recording.first_loud(recording.index_of(start - 0.01),
                                     recording.index_of(start + 0.3), 300)
        assert before is None, f"{action}: something else sounded just before its words"
        assert onset is not None, f"{action}: nothing heard ({out[-2000:]})"
        lines.append(f"{action}: its words heard {(onset - start) * 1000:+.0f} ms from "
                     "where they were placed, after quiet")
    print("\n".join(lines))
