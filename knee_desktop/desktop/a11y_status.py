"""Is a screen reader running? ``org.a11y.Status.ScreenReaderEnabled`` on the session bus's
``org.a11y.Bus`` (set by Orca, GNOME's and KDE's accessibility settings).

:func:`ask_screen_reader` asks without waiting (at a session's start: a bus service that
hangs must not hold up the first cue); :func:`screen_reader_enabled` waits (at launch)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtDBus import (
    QDBus,
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusPendingCallWatcher,
    QDBusVariant,
)

log = logging.getLogger(__name__)

A11Y_SERVICE = "org.a11y.Bus"
A11Y_PATH = "/org/a11y/bus"
STATUS_IFACE = "org.a11y.Status"
TIMEOUT_MS = 500  # no answer by then: no screen reader
_asking: set[QDBusPendingCallWatcher] = set()  # calls in flight (kept alive until answered)


def _status_call() -> QDBusMessage:
    call = QDBusMessage.createMethodCall(A11Y_SERVICE, A11Y_PATH,
                                         "org.freedesktop.DBus.Properties", "Get")
    call.setArguments([STATUS_IFACE, "ScreenReaderEnabled"])
    return call


def _enabled(reply: QDBusMessage) -> bool:
    if reply.type() != QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
        log.debug("no screen reader status: %s", reply.errorMessage())
        return False
    value = reply.arguments()[0]
    if isinstance(value, QDBusVariant):
        value = value.variant()
    return value is True


def screen_reader_enabled(bus: QDBusConnection | None = None) -> bool:
    """True if the desktop says a screen reader runs; False when it says not, or there is
    no accessibility bus to ask. Waits for the answer (at most TIMEOUT_MS)."""
    bus = bus if bus is not None else QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    return _enabled(bus.call(_status_call(), QDBus.CallMode.Block, TIMEOUT_MS))


_NO_ANSWER = ("org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.Timeout")


def ask_screen_reader(answer: Callable[[bool], None],
                      bus: QDBusConnection | None = None) -> None:
    """As :func:`screen_reader_enabled`, without waiting: ``answer(running)`` is called
    from the event loop (at once when there is no bus). A question that times out gets no
    answer: the caller's last one holds (on a busy machine the status call can take longer
    than TIMEOUT_MS, and a running screen reader was taken for gone mid-session)."""
    bus = bus if bus is not None else QDBusConnection.sessionBus()
    if not bus.isConnected():
        answer(False)
        return
    watcher = QDBusPendingCallWatcher(bus.asyncCall(_status_call(), TIMEOUT_MS))
    _asking.add(watcher)

    def answered(done: QDBusPendingCallWatcher) -> None:
        _asking.discard(done)
        done.deleteLater()
        reply = done.reply()
        if reply.errorName() in _NO_ANSWER:
            log.debug("no screen reader status in time: %s", reply.errorMessage())
            return
        answer(_enabled(reply))

    watcher.finished.connect(answered)


REGISTRY = ("org.a11y.atspi.Registry", "/org/a11y/atspi/registry",
            "org.a11y.atspi.Registry")
ANNOUNCEMENT_EVENT = "object:announcement"


def listens_for_announcements(bus: QDBusConnection | None = None) -> bool:
    """Does an assistive technology listen for AT-SPI announcement events?

    Asked from the AT-SPI registry (``GetRegisteredEvents``). Orca 45 and later register
    ``Object:Announcement``; Orca 43 (Debian 12) does not, and drops the polite
    announcements a Qt app sends (seen in its debug log: ``bench/labs/orca.py``). False
    too when there is no accessibility bus to ask."""
    bus = bus if bus is not None else QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    call = QDBusMessage.createMethodCall(A11Y_SERVICE, A11Y_PATH, A11Y_SERVICE, "GetAddress")
    reply = bus.call(call, QDBus.CallMode.Block, TIMEOUT_MS)
    if reply.type() != QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
        return False
    name = "knee-desktop-atspi-registry"
    atspi = QDBusConnection.connectToBus(str(reply.arguments()[0]), name)
    try:
        if not atspi.isConnected():
            return False
        call = QDBusMessage.createMethodCall(*REGISTRY, "GetRegisteredEvents")
        reply = atspi.call(call, QDBus.CallMode.Block, TIMEOUT_MS)
        if reply.type() != QDBusMessage.MessageType.ReplyMessage:
            log.debug("no AT-SPI registry: %s", reply.errorMessage())
            return False
        events = _strings(reply.arguments()[0]) if reply.arguments() else []
        wanted = ANNOUNCEMENT_EVENT.replace(":", "")
        return any(e.lower().replace(":", "") == wanted for e in events)
    finally:
        QDBusConnection.disconnectFromBus(name)


def _strings(value: object) -> list[str]:
    """Every string in a D-Bus reply (``a(ss)`` arrives as a QDBusArgument)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    if not isinstance(value, QDBusArgument):
        return []
    out: list[str] = []
    value.beginArray()
    while not value.atEnd():
        out += _strings(value.asVariant())
    return out
