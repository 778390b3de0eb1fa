"""The Settings dialog with pytest-qt: values in and out, voices from a worker, previews."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QTimeEdit,
)

from knee_desktop.plan.settings import PlanSettings
from knee_desktop.prefs import user_settings as us
from knee_desktop.prefs.user_settings import Reminder, UserSettings
from knee_desktop.ui.settings.dialog import PREVIEW_TEXT, SettingsDialog

VOICES = {"default": "gmw/en", "voices": [
    {"id": "gmw/af", "name": "Afrikaans", "languages": ["af"], "gender": "Male"},
    {"id": "gmw/en", "name": "English (Great Britain)", "languages": ["en-gb"], "gender": "Male"},
    {"id": "roa/fr", "name": "French", "languages": ["fr-fr"], "gender": "Male"},
    {"id": "gmw/en-us", "name": "English (America)", "languages": ["en-us"], "gender": "Male"},
]}
FAKE_VOICES = [sys.executable, "-c", f"print({json.dumps(json.dumps(VOICES))})"]
DEFAULTS = UserSettings()
HANGING = [sys.executable, "-c", "import threading; threading.Event().wait(60)"]


@pytest.fixture
def make(qtbot):
    dialogs: list[SettingsDialog] = []

    def make(settings: UserSettings = DEFAULTS, preview=None, command=FAKE_VOICES,
             timeout_ms: int = 20_000) -> SettingsDialog:
        dialog = SettingsDialog(settings, preview, voice_command=command,
                                voice_timeout_ms=timeout_ms)
        qtbot.addWidget(dialog)
        dialogs.append(dialog)
        return dialog

    yield make
    for dialog in dialogs:
        dialog.lister.stop()


CUSTOM = UserSettings(voice="roa/fr", rate=150, volume=0.6, tones=True,
                      plan=PlanSettings(reps=8, pause_seconds=12.5, sweep_seconds=2.5,
                                        circle_seconds=4.0, lead_in_seconds=0.0, leg="right",
                                        first_leg="right"), knee_feel=False,
                      reminder=Reminder(True, dt.time(7, 5), frozenset({0, 2, 6})))


def test_shows_and_returns_the_settings(make, qtbot):
    dialog = make(CUSTOM)
    assert dialog.settings() == CUSTOM
    with qtbot.waitSignal(dialog.lister.listed, timeout=10_000):
        pass
    assert dialog.settings() == CUSTOM  # the voice list arrived and kept the choice
    assert dialog.voice.currentText() == "French (fr-fr)"
    assert not dialog.first_leg.isEnabled()


def test_defaults_read_as_the_routines_own(make):
    dialog = make()
    assert dialog.settings() == UserSettings()
    assert dialog.reps.text().startswith("Routine's own")
    assert dialog.sweep.text().startswith("Routine's own")
    assert not dialog.reminder_time.isEnabled()


def test_voice_list_shows_languages_and_default(make, qtbot):
    dialog = make()
    with qtbot.waitSignal(dialog.lister.listed, timeout=10_000):
        pass
    items = [dialog.voice.itemText(i) for i in range(dialog.voice.count())]
    # the voices that can speak the routines' English first, the others after a separator
    assert items == ["Default voice: English (Great Britain) (en-gb)",
                     "English (America) (en-us)", "English (Great Britain) (en-gb)", "",
                     "Afrikaans (af)", "French (fr-fr)"]
    assert dialog.voice.itemData(3) is None  # the separator is not a voice
    assert dialog.voice_status.text() == "4 voices installed; 2 speak English, listed first."


def test_a_hanging_speech_engine_times_out_without_blocking(make, qtbot):
    dialog = make(UserSettings(voice="roa/fr"), command=HANGING, timeout_ms=300)
    with qtbot.waitSignal(dialog.lister.failed, timeout=10_000):
        pass
    assert "did not list its voices within 0.3 seconds" in dialog.voice_status.text()
    assert dialog.settings().voice == "roa/fr"


def test_save_writes_the_file_and_reports_what_changed(make, qtbot):
    dialog = make()
    dialog.rate.setValue(140)
    dialog.sweep.setValue(3.0)
    dialog.reps.setValue(6)
    with qtbot.waitSignal(dialog.saved) as blocker:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    new, changes = blocker.args
    assert (new.rate, new.plan.sweep_seconds, new.plan.reps) == (140, 3.0, 6)
    assert changes.fields == {"rate", "sweep_seconds", "reps"}
    assert changes.rerender_speech and changes.replan
    assert us.load().settings == new


def test_restore_defaults_then_cancel_saves_nothing(make):
    dialog = make(CUSTOM)
    dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert dialog.settings() == UserSettings()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert not us.settings_path().exists()


def test_preview_calls_the_injected_player_with_the_current_values(make):
    calls = []
    dialog = make(preview=lambda *args: calls.append(args))
    dialog.rate.setValue(120)
    dialog.volume.setValue(50)
    buttons = [b for b in dialog.findChildren(QAbstractButton) if b.text() == "Preview"]
    assert len(buttons) == 3
    for button in buttons:
        assert button.isEnabled()
        button.click()
    assert calls == [(PREVIEW_TEXT, "", 120, 0.5)] * 3


def test_without_a_player_preview_is_disabled_and_says_why(make):
    dialog = make()
    buttons = [b for b in dialog.findChildren(QAbstractButton) if b.text() == "Preview"]
    assert buttons and all(not b.isEnabled() for b in buttons)
    assert all("not available" in b.toolTip() for b in buttons)


def test_every_control_has_an_accessible_name_and_a_tooltip(make):
    dialog = make()
    controls = [w for kind in (QAbstractButton, QAbstractSpinBox, QComboBox)
                for w in dialog.findChildren(kind) if not w.objectName().startswith("qt_")]
    assert len(controls) > 20
    missing = [(type(w).__name__, w.text() if hasattr(w, "text") else "") for w in controls
               if not (w.accessibleName() and w.toolTip())]
    assert missing == []
    assert any(isinstance(w, QTimeEdit) for w in controls)


def test_a_natural_voice_file_is_chosen_kept_and_named(make, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QPushButton

    model = tmp_path / "en_US-calm-medium.onnx"
    model.write_bytes(b"not a real model")
    dialog = make()
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(model), "")))
    button = dialog.findChild(QPushButton, "natural-voice")
    assert button is not None and "choose a voice file" in button.text()
    button.click()
    assert dialog.voice.currentText() == "Natural voice: en_US-calm-medium"
    assert dialog.settings().voice == f"piper:{model}"
    with qtbot.waitSignal(dialog.lister.listed, timeout=10_000):
        pass
    assert dialog.settings().voice == f"piper:{model}"  # kept when the voice list arrives
    gone = make(UserSettings(voice=f"piper:{tmp_path / 'gone.onnx'}"))
    assert gone.voice.currentText() == "Natural voice: gone (file not found)"
