"""Session mode: the count's digits are at least 12 % of the window's height at every size,
and so are a still pause's seconds; the instruction fills its column beside the picture,
the steps are behind a toggle, F11 fills the screen, and the default window fits a 1280×720
screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from bench.labs.screens import go_to_screen, make_window
from knee_desktop.ui.session.main_window import DEFAULT_SIZE
from knee_desktop.ui.session.session_panel import CountLabel


@pytest.fixture
def session(qtbot, monkeypatch):
    # closing a window mid-session asks first (tested on its own): here, the answer is yes
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window, timers = make_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    go_to_screen(window, timers, "sweep")
    return window


def digit_height(label: CountLabel) -> float:
    return QFontMetricsF(label.font()).tightBoundingRect("0123456789").height()


@pytest.mark.parametrize("size", [(640, 480), (1280, 720), (1366, 768), (1920, 1080),
                                  (3840, 2160)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_count_is_at_least_12_percent_of_the_window_and_grows(session, qtbot, size):
    session.resize(*size)
    qtbot.waitUntil(lambda: session.session_view.count.geometry().height() > 0)
    count = session.session_view.count
    assert count.text() == "9 of 10"
    assert digit_height(count) >= 0.12 * session.height()
    assert count.sizeHint().width() <= count.width() + 1  # and it fits its place


def test_every_instruction_fills_its_column_and_is_whole(session, qtbot):
    """Beside the picture the instruction takes the room its column has left: as large
    as fits (at most 5.5 % of the window's height), wrapped, never cut."""
    session.resize(1366, 768)
    view = session.session_view
    timeline = session.timeline
    texts = {e.text for e in timeline.events if e.text and e.kind not in ("rep", "count")}
    texts |= {s.title for s in timeline.steps}
    for text in sorted(texts):
        view.set_instruction(text)
        QApplication.processEvents()
        label = view.instruction
        assert label.heightForWidth(label.width()) <= label.height() + 1, text
        assert 20 <= label.font().pixelSize() <= 0.055 * 768 + 1, text
        assert view.diagram.x() > label.x() + label.width()


def test_steps_are_behind_a_toggle_and_f11_fills_the_screen(session):
    assert not session.steps.isVisible()
    session.controls.show_steps.click()
    assert session.steps.isVisible() and session.steps_action.isChecked()
    session.steps_action.trigger()
    assert not session.steps.isVisible() and not session.controls.show_steps.isChecked()
    assert session.full_screen_action.shortcut() == QKeySequence(Qt.Key.Key_F11)
    session.full_screen_action.trigger()
    assert session.windowState() & Qt.WindowState.WindowFullScreen
    session.full_screen_action.trigger()
    assert not session.windowState() & Qt.WindowState.WindowFullScreen


def test_the_default_window_fits_1280_by_720_with_a_panel_and_title_bar():
    assert DEFAULT_SIZE.width() <= 1280 - 40 and DEFAULT_SIZE.height() + 30 + 32 <= 720


def test_idle_has_one_big_start_and_the_routine_first(qtbot):
    window, _ = make_window()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    c = window.controls
    assert c.start.isVisible() and c.start.isEnabled()
    assert not any(b.isVisible() for b in (c.pause, c.skip, c.repeat, c.stop))
    assert c.start.height() >= 2 * c.pause.minimumSizeHint().height() - 10
    panel = window.routine_panel
    assert panel.picker.currentText() == "Windshield wiper and foot circles"
    assert " in all · " in panel.plan.text()  # the length leads the plan line
    assert panel.safety.isVisible() and panel.summary.isVisible()
    assert not panel.script.isVisible()  # behind "What the voice will say"
    panel.show_script.click()
    assert panel.script.isVisible()


def test_the_current_step_keeps_its_contrast_when_the_list_has_no_focus(qtbot):
    """A desktop palette with a paler inactive highlight (3.7:1 in the issue)."""
    from PySide6.QtGui import QColor, QPalette

    from knee_desktop.ui.session.session_panel import StepList
    from knee_desktop.ui.theme import contrast

    steps = StepList()
    qtbot.addWidget(steps)
    palette = QPalette(steps.palette())
    group, role = QPalette.ColorGroup, QPalette.ColorRole
    palette.setColor(group.Active, role.Highlight, QColor("#0b57d0"))
    palette.setColor(group.Active, role.HighlightedText, QColor("#ffffff"))
    palette.setColor(group.Inactive, role.Highlight, QColor("#6f9be0"))
    palette.setColor(group.Inactive, role.HighlightedText, QColor("#ffffff"))
    assert contrast(QColor("#ffffff"), QColor("#6f9be0")) < 4.5
    steps.setPalette(palette)
    shown = steps.palette()
    assert contrast(shown.color(group.Inactive, role.HighlightedText),
                    shown.color(group.Inactive, role.Highlight)) >= 4.5


def test_the_picture_does_not_jump_when_the_instruction_wraps(session, qtbot):
    session.resize(600, 760)  # portrait: the picture under the words
    view = session.session_view
    view.set_instruction("Wipe to the left")
    qtbot.wait(10)
    assert view.diagram.y() > view.instruction.y()
    qtbot.wait(10)
    before = view.diagram.geometry()
    view.set_instruction("Your left foot is a windshield wiper. Wipe to the left, ten times.")
    qtbot.wait(10)
    assert view.diagram.geometry() == before


@pytest.mark.parametrize("size", [(640, 480), (1366, 768), (3840, 2160)],
                         ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_still_pause_shows_its_seconds_as_large_as_the_count(qtbot, monkeypatch, size):
    """The number one glances at in a still pause was 46 px in a ring in the picture: it
    is now in the count's place, at the count's size."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window, timers = make_window()
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    go_to_screen(window, timers, "still")
    count = window.session_view.count
    assert count.text().split()[0] == "7" and count.text().split()[1] in ("seconds", "sec", "s")
    assert digit_height(count) >= 0.12 * window.height()
    assert count.sizeHint().width() <= count.width() + 1
    assert window.session_view.step.text() == "LEFT LEG · Be still"
