"""Settings: the chosen voice's licence is shown before it is used, and "Compare the
voices" plays the same sentence and counts in each clean voice, one after another."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from knee_desktop.prefs.user_settings import UserSettings
from knee_desktop.ui.settings.dialog import SettingsDialog
from knee_desktop.ui.settings.voice_compare import SAMPLE

SLT = "festival:cmu_us_slt_arctic_hts"
VOICES = {"default": "gmw/en", "voices": [
    {"id": "gmw/en", "name": "English (Great Britain)", "languages": ["en-gb"]},
    {"id": SLT, "name": "Festival HTS: slt (US English, female)", "languages": ["en-us"],
     "licence": "Festival and HTS engine: BSD-style; CMU ARCTIC slt voice data"},
    {"id": "flite:rms", "name": "Flite: rms (US English, male)", "languages": ["en-us"],
     "licence": "CMU Flite and its voices: BSD-style licence"},
]}
DEFAULTS = UserSettings()
FAKE_VOICES = [sys.executable, "-c", f"print({json.dumps(json.dumps(VOICES))})"]


class Speaker:
    """A preview that records what it was asked to say (the real one plays sound: its
    own tests are tests/test_preview_handout.py)."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str, int, float]] = []

    def tempo(self) -> float:
        return 0.01

    def __call__(self, text: str, voice: str, rate: int, volume: float) -> None:
        self.said.append((text, voice, rate, volume))


@pytest.fixture
def dialog(qtbot):
    def make(settings: UserSettings = DEFAULTS, speak=None) -> SettingsDialog:
        d = SettingsDialog(settings, speak, voice_command=FAKE_VOICES)
        qtbot.addWidget(d)
        with qtbot.waitSignal(d.lister.listed, timeout=10_000):
            pass
        made.append(d)
        return d

    made: list[SettingsDialog] = []
    yield make
    for d in made:
        d.lister.stop()


def test_the_chosen_voice_shows_its_licence_before_use(dialog) -> None:
    d = dialog(UserSettings(voice=SLT))
    licence = d.findChild(QLabel, "voice-licence")
    assert "CMU ARCTIC slt" in licence.text() and not licence.isHidden()
    d.voice.setCurrentIndex(d.voice.findData("gmw/en"))
    assert licence.isHidden()  # espeak's own voices: no note
    d.voice.setCurrentIndex(d.voice.findData("flite:rms"))
    assert "BSD-style" in licence.text()


def test_a_piper_file_shows_its_model_card_lines(dialog, tmp_path: Path) -> None:
    model = tmp_path / "en_US-calm-medium.onnx"
    model.write_bytes(b"x")
    (tmp_path / "MODEL_CARD").write_text("* License: <b>CC0</b>\nFinetuned from lessac\n")
    d = dialog(UserSettings(voice=f"piper:{model}"))
    label = d.findChild(QLabel, "voice-licence")
    assert "License: <b>CC0</b>" in label.text() and "Finetuned from lessac" in label.text()
    assert label.textFormat() == Qt.TextFormat.PlainText  # the card's markup shown as text


def test_compare_plays_each_clean_voice_one_after_another(dialog, qtbot) -> None:
    speaker = Speaker()
    d = dialog(UserSettings(rate=180, volume=0.5), speaker)
    d.compare.gap_ms = 50
    d.findChild(QPushButton, "compare-voices").click()
    assert [s[1] for s in speaker.said] == [""]  # one at a time: the next after its turn
    now = d.findChild(QLabel, "compare-now")
    assert now.text() == "Voice 1: the default voice"
    qtbot.waitUntil(lambda: len(speaker.said) == 3, timeout=5000)
    assert [s[1] for s in speaker.said] == ["", SLT, "flite:rms"]
    assert all(s[0] == f"Voice {k + 1}. {SAMPLE}" for k, s in enumerate(speaker.said))
    assert {(s[2], s[3]) for s in speaker.said} == {(180, 0.5)}  # the dialog's rate, volume
    qtbot.waitUntil(lambda: "Compared every voice" in now.text(), timeout=5000)


def test_without_a_preview_compare_is_off(dialog) -> None:
    assert not dialog().findChild(QPushButton, "compare-voices").isEnabled()
