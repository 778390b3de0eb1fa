"""Desktop notifications with an action, over ``org.freedesktop.Notifications``.

For desktops without a tray (GNOME, a bare Wayland compositor): the daily reminder, and the
notice of a second launch whose window could not be brought forward.

Sent by ``notify-send --action`` (libnotify, on every GNOME and KDE desktop) run as a
:class:`QProcess`, which waits for the click and prints the action's name. Not QtDBus: it
cannot send the ``uint32`` that ``Notify`` takes (a Python int goes out as ``int32``, and
GLib-based servers refuse the call), and servers send ``ActionInvoked`` to the connection
that sent ``Notify`` only, so the sender must be the one that listens.
"""

from __future__ import annotations

import logging
import os
import shutil

from PySide6.QtCore import QObject, QProcess, Signal
from PySide6.QtDBus import QDBus, QDBusConnection, QDBusMessage

from knee_desktop import APP_ID, APP_NAME

log = logging.getLogger(__name__)

ACTION = "open"
START_MS = 3000
# GNOME Shell opens the app itself (by its desktop entry) when its notification is clicked,
# and only when it has no "default" action; an action *button* reaches the app with no
# activation token, and GNOME then keeps the window behind (bench/gnome_shell_lab.py).
SELF_OPENING = ("gnome-shell",)


def server_name(timeout_ms: int = 500) -> str:
    """The notification server's name (``GetServerInformation``), or "" if none answers."""
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return ""
    call = QDBusMessage.createMethodCall("org.freedesktop.Notifications",
                                         "/org/freedesktop/Notifications",
                                         "org.freedesktop.Notifications",
                                         "GetServerInformation")
    reply = bus.call(call, QDBus.CallMode.Block, timeout_ms)
    args = reply.arguments() if reply.type() == QDBusMessage.MessageType.ReplyMessage else []
    return str(args[0]) if args else ""


class Notifier(QObject):
    """Shows notifications; ``activated(key)`` when the user clicks one (``key`` is what
    :meth:`show` was given)."""

    activated = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: dict[QProcess, str] = {}

    @staticmethod
    def available() -> bool:
        return bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS")) and \
            shutil.which("notify-send") is not None

    def show(self, title: str, body: str, key: str, action: str = "Open",
             timeout_ms: int = 5 * 60 * 1000) -> bool:
        """Show a notification whose click (or ``action`` button) emits ``activated(key)``.
        ``False`` (and a log line) when it could not be shown."""
        exe = shutil.which("notify-send")
        if exe is None or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            log.warning("notifications: no notify-send or no D-Bus session; not shown: %s",
                        title)
            return False
        proc = QProcess(self)
        proc.setProgram(exe)
        server = server_name()
        actions = [] if server in SELF_OPENING else [f"--action={ACTION}={action}"]
        proc.setArguments([f"--app-name={APP_NAME}", f"--icon={APP_ID}",
                           f"--hint=string:desktop-entry:{APP_ID}",
                           f"--expire-time={timeout_ms}", *actions, title, body])
        proc.finished.connect(lambda *_: self._done(proc))
        proc.start()
        if not proc.waitForStarted(START_MS):
            log.warning("notifications: notify-send did not start: %s", proc.errorString())
            proc.deleteLater()
            return False
        self._running[proc] = key
        log.info("notification shown: %s%s", title,
                 f" ({server} opens the window when it is clicked)" if not actions else "")
        return True

    def _done(self, proc: QProcess) -> None:
        key = self._running.pop(proc, None)
        out = bytes(proc.readAllStandardOutput().data()).decode(errors="replace").split()
        err = bytes(proc.readAllStandardError().data()).decode(errors="replace").strip()
        proc.deleteLater()
        if proc.exitCode() != 0:
            log.warning("notifications: notify-send failed (%s): %s", proc.exitCode(),
                        err[:300])
        elif key is not None and ACTION in out:
            log.info("notification clicked: %s", key)
            self.activated.emit(key)

    def close(self) -> None:
        """Stop waiting for clicks (at quit): the notifications stay on screen."""
        for proc in list(self._running):
            self._running.pop(proc)
            proc.kill()
            proc.waitForFinished(1000)
