"""The opt-in daily reminder: a tray icon, and a notification at the chosen time.

Nothing is created while the reminder is off: no tray icon, no timer. When it is on, one
named coarse timer wakes at most once a minute and compares the wall clock with the due time
from :func:`knee_desktop.prefs.reminder.next_reminder`; so suspend, resume and clock changes
neither lose the reminder nor show it twice. Clicking the notification or the tray icon emits
:attr:`ReminderController.open_requested`: the window comes forward, ready to start.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from knee_desktop.desktop.notify import Notifier
from knee_desktop.prefs.reminder import is_due, next_reminder
from knee_desktop.prefs.user_settings import Reminder

log = logging.getLogger(__name__)

MAX_WAIT_MS = 60_000
TITLE = "Time for your knee routine"
BODY = ("Lie on your back, legs on the floor, toes to the ceiling. "
        "Click here to open the routine, ready to start.")


class ReminderController(QObject):
    open_requested = Signal()  # the user clicked the notification, or the tray icon
    fired = Signal(object)  # the due datetime, when the notification is shown

    def __init__(self, icon: QIcon, now: Callable[[], dt.datetime] = dt.datetime.now,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._icon = icon
        self._now = now
        self._reminder = Reminder()
        self._due: dt.datetime | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName("daily-reminder")
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.timeout.connect(self.check)
        self._tray: QSystemTrayIcon | None = None
        self._menu: QMenu | None = None  # QSystemTrayIcon does not own its menu
        self._notify: Notifier | None = None
        self.body: Callable[[], str] = lambda: BODY  # the app adds how the week is going

    @property
    def due(self) -> dt.datetime | None:
        return self._due

    @property
    def tray(self) -> QSystemTrayIcon | None:
        return self._tray

    def apply(self, reminder: Reminder) -> None:
        """Follow the settings: turn on, re-plan or turn off."""
        self._reminder = reminder
        if not reminder.enabled:
            self._timer.stop()
            self._due = None
            self._drop_tray()
            return
        self._ensure_tray()
        self._due = next_reminder(reminder.time, reminder.weekdays, self._now())
        log.info("daily reminder: next at %s", self._due)
        self._arm()

    def stop(self) -> None:
        self.apply(Reminder())

    def check(self) -> None:
        """Wake-up: show the notification if it is due, then plan the next one."""
        if self._due is None:
            return
        now = self._now()
        state = is_due(self._due, now)
        if state is None:
            log.info("daily reminder: %s was missed (the computer was asleep?)", self._due)
        elif state:
            self._show(self._due)
        if state is not False:
            self._due = next_reminder(self._reminder.time, self._reminder.weekdays, now)
        self._arm()

    def _arm(self) -> None:
        if self._due is None:
            self._timer.stop()
            return
        wait = (self._due - self._now()).total_seconds() * 1000
        self._timer.start(int(min(max(wait, 0), MAX_WAIT_MS)))

    def _show(self, due: dt.datetime) -> None:
        log.info("daily reminder: showing the notification for %s", due)
        body = self.body()
        if self._tray is not None and QSystemTrayIcon.supportsMessages():
            self._tray.showMessage(TITLE, body, self._icon, 5 * 60 * 1000)
        elif not self._notifier().show(TITLE, body, key="reminder", action="Open the routine"):
            # No tray and no notification server: bring the window forward instead.
            self.open_requested.emit()
        self.fired.emit(due)

    def _notifier(self) -> Notifier:
        """Notifications without a tray (GNOME, Wayland): a click opens the window."""
        if self._notify is None:
            self._notify = Notifier(self)
            self._notify.activated.connect(lambda _key: self.open_requested.emit())
        return self._notify

    def _ensure_tray(self) -> None:
        if self._tray is not None or not QSystemTrayIcon.isSystemTrayAvailable():
            return
        tray = QSystemTrayIcon(self._icon, self)
        tray.setToolTip("Knee routine: daily reminder on")
        menu = QMenu()
        open_action = QAction("Open the knee routine", menu)
        open_action.triggered.connect(self.open_requested)
        quit_action = QAction("Quit", menu)
        quit_action.triggered.connect(QApplication.quit)
        menu.addAction(open_action)
        menu.addSeparator()
        menu.addAction(quit_action)
        tray.setContextMenu(menu)
        self._menu = menu
        tray.activated.connect(self._on_activated)
        tray.messageClicked.connect(self.open_requested)
        tray.show()
        self._tray = tray

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()

    def _drop_tray(self) -> None:
        if self._tray is not None:
            self._tray.hide()
            self._tray.deleteLater()
            self._tray = None
