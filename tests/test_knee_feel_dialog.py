"""The knee-feel dialog: number keys answer, 1 then 0 is 10, Enter skips, the voice asks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from knee_desktop.history.feel import KneeFeel
from knee_desktop.ui.dialogs import knee_feel
from knee_desktop.ui.dialogs.knee_feel import KneeFeelDialog


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


def test_enter_asks_once_then_skips(qtbot: QtBot,
                                    dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, said = dialog
    qtbot.keyClick(d, Qt.Key.Key_Return)
    assert d.feel is None and d.isVisible() and said[-1] == knee_feel.ASK_SKIP
    assert "Enter again" in d.hint.text()
    qtbot.keyClick(d, Qt.Key.Key_Return)
    assert d.feel == KneeFeel(None) and said[-1] == "Skipped."
    assert said.count(knee_feel.ASK_SKIP) == 1


def test_after_asking_a_digit_still_answers(qtbot: QtBot,
                                            dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, said = dialog
    qtbot.keyClick(d, Qt.Key.Key_Enter)
    qtbot.keyClick(d, Qt.Key.Key_3)
    assert d.feel == KneeFeel(3) and said[-1] == "Three. Thank you."


def test_digits_answer_from_the_empty_note(qtbot: QtBot,
                                          dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    """The issue's trap: one Tab put focus in the note, "5" then Enter recorded a skip."""
    d, said = dialog
    d.note.setFocus()
    assert d.note.hasFocus()
    qtbot.keyClick(d.note, Qt.Key.Key_5)
    assert d.feel == KneeFeel(5) and d.note.text() == "" and said[-1] == "Five. Thank you."


def test_a_digit_in_a_note_with_text_stays_in_the_note(
        qtbot: QtBot, dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, _ = dialog
    d.note.setFocus()
    qtbot.keyClicks(d.note, "stiff 2")
    assert d.feel is None and d.note.text() == "stiff 2"
    qtbot.keyClick(d.note, Qt.Key.Key_Return)  # Enter in the note asks, as anywhere
    assert d.feel is None and d.isVisible()


def test_the_note_field_is_named(dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, _ = dialog
    assert d.note.accessibleName() == "Note"
    assert all(d.buttons.button(n).accessibleName() == f"{n} of 10" for n in range(11))


def test_escape_before_cancels_the_start_and_says_so(
        qtbot: QtBot, dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, said = dialog
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert d.cancelled and d.feel is None and not d.isVisible()
    assert said[-1] == knee_feel.CANCELLED


def test_closing_the_before_question_cancels_too(
        qtbot: QtBot, dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, said = dialog
    d.close()
    assert d.cancelled and said[-1] == knee_feel.CANCELLED


def test_escape_after_skips_and_says_so(qtbot: QtBot) -> None:
    said: list[str] = []
    d = KneeFeelDialog(when="after", speak=said.append)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    with qtbot.waitSignal(d.answered) as sig:
        qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert sig.args == [KneeFeel(None)] and not d.cancelled and said[-1] == "Skipped."


def test_closing_after_is_a_skip_read_back(qtbot: QtBot) -> None:
    said: list[str] = []
    d = KneeFeelDialog(when="after", speak=said.append)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.close()
    assert d.feel == KneeFeel(None) and said[-1] == "Skipped."


def test_click_note_and_save(qtbot: QtBot, dialog: tuple[KneeFeelDialog, list[str]]) -> None:
    d, _ = dialog
    qtbot.mouseClick(d.buttons.button(4), Qt.MouseButton.LeftButton)
    assert d.feel is None  # a click only chooses
    d.note.setFocus()
    qtbot.keyClicks(d.note, "right knee 2 days stiff")  # digits go into the note here
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.feel == KneeFeel(4, "right knee 2 days stiff")


def test_with_a_screen_reader_the_voice_does_not_ask_too(qtbot: QtBot) -> None:
    """Orca reads the dialog when it opens (tests/test_orca.py): a second voice asking the
    same question at once was heard as double speech. The answer is still said back."""
    said: list[str] = []
    d = KneeFeelDialog(when="after", speak=said.append, ask_aloud=False)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    assert said == []
    qtbot.keyClick(d, Qt.Key.Key_4)
    assert said == ["Four. Thank you."]
