"""Issue 29, class 2: user and routine text reaches Qt as plain text. Every label of every
window and dialog is plain text, or the app's own HTML with the user's text escaped (marked
with ``ui.text.our_html``); message boxes and tooltips that would guess HTML show text.
Before, ``summary = "<img src='/dev/zero'>"`` read /dev/zero without end (4 GB, no window)."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolTip, QWidget

from bench.labs.routines import GOOD
from knee_desktop.history.records import SessionRecord
from knee_desktop.history.store import HistoryStore
from knee_desktop.routine.loader import load_catalog
from knee_desktop.ui.app.launch import make_app

OUR_HTML = "knee_our_html"  # ui.text.OUR_HTML: our own HTML, every user text escaped
HOSTILE = "<img src='/dev/zero'><b style=\"background-image:url(/dev/urandom)\">x</b>"


def _labels(top: QWidget) -> list[QLabel]:
    return [top] if isinstance(top, QLabel) else top.findChildren(QLabel)


def _check(top: QWidget) -> int:
    """Every label under ``top``: plain text, or our own (escaped) HTML."""
    labels = _labels(top)
    for label in labels:
        fmt = label.textFormat()
        ours = bool(label.property(OUR_HTML))
        assert fmt == Qt.TextFormat.PlainText or (fmt == Qt.TextFormat.RichText and ours), \
            (top.objectName() or type(top).__name__, label.objectName(), label.text()[:80])
        if ours:
            assert "<img" not in label.text() and 'style="' not in label.text(), label.text()
    return len(labels)


@pytest.fixture
def hostile(user_routines: Path) -> str:
    text = GOOD.replace('title = "Mini"', 'title = "Mini"\nsummary = "' +
                        HOSTILE.replace('"', '\\"') + '"\nsafety = ["' +
                        HOSTILE.replace('"', '\\"') + '"]')
    (user_routines / "mini.toml").write_text(text)
    return "mini"


def test_a_routine_summary_that_looks_like_html_shows_as_text(qtbot, hostile: str) -> None:
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.ui.session.main_window import MainWindow
    from tests.fakes import FakeInhibitor, RecordingVoice

    make_app()
    voice = RecordingVoice()
    window = MainWindow(load_catalog(), lambda: voice, settings=PlanSettings(),
                        inhibitor=FakeInhibitor())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.choose_routine(hostile)
    summary = window.findChild(QLabel, "summary")
    assert summary is not None and summary.text() == HOSTILE
    # checked before anything is laid out or painted: HTML would read /dev/zero then
    assert summary.textFormat() == Qt.TextFormat.PlainText
    safety = window.findChild(QLabel, "safety")
    assert safety is not None and "&lt;img src=" in safety.text()
    window.show()
    qtbot.waitExposed(window)
    assert _check(window) > 5


def test_the_window_says_each_labels_format_itself_before_the_guard(qtbot, hostile: str,
                                                                   monkeypatch) -> None:
    """A launch guards plain text only after the window's first frame (ui/plain_text.py):
    until then nothing of the main window may be left to guess, on the ready screen, in a
    session and with the voice's warning box (checked under a style without the guard)."""
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.ui.app.wiring import wire_window
    from knee_desktop.ui.plain_text import guard_plain_text, style_name
    from knee_desktop.ui.session.main_window import MainWindow
    from tests.fakes import FakeInhibitor, RecordingVoice

    app = make_app()
    before = style_name(app)
    app.setStyle(before)  # the desktop's own style: nothing guards
    try:
        voice = RecordingVoice()
        voice.notes.append(HOSTILE)  # said in a message box as the window opens
        window = MainWindow(load_catalog(), lambda: voice, settings=PlanSettings(),
                            inhibitor=FakeInhibitor())  # type: ignore[arg-type]
        qtbot.addWidget(window)
        window.choose_routine(hostile)
        window.show()
        wire_window(window, UserSettings())
        qtbot.waitExposed(window)
        window.pages.setCurrentWidget(window.session_view)  # the session screen too
        window.steps.setVisible(True)
        left = [w.objectName() or type(w).__name__
                for w in window.findChildren(QLabel) + window.findChildren(QMessageBox)
                if w.textFormat() == Qt.TextFormat.AutoText
                and not (isinstance(w, QLabel) and not w.pixmap().isNull())]  # an icon
        assert left == []
        assert len(window.findChildren(QLabel)) > 10
    finally:
        guard_plain_text(app, before)


def test_every_label_of_every_window_and_dialog(qtbot, hostile: str, tmp_path: Path) -> None:
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.ui.dialogs.about import AboutDialog
    from knee_desktop.ui.dialogs.knee_feel import KneeFeelDialog
    from knee_desktop.ui.history.window import HistoryWindow
    from knee_desktop.ui.session.main_window import MainWindow
    from knee_desktop.ui.settings.dialog import SettingsDialog
    from tests.fakes import FakeInhibitor, RecordingVoice

    make_app()
    before = set(QApplication.topLevelWidgets())  # other tests' windows are not ours to check
    store = HistoryStore(tmp_path / "h.sqlite3")
    started = datetime(2026, 1, 2, 8, tzinfo=UTC)
    store.import_sessions([SessionRecord("mini", HOSTILE, started, note=HOSTILE,
                                         ended=started + timedelta(minutes=3),
                                         end_state="stopped", at_title=HOSTILE)])
    voice = RecordingVoice()
    window = MainWindow(load_catalog(), lambda: voice, settings=PlanSettings(),
                        inhibitor=FakeInhibitor())  # type: ignore[arg-type]
    window.choose_routine(hostile)
    history = HistoryWindow(store)
    history.table.selectRow(0)
    tops: list[QWidget] = [window, history, AboutDialog(window),
                           SettingsDialog(UserSettings(), None, window),
                           KneeFeelDialog(window, when="after"),
                           QMessageBox(QMessageBox.Icon.Warning, HOSTILE, HOSTILE)]
    for top in tops:
        qtbot.addWidget(top)
        top.show()
        qtbot.waitExposed(top)
    assert sum(_check(top) for top in tops) > 20
    for top in set(QApplication.topLevelWidgets()) - before:  # anything else that opened
        if top.isVisible():
            _check(top)
    # the history's title tooltip, asked for as a person would (hovering its cell)
    view = history.table
    cell = view.visualRect(history.model.index(0, 1)).center()
    _ask_tooltip(view.viewport(), cell)
    assert _shown_tip() == HOSTILE  # the text as it is, shown as text
    QToolTip.hideText()


def _ask_tooltip(widget: QWidget, at: QPoint) -> None:
    event = QHelpEvent(QEvent.Type.ToolTip, at, widget.mapToGlobal(at))
    QApplication.sendEvent(widget, event)


def _shown_tip() -> str:
    """The text of the tooltip on screen; fails unless Qt's tooltip label shows it as
    plain text (so nothing in it is read as HTML, nothing loaded)."""
    tips = [w for w in QApplication.topLevelWidgets()
            if w.objectName() == "qtooltip_label" and w.isVisible()]
    assert len(tips) == 1, tips
    tip = tips[0]
    assert isinstance(tip, QLabel) and tip.textFormat() == Qt.TextFormat.PlainText
    return tip.text()


def test_a_tooltip_that_looks_like_html_shows_as_text(qtbot) -> None:
    make_app()
    widget = QLabel("x")
    qtbot.addWidget(widget)
    widget.setToolTip(HOSTILE)
    widget.show()
    qtbot.waitExposed(widget)
    _ask_tooltip(widget, QPoint(1, 1))
    assert _shown_tip() == HOSTILE
    QToolTip.hideText()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_our_escape_is_htmls(text: str) -> None:
    from knee_desktop.ui.text import escaped

    assert escaped(text) == html.escape(text)


def test_the_guard_stays_when_the_style_changes(qtbot) -> None:
    from knee_desktop.ui.plain_text import PlainTextStyle, guard_plain_text, style_name

    app = make_app()
    before = style_name(app)
    try:
        guard_plain_text(app, "Windows")
        assert isinstance(app.style(), PlainTextStyle) and style_name(app) == "windows"
        label = QLabel(HOSTILE)
        qtbot.addWidget(label)
        label.show()
        assert label.textFormat() == Qt.TextFormat.PlainText
    finally:
        guard_plain_text(app, before)
    assert style_name(app) == before
