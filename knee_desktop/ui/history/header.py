"""The top of the history window: this week against the weekly target, the safety nudge,
the charts' routine filter, and the table's column widths at the default size."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from knee_desktop.common.words import plural
from knee_desktop.history.progress import nudge
from knee_desktop.history.records import Row
from knee_desktop.history.report import this_week

DEFAULT_SIZE = (1000, 720)
# Each column as wide as its longest usual text (the routine's column stretches between).
COLUMN_SAMPLES = ("Wed 30 Sep 2026 18:05", "Windshield wiper…", "59 min 59 s", "right only",
                  "Interrupted · 10/25", "10 → 10  ✎")


def counting_days(rows: Sequence[Row]) -> list[date]:
    """The day of each session that counts towards the target (a repetition done)."""
    return [r.started.date() for r in rows if r.legs_done and not r.damaged]


def week_text(rows: Sequence[Row], setting: int | None, today: date) -> str:
    """``This week: 2 of 3 sessions (your weekly target)``, as rich text."""
    done, target = this_week(counting_days(rows), setting, today)
    whose = "yours" if setting is not None else "from your last month; change it in Settings"
    met = " ✓" if done >= target else ""
    return (f"<b>This week: {plural(done, 'session')}{met}</b> &nbsp;·&nbsp; weekly target "
            f"{target} ({whose})")


def charts_box(charts: QWidget, *controls: QWidget) -> QWidget:
    """The charts with their controls above them: "Charts: [range] [routine]"."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 0)
    row = QHBoxLayout()
    label = QLabel("&Charts:")
    label.setBuddy(controls[0])
    row.addWidget(label)
    for control in controls:
        row.addWidget(control)
    row.addStretch(1)
    layout.addLayout(row)
    layout.addWidget(charts, 1)
    return box


def nudge_label() -> QLabel:
    label = QLabel()
    label.setObjectName("nudge")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName("Worth knowing")
    label.setStyleSheet("QLabel { border: 2px solid palette(text); padding: 6px; "
                        "border-radius: 4px; }")
    label.hide()
    return label


def show_nudge(label: QLabel, rows: Sequence[Row]) -> None:
    """The nudge of the last sessions (rows newest first), or nothing."""
    found = nudge([r for r in reversed(rows) if not r.damaged])
    label.setVisible(found is not None)
    label.setText(found.text() if found is not None else "")


def fill_routines(combo: QComboBox, rows: Sequence[Row]) -> None:
    """"All routines" and each routine in the history; the first time, with more than one
    routine, the newest session's (a knee chart of two routines mixes two things)."""
    chosen = combo.currentData()
    first_time = combo.count() == 0
    titles: dict[str, str] = {}
    for r in rows:  # newest first: the newest title of each routine
        if not r.damaged:
            titles.setdefault(r.routine_id, r.title)
    combo.blockSignals(True)
    try:
        combo.clear()
        combo.addItem("All routines", None)
        for routine_id, title in sorted(titles.items(), key=lambda kv: kv[1].casefold()):
            combo.addItem(title, routine_id)
        if first_time and len(titles) > 1:
            chosen = next(r.routine_id for r in rows if not r.damaged)
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
    finally:
        combo.blockSignals(False)
