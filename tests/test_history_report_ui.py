"""The history window at its default size, its weekly target and nudge, the routine filter
of its charts, the report dialog (save and print), the weekly target in Settings, and the
nudge after a session in the wired window."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from knee_desktop.history.records import monday
from knee_desktop.history.store import HistoryStore
from knee_desktop.prefs import user_settings as us
from knee_desktop.ui.history.header import DEFAULT_SIZE
from knee_desktop.ui.history.report_dialog import ReportDialog
from knee_desktop.ui.history.window import HistoryWindow
from knee_desktop.ui.settings.weekly_target import WeeklyTarget, usual_target
from tests.report_history import THIGH, TODAY, WIPER, ZONE, make_history


def history_store(path: Path, *, worse_at_the_end: bool = False) -> HistoryStore:
    records = make_history()
    if worse_at_the_end:  # the last two sessions: 3 → 5 and 3 → 6
        for r, after in zip(records[-2:], (5, 6), strict=True):
            r.feel_before, r.feel_after = 3, after
    store = HistoryStore(path, now_wall=lambda: datetime(2026, 12, 6, 20, tzinfo=ZONE))
    store.import_sessions(records)
    return store


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> HistoryWindow:
    w = HistoryWindow(history_store(tmp_path / "h.sqlite3"), today=TODAY)
    qtbot.addWidget(w)
    w.resize(*DEFAULT_SIZE)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_every_column_is_readable_at_the_default_size(window: HistoryWindow) -> None:
    table, model = window.table, window.model
    metrics = table.fontMetrics()
    assert (window.width(), window.height()) == DEFAULT_SIZE
    for column in range(model.columnCount()):
        width = table.columnWidth(column)
        title = model.headerData(column, Qt.Orientation.Horizontal)
        assert metrics.horizontalAdvance(title) < width, title
        if column == 1:  # the routine: at least its first words, whole in the tooltip
            assert width >= metrics.horizontalAdvance("Windshield wiper…"), width
            continue
        for row in range(model.rowCount()):
            text = model.data(model.index(row, column))
            assert metrics.horizontalAdvance(text) + 8 <= width, (title, text, width)
    assert table.horizontalScrollBar().maximum() == 0  # no column pushed out of view


def test_the_header_says_this_week_against_the_target(window: HistoryWindow) -> None:
    this_week = [r for r in make_history() if r.started.date() >= monday(TODAY)]
    text = window.summary.text()
    assert f"This week: {len(this_week)} session" in text
    assert "(from your last month; change it in Settings)" in text
    window.set_weekly_target(5)
    assert "weekly target 5 (yours)" in window.summary.text()
    assert "✓" not in window.summary.text().split("·")[0] or len(this_week) >= 5
    assert "1 days" not in window.summary.text() and "1 sessions" not in window.summary.text()


def test_the_nudge_shows_in_history_only_when_it_should(
        qtbot: QtBot, window: HistoryWindow, tmp_path: Path) -> None:
    assert not window.nudge.isVisible()
    worse = HistoryWindow(history_store(tmp_path / "w.sqlite3", worse_at_the_end=True),
                          today=TODAY)
    qtbot.addWidget(worse)
    worse.show()
    words = worse.nudge.text()
    assert worse.nudge.isVisible() and "2 of your last 3 sessions" in words
    assert "only move to a point of resistance, never to a point of pain" in words
    assert "If it goes on, ask your doctor." in words


def test_the_charts_show_one_routine_at_a_time(window: HistoryWindow) -> None:
    # Two routines: the newest session's is chosen, and the charts count only its sessions.
    newest = max(make_history(), key=lambda r: r.started)
    assert window.routine.currentData() == newest.routine_id
    for routine_id in (WIPER[0], THIGH[0], None):
        window.routine.setCurrentIndex(window.routine.findData(routine_id))
        n = sum(1 for r in make_history()
                if routine_id is None or r.routine_id == routine_id)
        summary = window.weekly_chart.summary()
        assert f"{n} sessions" in summary, (routine_id, summary)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_report_dialog_saves_and_prints(qtbot: QtBot, window: HistoryWindow,
                                            tmp_path: Path) -> None:
    window.report_action.trigger()
    dialog = window.report_dialog
    assert isinstance(dialog, ReportDialog) and dialog.isVisible()
    dialog.routine.setCurrentIndex(dialog.routine.findData(THIGH[0]))
    dialog.period.setCurrentIndex(dialog.period.findData(4))
    out = tmp_path / "physio.pdf"
    assert dialog.save_to(out)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert f"(4 weeks), one routine: {THIGH[1]}." in " ".join(text.split())
    assert window.banner.text().startswith("Saved the report (")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dialog.print_to(printer)
    assert (tmp_path / "printed.pdf").stat().st_size > 1000
    dialog.ask_print()  # the system's dialog, window-modal; OK prints
    chooser = dialog.print_dialog
    assert chooser is not None and chooser.isVisible()
    chooser.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    chooser.printer().setOutputFileName(str(tmp_path / "chosen.pdf"))
    # As if OK was pressed: accept() itself would apply the dialog's own widgets to the
    # printer (here: a file in the working folder), which is Qt's part, not ours.
    chooser.accepted.emit(chooser.printer())
    assert (tmp_path / "chosen.pdf").stat().st_size > 1000
    chooser.close()
    link = tmp_path / "link.pdf"
    link.symlink_to(tmp_path / "target.pdf")
    assert not dialog.save_to(link)  # never through a link, even after the file dialog
    assert dialog.problem_box is not None and "link" in dialog.problem_box.text()
    dialog.close()


def test_the_weekly_target_in_settings(qtbot: QtBot, tmp_path: Path) -> None:
    store = history_store(tmp_path / "h.sqlite3")
    usual = usual_target(store, TODAY)
    assert 1 <= usual <= 7
    box = WeeklyTarget(usual)
    qtbot.addWidget(box)
    box.set_value(None)
    assert box.value() is None and box.spin.text() == f"From my last month ({usual} a week)"
    box.set_value(4)
    assert box.value() == 4
    saved = us.UserSettings(weekly_target=4)
    path = tmp_path / "settings.toml"
    us.save(saved, path)
    assert "weekly_target = 4" in path.read_text()
    assert us.load(path).settings.weekly_target == 4
    us.save(us.UserSettings(), path)
    assert "# weekly_target = (from your last month)" in path.read_text()
    path.write_text("weekly_target = 40\n")
    loaded = us.load(path)
    assert loaded.settings.weekly_target is None
    assert any("weekly_target: expected 1 to 21 sessions a week, got 40" in m
               for m in loaded.messages)


def test_the_reminder_says_how_the_week_is_going(qtbot: QtBot,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from PySide6.QtGui import QIcon

    from knee_desktop.desktop.tray import BODY, ReminderController
    from knee_desktop.history.report import week_words
    from knee_desktop.prefs.user_settings import Reminder

    days = [dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 11, 20)]
    assert week_words(days, 3, dt.date(2026, 12, 2)) == \
        "This week so far: 2 sessions of your weekly target of 3."
    assert week_words(days[2:], None, dt.date(2026, 12, 2)).startswith(
        "This week so far: 0 sessions of your weekly target of 1.")  # 1 in the last 4 weeks
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)  # no notification server
    now = dt.datetime(2026, 12, 2, 8, 0)
    controller = ReminderController(QIcon(), now=lambda: now)
    asked: list[str] = []
    controller.body = lambda: asked.append("body") or f"{week_words(days, 3, now.date())} {BODY}"
    controller.apply(Reminder(True, dt.time(9, 0), frozenset(range(7))))
    now = dt.datetime(2026, 12, 2, 9, 0, 1)
    with qtbot.waitSignal(controller.open_requested, timeout=1000):
        controller.check()
    assert asked == ["body"]  # the words are made when the reminder shows, not before
    controller.stop()
