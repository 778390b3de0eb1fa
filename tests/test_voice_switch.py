"""A voice changed in Settings is rendered in the background and the next session uses it;
a missing voice falls back to the default and a broken one keeps the old, each said."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from knee_desktop.plan.settings import PlanSettings
from knee_desktop.prefs import user_settings as us
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.speech.render import SpeechCache, VoiceSettings
from knee_desktop.ui.app import wiring as desktop_wiring
from knee_desktop.ui.session.main_window import MainWindow
from tests.fakes import FakeInhibitor, FakeVoice

pytestmark = pytest.mark.cold_speech  # renders real speech into this test's own cache

SLT = "festival:cmu_us_slt_arctic_hts"
PLAN = PlanSettings(reps=2, lead_in_seconds=1, pause_seconds=3, leg="left")


class SourcedVoice(FakeVoice):
    """The window's voice as far as a switch sees it: a ClipVoice's ``source``; the rest
    fake (the real voice's playing is tested with real sound elsewhere)."""

    source: object = None


@pytest.fixture
def wired(qtbot):
    timers = FakeTimers()
    voice = SourcedVoice(timers)
    voice.source = SpeechCache()
    window = MainWindow(load_catalog(), lambda: voice, timers=timers, settings=PLAN,
                        inhibitor=FakeInhibitor())
    qtbot.addWidget(window)
    wiring = desktop_wiring.wire_window(window, us.UserSettings())
    window.choose_routine("windshield-wiper")
    return window, voice, wiring


def save(wiring, qtbot, voice_id: str) -> str:
    old = wiring.settings
    new = us.UserSettings(voice=voice_id, plan=PLAN)
    with qtbot.waitSignal(wiring.voice_switch.switched, timeout=60_000) as got:
        wiring.settings_saved(new, us.changes(old, new))
    return str(got.args[0])


@pytest.mark.skipif(shutil.which("festival") is None, reason="festival is not installed")
def test_a_new_voice_is_rendered_in_the_background_and_used_next(wired, qtbot) -> None:
    window, voice, wiring = wired
    seen: list[tuple[int, int]] = []
    wiring.voice_switch.progress.connect(lambda done, total: seen.append((done, total)))
    assert save(wiring, qtbot, SLT) == SLT
    assert seen and seen[-1][0] == seen[-1][1] > 10  # progress, phrase by phrase
    assert isinstance(voice.source, SpeechCache) and voice.source.settings.voice == SLT
    phrases = [e.text for e in window.timeline.events if e.text]
    warm = SpeechCache(VoiceSettings(voice=SLT, rate=voice.source.settings.rate))
    warm.prepare(phrases)
    assert warm.rendered == 0  # the next session's clips were all rendered already


def test_a_launch_renders_its_voice_in_the_background_without_a_word(wired, qtbot) -> None:
    """ui/app/launch.py: the window shows first; its voice's clips (none yet: a first
    launch) are rendered off the window's thread, counted in the status bar, then the ready
    screen is fitted to them. Its notes were told with the voice: nothing is said again."""
    window, voice, wiring = wired
    settings = us.UserSettings(voice="no-such-voice", plan=PLAN)  # a note: the default speaks
    seen: list[tuple[int, int]] = []
    shown: list[str] = []
    wiring.voice_switch.progress.connect(lambda done, total: seen.append((done, total)))
    window.statusBar().messageChanged.connect(shown.append)
    said = list(voice.log)
    with qtbot.waitSignal(wiring.voice_switch.switched, timeout=60_000):
        wiring.voice_switch.warm_up(settings)
        assert wiring.voice_switch.worker is not None and wiring.voice_switch.worker.is_alive()
    assert seen and seen[-1][0] == seen[-1][1] > 10  # rendered, phrase by phrase
    assert any(text.startswith("Preparing the voice: ") for text in shown), shown
    assert window.statusBar().currentMessage() == ""  # the count went when it was done
    assert voice.log == said  # nothing played or said: not the note either
    assert not any("no-such-voice" in text for text in shown), shown
    assert isinstance(voice.source, SpeechCache)
    phrases = [e.text for e in window.timeline.events if e.text]
    warm = SpeechCache(VoiceSettings(rate=voice.source.settings.rate))
    warm.prepare(phrases)
    assert warm.rendered == 0  # the session's clips are all there


def test_a_missing_voice_falls_back_to_the_default_and_says_so(wired, qtbot) -> None:
    window, voice, wiring = wired
    assert save(wiring, qtbot, "festival:cmu_us_nobody_hts") == ""
    assert voice.source.settings.voice is None  # the default voice
    said = " ".join(voice.texts())
    assert "cannot be used" in said and "The default voice speaks instead" in said
    assert "cannot be used" in window.statusBar().currentMessage()


@pytest.mark.skipif(importlib.util.find_spec("onnxruntime") is None,
                    reason="onnxruntime (the [natural] extra) is not installed")
def test_a_broken_voice_file_keeps_the_voice_you_had(wired, qtbot, tmp_path: Path) -> None:
    _window, voice, wiring = wired
    before = voice.source
    model = tmp_path / "en_US-broken-medium.onnx"
    model.write_bytes(b"not a model")
    model.with_name(model.name + ".json").write_text("{}", encoding="utf-8")
    assert save(wiring, qtbot, f"piper:{model}").startswith("kept:")
    assert voice.source is before
    assert any("could not be used" in t and "speaks on" in t for t in voice.texts())
