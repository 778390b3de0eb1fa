"""The Preview hands each count to the output just before its beat, on the fake clock
(the real sound is checked in test_voice_preview.py)."""

from __future__ import annotations

import pytest

from knee_desktop.runtime.preview import VoicePreview
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.runtime.voice import VoiceChoice
from tests.fakes import LATENCY, SECONDS, FakeVoice


@pytest.fixture
def rig(qapp: object) -> tuple[VoicePreview, FakeTimers, list[FakeVoice], list[str]]:
    timers = FakeTimers()
    voices: list[FakeVoice] = []
    problems: list[str] = []

    def choose(settings: object, output: object) -> VoiceChoice:
        voices.append(FakeVoice(timers))
        return VoiceChoice(voices[-1], [])

    return VoicePreview(lambda: 1.5, problems.append, timers=timers, choose=choose), \
        timers, voices, problems


def test_each_count_is_handed_out_one_latency_before_its_beat(rig) -> None:  # type: ignore[no-untyped-def]
    preview, timers, voices, problems = rig
    start = timers.clock.now()
    preview("One. Two. Three. Four.", "", 200, 1.0)
    plays = [e for e in voices[0].log if e[0] == "play"]
    assert [p[1] for p in plays] == ["One."]  # not the whole sample up front
    timers.advance(10.0)
    plays = [e for e in voices[0].log if e[0] == "play"]
    assert [p[1] for p in plays] == ["One.", "Two.", "Three.", "Four."]
    beats = [start + LATENCY + i * 1.5 for i in range(4)]
    assert [p[2] for p in plays] == pytest.approx(beats)
    assert [p[3] for p in plays] == pytest.approx([b - LATENCY for b in beats])
    assert preview.voice is None and not voices[0].is_open  # closed after the last word
    assert problems == []


def test_a_new_preview_replaces_one_still_playing(rig) -> None:  # type: ignore[no-untyped-def]
    preview, timers, voices, _ = rig
    preview("One. Two. Three. Four.", "", 200, 1.0)
    timers.advance(1.6)  # "Two." handed out, "Three." not yet
    preview("Five. Six.", "", 200, 1.0)
    timers.advance(10.0)
    first = [e[1] for e in voices[0].log if e[0] == "play"]
    second = [e[1] for e in voices[1].log if e[0] == "play"]
    assert first == ["One.", "Two."] and not voices[0].is_open
    assert second == ["Five.", "Six."]


def test_a_late_timer_hands_out_every_count_already_due(rig) -> None:  # type: ignore[no-untyped-def]
    """A stalled event loop: the counts due meanwhile go out together, on their own beats
    (the output decides what is too late), none lost."""
    preview, timers, voices, _ = rig
    preview("One. Two. Three.", "", 200, 1.0)
    timers.stall(3.2)
    assert [e[1] for e in voices[0].log if e[0] == "play"] == ["One.", "Two.", "Three."]


def test_a_sentence_is_heard_whole_before_the_counts(qapp) -> None:  # type: ignore[no-untyped-def]
    """The sample is a real instruction, longer than a beat: the next phrase waits for it
    (and a short gap), so no two phrases are ever heard at once."""
    from knee_desktop.runtime.preview import GAP, SAMPLE

    timers = FakeTimers()
    voices: list[FakeVoice] = []

    def choose(settings: object, output: object) -> VoiceChoice:
        voices.append(FakeVoice(timers))
        return VoiceChoice(voices[-1], [])

    preview = VoicePreview(lambda: 0.5, lambda _m: None, timers=timers, choose=choose)
    assert SAMPLE.startswith("Your left foot is a windshield wiper.")
    assert SAMPLE.endswith("One. Two. Three. Four.")
    start = timers.clock.now()
    preview("A whole sentence. One. Two.", "", 200, 1.0)
    timers.advance(10.0)
    plays = [e for e in voices[0].log if e[0] == "play"]
    assert [p[1] for p in plays] == ["A whole sentence.", "One.", "Two."]
    step = SECONDS + GAP  # each fake phrase lasts SECONDS, longer than the 0.5 s tempo
    assert [p[2] for p in plays] == pytest.approx(
        [start + LATENCY + i * step for i in range(3)])
