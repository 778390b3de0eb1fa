"""The daily reminder in Settings: on or off, its time and its days, and what it keeps
running (a tray icon while it is on, nothing while it is off)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QTimeEdit, QVBoxLayout, QWidget

from knee_desktop.prefs.user_settings import Reminder

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def describe(widget: QWidget, name: str, tip: str) -> QWidget:
    """A setting's name for screen readers and its tooltip."""
    widget.setAccessibleName(name)
    widget.setToolTip(tip)
    return widget


class ReminderChoice(QWidget):
    """"[x] Remind me to do the routine at HH:mm", ``beside`` at the end of that row, then
    the days and a note; :meth:`value` is the :class:`Reminder` they show."""

    def __init__(self, beside: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.on = QCheckBox("Remind me to do the routine")
        describe(self.on, "Daily reminder",
                 "Show a notification at this time on the days you pick. While it is on, a "
                 "tray icon stays and the app starts in the tray when you log in.")
        self.time = QTimeEdit()
        self.time.setDisplayFormat("HH:mm")
        describe(self.time, "Reminder time", "When the reminder appears")
        row = QHBoxLayout()
        row.addWidget(self.on)
        row.addWidget(QLabel("at"))
        row.addWidget(self.time)
        row.addStretch(1)
        row.addWidget(beside)
        outer.addLayout(row)
        days = QHBoxLayout()
        self.days: list[QCheckBox] = []
        for name in DAY_NAMES:
            day = QCheckBox(name[:3])
            describe(day, f"Remind on {name}", f"Show the reminder on {name}s")
            self.days.append(day)
            days.addWidget(day)
        days.addStretch(1)
        outer.addLayout(days)
        self.note = QLabel()
        self.note.setAccessibleDescription("Reminder note")
        self.note.setWordWrap(True)
        outer.addWidget(self.note)
        self.on.toggled.connect(self._enabled)

    def _enabled(self, on: bool) -> None:
        self.note.setText(
            "While the reminder is on, a tray icon stays and the app starts in the tray when "
            "you log in." if on else "Nothing runs in the background while the reminder is off.")
        self.time.setEnabled(on)
        for day in self.days:
            day.setEnabled(on)

    def set_value(self, r: Reminder) -> None:
        self.on.setChecked(r.enabled)
        self.time.setTime(QTime(r.time.hour, r.time.minute))
        for i, day in enumerate(self.days):
            day.setChecked(i in r.weekdays)
        self._enabled(r.enabled)

    def value(self) -> Reminder:
        t = self.time.time()
        return Reminder(enabled=self.on.isChecked(), time=dt.time(t.hour(), t.minute()),
                        weekdays=frozenset(i for i, d in enumerate(self.days) if d.isChecked()))
