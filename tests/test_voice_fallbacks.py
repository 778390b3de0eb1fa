"""Failures are said, not silent: no speech engine -> tones and the package to install; no
audio output -> refuse before the session unless silent mode was chosen; a playback error
mid-session -> reported through ``problem``. And the plan-time fit of counts to beats."""

from __future__ import annotations

import itertools

import pytest

from knee_desktop.plan.fit import DoesNotFit
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime import audio_output as player
from knee_desktop.runtime.audio_output import AudioOutput, AudioUnavailable
from knee_desktop.runtime.planning import fit_speech
from knee_desktop.runtime.voice import ClipVoice, choose_voice
from knee_desktop.runtime.voice_base import SilentVoice
from knee_desktop.speech.render import SpeechCache, VoiceSettings
from knee_desktop.speech.tones import KIND_TONE, STILL, STILL_END, TICK, ToneSet


class OpenedOutput(AudioOutput):
    def probe(self) -> None:
        pass

    def open(self) -> None:
        pass


class NoOutput(AudioOutput):
    def probe(self) -> None:
        raise AudioUnavailable("No audio output was found.")

    def open(self) -> None:
        self.probe()


def test_no_speech_engine_falls_back_to_tones_and_names_the_package(
        monkeypatch: pytest.MonkeyPatch, qapp: object) -> None:
    monkeypatch.setenv("KNEE_DESKTOP_ESPEAK_LIB", "libespeak-ng-not-here.so.1")
    choice = choose_voice(output_factory=OpenedOutput)
    assert isinstance(choice.voice, ClipVoice)
    assert isinstance(choice.voice.source, ToneSet)
    note = " ".join(choice.notes)
    assert "libespeak-ng1" in note and "tones" in note


def test_tones_differ_for_counts_and_still_pauses() -> None:
    tones = ToneSet()
    tick = tones.clip("One.", "rep")
    assert tick.seconds < 0.1
    assert tones.clip("", "still").samples != tones.clip("", "still-end").samples
    assert KIND_TONE["count"] == TICK and KIND_TONE["still"] == STILL
    assert KIND_TONE["still-end"] == STILL_END
    assert tones.clip("", "say", first=True).samples != tones.clip("", "end").samples


def test_no_audio_output_refuses_before_the_session(qapp: object) -> None:
    with pytest.raises(AudioUnavailable, match="--silent"):
        choose_voice(output_factory=NoOutput)


def test_silent_mode_needs_no_output(qapp: object) -> None:
    choice = choose_voice(silent=True, output_factory=NoOutput)
    assert isinstance(choice.voice, SilentVoice)


def test_no_outputs_listed_is_unavailable(monkeypatch: pytest.MonkeyPatch, qapp: object) -> None:
    monkeypatch.setattr(player, "audio_outputs", lambda: [])
    with pytest.raises(AudioUnavailable, match="No audio output"):
        AudioOutput().open()


def test_a_playback_error_mid_session_is_reported(qapp: object) -> None:
    out = OpenedOutput()
    voice = ClipVoice(ToneSet(), out)
    problems: list[str] = []
    voice.problem.connect(problems.append)
    out._fail("The audio output failed (IOError): the cues can no longer be heard.")
    assert problems and "no longer be heard" in problems[0]
    # A cue that cannot be placed (the output is not running) is reported too.
    voice.play_at("One.", "rep", 1.0)
    assert "not running" in problems[-1]


class SlowCache(SpeechCache):
    """Speech that is always too slow for its beats, whatever the rate."""

    def duration(self, text: str) -> float:
        return 3.0 if text.endswith(".") and len(text) < 8 else 1.0


def test_counts_that_do_not_fit_stop_with_the_tempo_that_would() -> None:
    routine = load_catalog().get("windshield-wiper")
    cache = SlowCache(VoiceSettings(rate=290))
    with pytest.raises(DoesNotFit, match=r"--tempo \d"):
        fit_speech(routine, PlanSettings(reps=2, leg="left", lead_in_seconds=0), cache,
                   retry=lambda rate: SlowCache(VoiceSettings(rate=rate)))


def test_slow_speech_is_rendered_faster_until_the_counts_fit() -> None:
    routine = load_catalog().get("windshield-wiper")
    settings = PlanSettings(reps=2, leg="left", lead_in_seconds=0).with_tempo(0.5)
    slow = SpeechCache(VoiceSettings(rate=80))
    timeline, used, notes = fit_speech(routine, settings, slow)
    # (Seen once, not reproduced: rate 80 fitted at once, as if rendered faster. Say how
    # long its counts were, and where they came from, if it happens again.)
    counts = {t: round(slow.duration(t), 3) for t in ("One.", "Two.") if t in slow}
    assert isinstance(used, SpeechCache) and used.settings.rate > 80, (
        counts, slow.rendered, slow.path("One."), notes)
    assert notes and "faster" in notes[0]
    from knee_desktop.plan.timeline import overlaps

    # every count ends before the next one starts (each starts its vowel onset early)
    assert overlaps(timeline, used.duration) == []
    reps = [e for e in timeline.events if e.kind == "rep"]
    assert all(e.t + used.duration(e.text or "") < n.t for e, n in itertools.pairwise(reps))


def test_every_announcement_of_the_session_is_prepared_in_advance() -> None:
    from knee_desktop.plan.timeline import compile_timeline
    from knee_desktop.session.clock import FakeClock
    from knee_desktop.session.engine import Session, announcements

    timeline = compile_timeline(load_catalog().get("windshield-wiper"))
    said: list[str] = []
    session = Session(timeline, FakeClock())
    session.announce.connect(said.append)
    session.start()
    session.pause()
    session.resume()
    while session.skip():
        pass
    session.stop()
    assert said and set(said) <= set(announcements(timeline))
