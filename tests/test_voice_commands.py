"""Spoken commands do what their keys do, through the one session driver (issue 28): the
window on fake timers, the listener fed the worker's lines directly (the recogniser and
the microphone are tested in test_listen_offline.py and test_listen_heard.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import count

from knee_desktop.runtime.listener import LISTENING, NO_RECOGNISER, OFF, UNAVAILABLE
from knee_desktop.runtime.prompts import SAY_STOP_AGAIN
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.session.engine import PAUSED_SAY, RESUMING_SAY, STOPPED_SAY, State
from knee_desktop.ui.app.listening import WindowListening
from knee_desktop.ui.session.main_window import MainWindow
from tests.fakes import RecordingVoice

_at = count(100)


def say(listening: WindowListening, command: str, phrase: str) -> None:
    t = float(next(_at))
    listening.listener.on_line(json.dumps({"command": command, "phrase": phrase, "start": t,
                                           "end": t + 0.4, "at": t + 0.55}))


def test_each_command_does_what_its_key_does(window: MainWindow, timers: FakeTimers,
                                              voice: RecordingVoice) -> None:
    listening = WindowListening(window)
    assert not window.driver.active
    say(listening, "pause", "pause")  # not in a session: nothing
    assert not window.driver.active and voice.said == []
    say(listening, "start", "start")  # the ready screen's Start
    assert window.driver.active
    timers.advance(3.0)
    say(listening, "pause", "pause")
    assert window.driver.state is State.PAUSED and voice.said[-1] == PAUSED_SAY
    say(listening, "pause", "pause")  # already paused: nothing new said
    assert voice.said[-1] == PAUSED_SAY
    say(listening, "resume", "go on")
    assert window.driver.state is State.RUNNING and voice.said[-1] == RESUMING_SAY
    timers.advance(1.0)
    before = len(voice.log)
    say(listening, "where", "where am i")
    assert len(voice.log) > before  # the answer, piece by piece, as I gives it
    step = window.driver.session.current_step.index  # type: ignore[union-attr]
    say(listening, "next", "next")
    assert window.driver.session.current_step.index == step + 1  # type: ignore[union-attr]
    say(listening, "stop", "stop")
    assert voice.said[-1] == SAY_STOP_AGAIN and window.driver.active
    timers.advance(1.0)
    say(listening, "stop", "stop")
    assert window.driver.state is State.STOPPED and voice.said[-1] == STOPPED_SAY


def test_the_listening_sign_and_mpris(window: MainWindow) -> None:
    from knee_desktop.desktop.mpris import MediaPlayer
    from knee_desktop.ui.app.media_link import MediaLink

    link = MediaLink(window, MediaPlayer())  # no bus: its metadata as a client would read it
    listening = WindowListening(window, link)
    assert not listening.sign.isVisible()
    listening.listener._set(LISTENING)
    assert listening.sign.isVisible() and "Listening" in listening.sign.text()
    assert link.player.state.metadata()["knee:listening"] == "yes"
    listening.listener._set(OFF)
    assert not listening.sign.isVisible()
    assert "knee:listening" not in link.player.state.metadata()


def test_no_recogniser_is_said_and_shown_and_keys_go_on(window: MainWindow,
                                                         voice: RecordingVoice,
                                                         monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import importlib.util

    shown: list[str] = []
    window.driver.message.connect(shown.append)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pocketsphinx" else real(name, *a))
    listening = WindowListening(window)
    window.start_session()
    listening.commands.begin()
    assert listening.listener.state == UNAVAILABLE
    assert NO_RECOGNISER in shown and NO_RECOGNISER in voice.said
    window.driver.toggle_pause()
    assert window.driver.state is State.PAUSED  # the keys work as always


def test_the_worker_says_when_there_is_no_microphone(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path}/none", "XDG_RUNTIME_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "knee_desktop.runtime.listen_worker"],
                          input="session\n", env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.stdout.strip(), proc.stderr
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    assert proc.returncode == 3
    assert row["error"].startswith("No microphone could be read"), row
    assert "the keys work as always" in row["error"]
