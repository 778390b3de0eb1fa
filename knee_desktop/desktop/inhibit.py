"""Keep the screen from blanking or locking while a session runs.

``org.freedesktop.ScreenSaver.Inhibit`` on the session bus (KDE, GNOME via its
compatibility service, Xfce, most others), released at the end. Where there is no
session bus or no such service it does nothing and logs one line.

The request is sent without waiting for the answer (a screen saver that hangs must not
hold up the session's first cue): the answer, or the lack of one within TIMEOUT_MS, is
handed to a callback on the event loop.

The request goes over a connection of its own, closed on release. PySide6 cannot send the
``uint32`` cookie that ``UnInhibit(u)`` wants (a Python int goes out as ``int32``), so a
strict service answers "no such method"; the screen savers drop an inhibition when the
connection that asked for it leaves the bus, so closing that connection releases it anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtDBus import (
    QDBusConnection,
    QDBusMessage,
    QDBusPendingCallWatcher,
)

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.ScreenSaver"
PATH = "/org/freedesktop/ScreenSaver"
INTERFACE = "org.freedesktop.ScreenSaver"
TIMEOUT_MS = 1000  # no answer by then: not inhibited (the call never blocks)
CONNECTION = "knee-desktop-screensaver"

Answered = Callable[[bool], None]  # True: the screen saver agreed


class ScreenSaverInhibitor:
    def __init__(self, app_name: str = "knee-desktop",
                 reason: str = "A guided knee session is running") -> None:
        self.app_name = app_name
        self.reason = reason
        self._cookie: int | None = None
        self._asking: QDBusPendingCallWatcher | None = None  # the Inhibit call in flight

    @property
    def active(self) -> bool:
        return self._cookie is not None

    def _bus(self) -> QDBusConnection | None:
        bus = QDBusConnection.connectToBus(QDBusConnection.BusType.SessionBus, CONNECTION)
        if not bus.isConnected():
            log.info("screen saver: no D-Bus session bus; the screen may blank")
            return None
        return bus

    def _message(self, method: str, *args: object) -> QDBusMessage:
        message = QDBusMessage.createMethodCall(SERVICE, PATH, INTERFACE, method)
        message.setArguments(list(args))
        return message

    def inhibit(self, answered: Answered | None = None) -> None:
        """Ask the screen saver not to start, without waiting: ``answered(agreed)`` is
        called from the event loop when it answers, or with False after TIMEOUT_MS (at
        once when there is no bus to ask)."""
        done: Answered = answered or (lambda _agreed: None)
        if self._cookie is not None:
            done(True)
            return
        bus = self._bus()
        if bus is None:
            self._refused("no session bus", done)
            return
        if self._asking is not None:  # asked already: the first answer is for both
            self._asking.finished.connect(lambda _w: done(self._cookie is not None))
            return
        pending = bus.asyncCall(self._message("Inhibit", self.app_name, self.reason),
                                TIMEOUT_MS)
        watcher = QDBusPendingCallWatcher(pending)
        self._asking = watcher
        watcher.finished.connect(lambda w: self._on_answer(w, done))

    def _on_answer(self, watcher: QDBusPendingCallWatcher, done: Answered) -> None:
        watcher.deleteLater()
        if watcher is not self._asking:  # released (or asked again) meanwhile: not ours
            return
        self._asking = None
        reply = watcher.reply()
        values = reply.arguments() if reply.type() == QDBusMessage.MessageType.ReplyMessage \
            else []
        if values and isinstance(values[0], int):
            self._cookie = int(values[0])
            log.info("screen saver: inhibited (cookie %s)", self._cookie)
            done(True)
            return
        self._refused(reply.errorMessage() or reply.errorName() or "no answer", done)

    def _refused(self, why: str, done: Answered) -> None:
        QDBusConnection.disconnectFromBus(CONNECTION)
        log.info("screen saver: not inhibited (%s); the screen may blank during the session",
                 why)
        done(False)

    def release(self) -> None:
        """Give the screen saver back, without waiting (closing the connection that asked
        releases it in any case). An Inhibit still in flight is forgotten."""
        if self._asking is not None:
            self._asking = None
            QDBusConnection.disconnectFromBus(CONNECTION)
            log.info("screen saver: released before it answered")
        if self._cookie is None:
            return
        cookie, self._cookie = self._cookie, None
        bus = self._bus()
        if bus is not None:
            bus.send(self._message("UnInhibit", cookie))
        QDBusConnection.disconnectFromBus(CONNECTION)
        log.info("screen saver: released (cookie %s)", cookie)
