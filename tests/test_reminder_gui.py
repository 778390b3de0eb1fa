"""The reminder controller with a fake wall clock, and the About dialog."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel

from knee_desktop import __version__
from knee_desktop.common.logging_setup import log_file
from knee_desktop.desktop.tray import ReminderController
from knee_desktop.prefs.user_settings import Reminder
from knee_desktop.ui.dialogs.about import DOCTOR, SAFETY, AboutDialog


class WallClock:
    def __init__(self, now: dt.datetime) -> None:
        self.t = now

    def __call__(self) -> dt.datetime:
        return self.t


def test_off_means_no_timer_and_no_tray(qtbot):
    clock = WallClock(dt.datetime(2026, 1, 5, 8, 0))
    controller = ReminderController(QIcon(), now=clock)
    controller.apply(Reminder(enabled=False))
    assert controller.due is None and controller.tray is None
    assert not controller._timer.isActive()


def test_fires_once_at_the_time_then_plans_the_next_day(qtbot, monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)  # no notification server
    clock = WallClock(dt.datetime(2026, 1, 5, 8, 0))  # a Monday
    controller = ReminderController(QIcon(), now=clock)
    fired: list[dt.datetime] = []
    controller.fired.connect(fired.append)
    controller.apply(Reminder(True, dt.time(9, 0), frozenset({0, 1})))
    assert controller.due == dt.datetime(2026, 1, 5, 9, 0)
    assert controller._timer.isActive() and controller._timer.interval() == 60_000
    clock.t = dt.datetime(2026, 1, 5, 8, 59, 30)
    controller.check()
    assert fired == [] and controller._timer.interval() == 30_000
    clock.t = dt.datetime(2026, 1, 5, 9, 0, 1)
    # No tray offscreen, no notifications: the window is asked to come forward.
    with qtbot.waitSignal(controller.open_requested, timeout=1000):
        controller.check()
    assert fired == [dt.datetime(2026, 1, 5, 9, 0)]
    assert controller.due == dt.datetime(2026, 1, 6, 9, 0)
    controller.check()
    assert len(fired) == 1
    controller.stop()
    assert not controller._timer.isActive()


def test_a_reminder_missed_while_asleep_is_skipped(qtbot):
    clock = WallClock(dt.datetime(2026, 1, 5, 8, 0))
    controller = ReminderController(QIcon(), now=clock)
    fired: list[dt.datetime] = []
    controller.fired.connect(fired.append)
    controller.apply(Reminder(True, dt.time(9, 0), frozenset(range(7))))
    clock.t = dt.datetime(2026, 1, 5, 14, 0)  # woke up five hours later
    controller.check()
    assert fired == []
    assert controller.due == dt.datetime(2026, 1, 6, 9, 0)
    controller.stop()


def test_about_shows_version_log_path_and_safety_words(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"knee-desktop {__version__}" in text and str(log_file()) in text
    assert "Only move to a point of resistance, never to a point of pain." in SAFETY
    assert "If you have pain, make the move smaller." in SAFETY
    assert "not a replacement for your doctor" in DOCTOR
    assert SAFETY in text and DOCTOR in text
