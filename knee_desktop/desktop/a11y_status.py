"""Is a screen reader running? ``org.a11y.Status.ScreenReaderEnabled`` on the session bus's
``org.a11y.Bus`` (set by Orca, GNOME's and KDE's accessibility settings)."""

from __future__ import annotations

import logging

from PySide6.QtDBus import QDBus, QDBusConnection, QDBusMessage, QDBusVariant

log = logging.getLogger(__name__)

A11Y_SERVICE = "org.a11y.Bus"
A11Y_PATH = "/org/a11y/bus"
STATUS_IFACE = "org.a11y.Status"
TIMEOUT_MS = 500  # asked when a session starts: a missing bus must not hold it up


def screen_reader_enabled(bus: QDBusConnection | None = None) -> bool:
    """True if the desktop says a screen reader runs; False when it says not, or there is
    no accessibility bus to ask."""
    bus = bus if bus is not None else QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    call = QDBusMessage.createMethodCall(A11Y_SERVICE, A11Y_PATH,
                                         "org.freedesktop.DBus.Properties", "Get")
    call.setArguments([STATUS_IFACE, "ScreenReaderEnabled"])
    reply = bus.call(call, QDBus.CallMode.Block, TIMEOUT_MS)
    if reply.type() != QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
        log.debug("no screen reader status: %s", reply.errorMessage())
        return False
    value = reply.arguments()[0]
    if isinstance(value, QDBusVariant):
        value = value.variant()
    return value is True
