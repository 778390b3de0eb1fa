"""The knee-feel dialog: number keys answer, 1 then 0 is 10, Enter skips, the voice asks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from knee_desktop.history.feel import KneeFeel
from knee_desktop.ui import knee_feel
from knee_desktop.ui.knee_feel import KneeFeelDialog


@pytest.fixture
def dialog(qtbot: QtBot) -> tuple[KneeFeelDialog, list[str]]:
    said: list[str] = []
    d = KneeFeelDialog(when="before", speak=said.append)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d, said


def test_number_key_answers_at_once(qtbot: QtBot, dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, said = dialog
    assert said and "How do your knees feel" in said[0]
    with qtbot.waitSignal(d.answered) as sig:
        qtbot.keyClick(d, Qt.Key.Key_7)
    assert sig.args == [KneeFeel(7)]
    assert not d.isVisible() and said[-1] == "Seven. Thank you."


def test_one_then_zero_is_ten(qtbot: QtBot, dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, _ = dialog
    qtbot.keyClick(d, Qt.Key.Key_1)
    assert d.feel is None and d.buttons.checkedId() == 1  # waiting for a possible 0
    qtbot.keyClick(d, Qt.Key.Key_0)
    assert d.feel == KneeFeel(10)


def test_one_then_enter_is_one(qtbot: QtBot, dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, _ = dialog
    qtbot.keyClick(d, Qt.Key.Key_1)
    qtbot.keyClick(d, Qt.Key.Key_Return)
    assert d.feel == KneeFeel(1)


def test_one_alone_becomes_one_after_a_moment(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
                                               dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, _ = dialog
    d._one_timer.setInterval(50)
    qtbot.keyClick(d, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: d.feel is not None, timeout=2000)
    assert d.feel == KneeFeel(1)
    assert knee_feel.ONE_WAIT_MS >= 800  # long enough to reach for the 0


def test_enter_skips(qtbot: QtBot, dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, said = dialog
    qtbot.keyClick(d, Qt.Key.Key_Return)
    assert d.feel == KneeFeel(None) and said[-1] == "Skipped."


def test_click_note_and_save(qtbot: QtBot, dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, _ = dialog
    qtbot.mouseClick(d.buttons.button(4), Qt.MouseButton.LeftButton)
    assert d.feel is None  # a click only chooses
    d.note.setFocus()
    qtbot.keyClicks(d.note, "right knee 2 days stiff")  # digits go into the note here
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.feel == KneeFeel(4, "right knee 2 days stiff")
