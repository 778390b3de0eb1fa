"""The session keys in every window of the app (issue 10, item 3): Space, N, R and S work
while History, Settings or About has focus; Esc there still closes that window; a text or
number field keeps its letters; message boxes and the knee-feel question keep their keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from knee_desktop.history.store import HistoryStore
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.prefs.user_settings import UserSettings
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime.driver import CONFIRM_STOP
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import PAUSED_SAY, RESUMING_SAY, State
from knee_desktop.ui.dialogs.about import AboutDialog
from knee_desktop.ui.dialogs.knee_feel import KneeFeelDialog
from knee_desktop.ui.history.window import HistoryWindow
from knee_desktop.ui.session.main_window import MainWindow
from knee_desktop.ui.settings.dialog import SettingsDialog
from tests.fakes import FakeInhibitor, RecordingVoice


@pytest.fixture
def plan_settings() -> PlanSettings:
    return PlanSettings(reps=3, lead_in_seconds=1, pause_seconds=1)


@pytest.fixture
def running(window: MainWindow, timers: FakeTimers, clock: FakeClock, voice: RecordingVoice
            ) -> Iterator[tuple[MainWindow, FakeClock, RecordingVoice]]:
    """The conftest window (closing it answers yes), a second into a session."""
    window.start_session()
    for _ in range(60):
        timers.advance(0.05)
    assert window.driver.state is State.RUNNING
    yield window, clock, voice
    window.driver.close()


def focus(qtbot: QtBot, top: QWidget, widget: QWidget) -> None:
    top.show()
    top.activateWindow()
    qtbot.waitActive(top)
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def test_keys_work_in_the_history_window(qtbot: QtBot, running, tmp_path: Path) -> None:
    window, _, voice = running
    ctl = window.driver
    history = HistoryWindow(HistoryStore(tmp_path / "h.sqlite3"))
    qtbot.addWidget(history)
    focus(qtbot, history, history.table)

    qtbot.keyClick(history.table, Qt.Key.Key_Space)
    assert ctl.state is State.PAUSED and voice.said[-1] == PAUSED_SAY
    qtbot.keyClick(history.table, Qt.Key.Key_Space)
    assert ctl.state is State.RUNNING and voice.said[-1] == RESUMING_SAY

    before = ctl.session.current_step.index if ctl.session else -1
    qtbot.keyClick(history.table, Qt.Key.Key_N)
    assert ctl.session is not None and ctl.session.current_step.index == before + 1
    assert voice.said[-1].startswith("Skipping")

    played = len(voice.played)
    qtbot.keyClick(history.table, Qt.Key.Key_R)
    assert len(voice.played) == played + 1  # the last cue again

    qtbot.keyClick(history.table, Qt.Key.Key_S)
    assert voice.said[-1] == CONFIRM_STOP and ctl.active  # asks first, like Esc

    qtbot.keyClick(history.table, Qt.Key.Key_Escape)  # Esc here closes History...
    assert not history.isVisible()
    assert ctl.active  # ...and does not stop the session


def test_keys_work_in_about_and_esc_closes_it(qtbot: QtBot, running) -> None:
    window, _, voice = running
    about = AboutDialog(window)
    qtbot.addWidget(about)
    about.open()
    qtbot.waitExposed(about)
    button = about.findChild(QPushButton)
    assert button is not None
    focus(qtbot, about, button)
    qtbot.keyClick(button, Qt.Key.Key_Space)  # pauses; does not press the button
    assert window.driver.state is State.PAUSED and voice.said[-1] == PAUSED_SAY
    qtbot.keyClick(button, Qt.Key.Key_Escape)
    assert not about.isVisible()
    assert window.driver.state is State.PAUSED


def test_settings_fields_keep_their_letters(qtbot: QtBot, running) -> None:
    window, _, voice = running
    dialog = SettingsDialog(UserSettings(), None, window)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    focus(qtbot, dialog, dialog.reps)  # a number field: its keys are typed
    said = list(voice.said)
    qtbot.keyClick(dialog.reps, Qt.Key.Key_N)
    qtbot.keyClick(dialog.reps, Qt.Key.Key_Space)
    assert window.driver.state is State.RUNNING and voice.said == said
    focus(qtbot, dialog, dialog.leg)  # a (non-editable) combo box: the session keys work
    qtbot.keyClick(dialog.leg, Qt.Key.Key_Space)
    assert window.driver.state is State.PAUSED and voice.said[-1] == PAUSED_SAY
    dialog.reject()


def test_message_boxes_and_the_knee_question_keep_their_keys(qtbot: QtBot, running) -> None:
    window, _, voice = running
    box = QMessageBox(QMessageBox.Icon.Question, "Sure?", "Sure?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    qtbot.addWidget(box)
    box.open()
    qtbot.waitExposed(box)
    no = box.button(QMessageBox.StandardButton.No)
    focus(qtbot, box, no)
    with qtbot.waitSignal(box.finished):
        qtbot.keyClick(no, Qt.Key.Key_Space)  # presses the button, as in any message box
    assert window.driver.state is State.RUNNING
    assert box.clickedButton() is no
    said: list[str] = []
    feel = KneeFeelDialog(window, when="after", speak=said.append)
    qtbot.addWidget(feel)
    focus(qtbot, feel, feel)
    qtbot.keyClick(feel, Qt.Key.Key_S)
    assert window.driver.active and CONFIRM_STOP not in voice.said
    feel.reject()


def test_no_session_no_keys_taken(qtbot: QtBot, tmp_path: Path) -> None:
    voice = RecordingVoice()
    window = MainWindow(load_catalog(), lambda: voice, timers=FakeTimers(),
                        inhibitor=FakeInhibitor())
    qtbot.addWidget(window)
    history = HistoryWindow(HistoryStore(tmp_path / "h.sqlite3"))
    qtbot.addWidget(history)
    focus(qtbot, history, history.table)
    qtbot.keyClick(history.table, Qt.Key.Key_Space)
    assert voice.said == [] and window.driver.session is None
