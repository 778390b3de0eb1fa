"""The history window by keyboard (issue 10, item 8): no Tab trap, Esc and Ctrl+W close,
charts and calendar in words, Export…/Import… in the menu with messages for every outcome."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from bench.labs.history_data import TODAY, Wall, lived_in_history
from knee_desktop.history.store import HistoryStore
from knee_desktop.ui.history.window import HistoryWindow


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return lived_in_history(tmp_path / "h.sqlite3", days=60, seed=5)


@pytest.fixture
def window(qtbot: QtBot, store: HistoryStore) -> HistoryWindow:
    w = HistoryWindow(store)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitActive(w)
    return w


def test_tab_leaves_the_table(qtbot: QtBot, window: HistoryWindow) -> None:
    window.table.setFocus()
    qtbot.waitUntil(window.table.hasFocus)
    assert not window.table.tabKeyNavigation()
    qtbot.keyClick(window.table, Qt.Key.Key_Tab)
    assert not window.table.hasFocus()
    seen = set()
    for _ in range(30):  # Tab around the whole window comes back to the table
        focus = QApplication.focusWidget()
        assert focus is not None
        seen.add(focus.objectName() or type(focus).__name__)
        if focus is window.table:
            break
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.table
    assert {"details", "weekly-chart-text", "feel-chart-text"} <= seen


@pytest.mark.parametrize("key, modifier", [(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
                                           (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)])
def test_esc_and_ctrl_w_close(qtbot: QtBot, window: HistoryWindow, key: Qt.Key,
                              modifier: Qt.KeyboardModifier) -> None:
    window.table.setFocus()
    qtbot.keyClick(window.table, key, modifier)
    assert not window.isVisible()


def test_charts_and_calendar_have_text(window: HistoryWindow, store: HistoryStore) -> None:
    calendar, weekly, feel = window.chart_texts
    for label, view in zip(window.chart_texts,
                           (window.calendar, window.weekly_chart, window.feel_chart), strict=True):
        assert label.text() and label.text() == view.accessibleDescription() == view.summary()
        assert label.isVisible()
    sessions_in_range = sum(w.sessions for w in store.weekly(26, today=TODAY.date()))
    assert f"{sessions_in_range} sessions" in weekly.text()
    assert "the last 26 weeks" in weekly.text()
    assert "on average" in feel.text() and "before" in feel.text()
    month = window.calendar.monthShown()
    days = sorted(d.day for d in store.active_days() if d.month == month
                  and d.year == window.calendar.yearShown())
    assert calendar.text().endswith(", ".join(str(d) for d in days) + ".")
    window.range.setCurrentIndex(0)
    assert "the last 13 weeks" in weekly.text()
    window.calendar.showPreviousMonth()
    assert calendar.text() != "" and calendar.text() == window.calendar.accessibleDescription()


def test_menu_has_the_report_export_and_import(window: HistoryWindow) -> None:
    menu = window.layout().menuBar()
    assert menu is not None
    (history,) = [a.menu() for a in menu.actions()]
    texts = [a.text() for a in history.actions() if not a.isSeparator()]
    assert texts == ["&Report for your physio…", "&Export…", "&Import…", "&Close"]


def test_export_json_then_import_elsewhere(qtbot: QtBot, window: HistoryWindow,
                                          store: HistoryStore, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out" / "knees"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(out), "History export, JSON (*.json)"))
    window.export_action.trigger()
    written = out.with_suffix(".json")
    assert json.loads(written.read_text())["format"] == "knee-desktop-history"
    assert f"Exported {store.count()} sessions to {written}" in window.banner.text()
    assert not list(out.parent.glob("*.partial"))

    other = HistoryWindow(HistoryStore(tmp_path / "other.sqlite3", now_wall=Wall(TODAY)))
    qtbot.addWidget(other)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(written), ""))
    other.import_action.trigger()
    assert other.store.count() == store.count() == other.model.rowCount()
    assert f"Imported {store.count()} sessions" in other.banner.text()
    other.import_action.trigger()  # twice: nothing twice
    assert other.store.count() == store.count()
    assert f"0 sessions from {written}; {store.count()} were already there" in \
        other.banner.text()


def test_export_csv(window: HistoryWindow, store: HistoryStore, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    assert window.files.export_to(path)
    lines = path.read_text().splitlines()
    assert lines[0].startswith("uuid,started") and len(lines) == store.count() + 1


def test_a_bad_import_is_a_message_and_adds_nothing(window: HistoryWindow, store: HistoryStore,
                                                    tmp_path: Path) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text('{"format": "knee-desktop-history", "version": 1, "sessions": [{}]}')
    before = store.count()
    assert not window.files.import_from(bad)
    box = window.files.message_box
    assert box is not None and box.isVisible() and box.windowTitle() == "Import failed"
    assert str(bad) in box.text() and "Nothing was imported" in box.text()
    assert store.count() == before
    box.close()


def test_an_export_that_cannot_be_written_is_a_message(window: HistoryWindow,
                                                       tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "h.json"
    assert not window.files.export_to(target)
    box = window.files.message_box
    assert box is not None and str(target) in box.text() and "Nothing was exported" in box.text()
    box.close()
