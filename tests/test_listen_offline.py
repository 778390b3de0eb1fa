"""The app never obeys its own voice (issue 28): whole sessions of its cues and prompts,
rendered offline at the recogniser's rate with every clip's heard window, fed through the
real spotter and gate faster than real time (silences longer than 0.6 s shortened to it:
a session's 8 minutes in ~2 s of CPU).
False accepts must be 0; the spotter alone does take the app's words for commands (the
gate is what keeps them out), and commands said between the app's words still get through.
"""

from __future__ import annotations

import array

import pytest

from bench.labs.listen import mix_into, own_session, replay, speak
from knee_desktop.runtime.listen_gate import Gate
from knee_desktop.runtime.spotter import RATE, Detection, Spotter

pytest.importorskip("pocketsphinx")


@pytest.mark.slow
@pytest.mark.parametrize(("routine", "rate"), [("windshield-wiper", None),
                                               ("thigh-massage", None),
                                               ("windshield-wiper", 200)])
def test_own_voice_over_a_whole_session_triggers_nothing(routine: str, rate: int | None) -> None:
    own = own_session(routine, rate, max_gap=0.6)  # > the gate's margins: it sees the same
    assert sum(end - start for start, end, _, _ in own.windows) > 60
    accepted, dropped = replay(own.pcm.tobytes(), own.windows, Spotter())
    assert accepted == []
    assert len(dropped) >= 5  # the spotter alone would have obeyed these


def test_a_command_between_the_app_s_words_goes_through() -> None:
    pcm = array.array("h", bytes(2 * RATE * 4))
    window = (0.5, 1.0, "Lie on your back.", "say")
    mix_into(pcm, speak("where am I", "slt"), round(1.8 * RATE), 0.6)
    accepted, dropped = replay(pcm.tobytes(), [window], Spotter())
    assert [d.command for d in accepted] == ["where"] and dropped == []


def test_the_gate() -> None:
    gate = Gate()
    gate.heard("Paused. Press space to go on.", "say", 10.0, 12.0)
    gate.heard("Three.", "rep", 20.0, 20.5)
    pause, where = Detection("pause", "pause", 0, 0), Detection("where", "where am i", 0, 0)
    assert not gate.admit(pause, 11.0, 11.4)  # its own words
    assert not gate.admit(where, 12.2, 12.5)  # the echo after a clip
    assert gate.admit(where, 12.5, 12.9)  # after the echo
    assert gate.admit(where, 20.1, 20.6)  # over a count: not what a count is taken for
    assert not gate.admit(pause, 20.1, 20.6)  # a count can be heard as "pause"
    assert gate.admit(pause, 21.0, 21.3)
    assert gate.dropped == 3
    gate.heard("Go.", "say", 50.0, 51.0)
    assert not gate.admit(pause, 49.5, 49.95)  # stamped a little early: still the app
    assert [w.text for w in gate.windows] == ["Three.", "Go."]  # over 30 s ago: forgotten
    assert gate.admit(pause, 51.5, 51.7)


def test_words_amid_running_speech_are_not_commands() -> None:
    gate = Gate()
    gate.heard("Three.", "rep", 20.0, 20.5)
    alone = Detection("next", "next", 0, 0, before=2.0, after=1.0, level=30.0)
    amid = Detection("next", "next", 0, 0, before=2.0, after=25.0, level=30.0)  # words follow
    tail = Detection("next", "next", 0, 0, before=2.0, after=25.0, level=45.0)  # its own "t"
    assert gate.admit(alone, 10.0, 10.4)
    assert not gate.admit(amid, 10.0, 10.4) and gate.amid_speech == 1
    assert gate.admit(tail, 10.0, 10.4)  # 20 dB under the words: not another word
    assert gate.admit(amid, 19.3, 19.7)  # what follows is the app's count: still alone


def test_running_speech_with_command_words_in_it_is_not_obeyed() -> None:
    pcm = array.array("h", bytes(2 * RATE * 8))
    mix_into(pcm, speak("please do not stop the music now", "rms"), RATE, 0.6)
    mix_into(pcm, speak("stop", "rms"), round(5 * RATE), 0.6)
    accepted, _ = replay(pcm.tobytes(), [], Spotter())
    assert [(d.command, round(d.start)) for d in accepted] == [("stop", 5)]
