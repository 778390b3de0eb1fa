"""The history window with pytest-qt: rows, sorting, details, delete with confirmation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from bench.labs.history_data import TODAY, Wall, lived_in_history
from knee_desktop.history.store import HistoryStore
from knee_desktop.ui.history.window import HistoryWindow


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return lived_in_history(tmp_path / "h.sqlite3", days=120, seed=3)


@pytest.fixture
def window(qtbot: QtBot, store: HistoryStore) -> HistoryWindow:
    w = HistoryWindow(store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def shown(window: HistoryWindow, column: int) -> list[str]:
    m = window.model
    return [m.data(m.index(r, column)) for r in range(m.rowCount())]


def test_rows_are_shown_newest_first(window: HistoryWindow, store: HistoryStore) -> None:
    m = window.model
    assert m.rowCount() == store.count() > 80
    starts = [m.row_at(r).started for r in range(m.rowCount())]
    assert starts == sorted(starts, reverse=True)
    assert shown(window, 0)[0] == f"{starts[0]:%a} {starts[0].day} {starts[0]:%b %Y %H:%M}"
    assert "Completed" in shown(window, 4)
    first = m.index(0, 1)  # the routine's name, cut in a narrow window, whole in its tooltip
    assert m.data(first, Qt.ItemDataRole.ToolTipRole) == m.row_at(0).title
    assert any(text.startswith("Interrupted · ") for text in shown(window, 4))
    assert any("→" in text for text in shown(window, 5))
    assert "Current streak" in window.summary.text() or "No streak" in window.summary.text()
    assert window.calendar.days == set(store.active_days())


def test_sorting_by_clicking_headers(qtbot: QtBot, window: HistoryWindow) -> None:
    header = window.table.horizontalHeader()
    m = window.model
    selected = window.selected_id()
    x = header.sectionViewportPosition(2) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    order = header.sortIndicatorOrder()
    seconds = [m.row_at(r).exercise_seconds for r in range(m.rowCount())]
    assert header.sortIndicatorSection() == 2
    assert seconds == sorted(seconds, reverse=order == Qt.SortOrder.DescendingOrder)
    assert window.selected_id() == selected  # the selection follows its row

    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    starts = [m.row_at(r).started for r in range(m.rowCount())]
    assert starts == sorted(starts)
    window.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    assert shown(window, 4)[0] == "Completed" and shown(window, 4)[-1] != "Completed"


def test_selecting_a_row_shows_its_steps(qtbot: QtBot, window: HistoryWindow,
                                         store: HistoryStore) -> None:
    m = window.model
    stopped = next(r for r in range(m.rowCount()) if m.row_at(r).end_state == "stopped")
    window.table.scrollTo(m.index(stopped, 1))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.table.visualRect(m.index(stopped, 1)).center())
    assert window.selected_id() == m.row_at(stopped).id
    text = window.details.toPlainText()
    rec = store.session(m.row_at(stopped).id)
    assert rec is not None
    assert rec.steps[0].title in text and "Stopped" in text and "paused" in text


def test_delete_asks_first_and_cancel_keeps_the_session(qtbot: QtBot, window: HistoryWindow,
                                                        store: HistoryStore) -> None:
    before = store.count()
    victim = window.selected_id()
    qtbot.mouseClick(window.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.confirm_box is not None and window.confirm_box.isVisible())
    box = window.confirm_box
    assert box is not None and "cannot be undone" in box.informativeText()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.confirm_box is None)
    assert store.count() == before and window.selected_id() == victim


def test_delete_confirmed_removes_the_session(qtbot: QtBot, window: HistoryWindow,
                                              store: HistoryStore) -> None:
    before = store.count()
    victim = window.selected_id()
    assert victim is not None
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)  # the keyboard path asks as well
    qtbot.waitUntil(lambda: window.confirm_box is not None and window.confirm_box.isVisible())
    box = window.confirm_box
    assert box is not None
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    with qtbot.waitSignal(window.deleted) as sig:
        qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert sig.args == [victim]
    assert store.count() == before - 1 and store.session(victim) is None
    assert window.model.rowCount() == before - 1 and window.model.row_of(victim) == -1
    assert window.selected_id() is not None  # the next one is selected


def test_charts_follow_the_range(window: HistoryWindow) -> None:
    bars = window.weekly_chart.chart().series()[0]
    assert bars.barSets()[0].count() == 26  # last 6 months by default
    window.range.setCurrentIndex(0)
    assert window.weekly_chart.chart().series()[0].barSets()[0].count() == 13
    feel = window.feel_chart.chart().series()
    assert [s.name() for s in feel if s.name()] == ["Before", "After"]
    assert all(0 <= p.y() <= 10 for s in feel for p in s.points())


def test_empty_history_and_damaged_file(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"garbage " * 1000)
    w = HistoryWindow(HistoryStore(path, now_wall=Wall(TODAY)), today=date(2026, 11, 23))
    qtbot.addWidget(w)
    assert w.model.rowCount() == 0
    assert "No sessions yet" in w.summary.text()
    assert not w.banner.isHidden() and "moved aside" in w.banner.text()
    assert not w.delete_button.isEnabled()


@pytest.mark.parametrize("palette", ["light", "dark", "high-contrast"])
def test_stopped_and_interrupted_sessions_are_readable_in_every_palette(
        qtbot: QtBot, store: HistoryStore, palette: str) -> None:
    """The grey of a stopped session and the amber of an interrupted one, in the table and
    in the details' skipped steps, reach 4.5:1 on every row colour (fixed #6b6b6b and
    #9a5b00 were 3.7:1 on the dark themes' black)."""
    import re

    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    from knee_desktop.ui.history.model import muted_colours
    from knee_desktop.ui.history.window import details_html
    from knee_desktop.ui.theme import contrast, named_palette

    before = QApplication.palette()
    QApplication.setPalette(named_palette(palette))
    try:
        window = HistoryWindow(store)
        qtbot.addWidget(window)
        m = window.model
        pal = window.table.palette()
        rows = [pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.AlternateBase)]
        seen = set()
        for r in range(m.rowCount()):
            state = m.row_at(r).end_state
            colour = m.data(m.index(r, 4), Qt.ItemDataRole.ForegroundRole)
            if state in ("stopped", "interrupted"):
                seen.add(state)
                assert all(contrast(colour, bg) >= 4.5 for bg in rows), (state, colour.name())
                record = store.session(m.row_at(r).id)
                page = details_html(record, m.row_at(r), window.details.palette())
                for name in re.findall(r"color:(#[0-9a-f]{6})", page):
                    assert contrast(QColor(name), pal.color(QPalette.ColorRole.Base)) >= 4.5
        assert seen == {"stopped", "interrupted"}
        other = "dark" if palette == "light" else "light"  # switched with the window open
        QApplication.setPalette(named_palette(other))
        stopped = next(r for r in range(m.rowCount()) if m.row_at(r).end_state == "stopped")
        grey = m.data(m.index(stopped, 4), Qt.ItemDataRole.ForegroundRole)
        assert grey == muted_colours(named_palette(other))[0]
    finally:
        QApplication.setPalette(before)
