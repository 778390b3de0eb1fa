"""Keep the screen from blanking or locking while a session runs.

``org.freedesktop.ScreenSaver.Inhibit`` on the session bus (KDE, GNOME via its
compatibility service, Xfce, most others), released at the end. Where there is no
session bus or no such service it does nothing and logs one line.

The request goes over a connection of its own, closed on release. PySide6 cannot send the
``uint32`` cookie that ``UnInhibit(u)`` wants (a Python int goes out as ``int32``), so a
strict service answers "no such method"; the screen savers drop an inhibition when the
connection that asked for it leaves the bus, so closing that connection releases it anyway.
"""

from __future__ import annotations

import logging

from PySide6.QtDBus import QDBus, QDBusConnection, QDBusMessage

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.ScreenSaver"
PATH = "/org/freedesktop/ScreenSaver"
INTERFACE = "org.freedesktop.ScreenSaver"
TIMEOUT_MS = 1000  # never hang the window on a stuck bus
CONNECTION = "knee-desktop-screensaver"


class ScreenSaverInhibitor:
    def __init__(self, app_name: str = "knee-desktop",
                 reason: str = "A guided knee session is running") -> None:
        self.app_name = app_name
        self.reason = reason
        self._cookie: int | None = None

    @property
    def active(self) -> bool:
        return self._cookie is not None

    def _call(self, method: str, *args: object) -> QDBusMessage | None:
        bus = QDBusConnection.connectToBus(QDBusConnection.BusType.SessionBus, CONNECTION)
        if not bus.isConnected():
            log.info("screen saver: no D-Bus session bus; the screen may blank")
            return None
        message = QDBusMessage.createMethodCall(SERVICE, PATH, INTERFACE, method)
        message.setArguments(list(args))
        reply = bus.call(message, QDBus.CallMode.Block, TIMEOUT_MS)
        if reply.type() == QDBusMessage.MessageType.ErrorMessage:
            log.info("screen saver: %s failed (%s)",
                     method, reply.errorMessage() or reply.errorName())
            return None
        return reply

    def inhibit(self) -> bool:
        """Ask the screen saver not to start; True if it agreed."""
        if self._cookie is not None:
            return True
        reply = self._call("Inhibit", self.app_name, self.reason)
        values = reply.arguments() if reply is not None else []
        if values and isinstance(values[0], int):
            self._cookie = int(values[0])
            log.info("screen saver: inhibited (cookie %s)", self._cookie)
            return True
        QDBusConnection.disconnectFromBus(CONNECTION)
        log.info("screen saver: not inhibited; the screen may blank during the session")
        return False

    def release(self) -> None:
        if self._cookie is None:
            return
        cookie, self._cookie = self._cookie, None
        self._call("UnInhibit", cookie)
        QDBusConnection.disconnectFromBus(CONNECTION)
        log.info("screen saver: released (cookie %s)", cookie)
