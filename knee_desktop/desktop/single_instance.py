"""One window per user: a second launch hands its arguments to the first and exits.

The first launch listens on a QLocalServer; a later launch connects, sends its command-line
arguments as one JSON line and waits for ``ok``. The running app raises its window and acts on
the arguments (e.g. ``--start windshield-wiper``).

The server name is per user and per config dir (tests with their own config dir never meet a
real running app). A server socket left behind by a crash is recovered: if nobody answers on
it, it is removed (``QLocalServer.removeServer``) and listened on again.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from knee_desktop import APP_NAME
from knee_desktop.common import paths

log = logging.getLogger(__name__)

CONNECT_MS = 500
REPLY_MS = 3000
MAX_MESSAGE = 64 * 1024


def server_name() -> str:
    """Short (socket paths are limited to ~100 bytes) and unique per user and config dir."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    digest = hashlib.sha256(f"{user}\0{paths.config_dir()}".encode()).hexdigest()[:16]
    return f"{APP_NAME}-{digest}"


def send_to_running(argv: list[str], name: str | None = None,
                    connect_ms: int = CONNECT_MS, reply_ms: int = REPLY_MS,
                    token: str = "") -> bool:
    """Hand ``argv`` (and this launch's XDG activation ``token``, for Wayland) to a
    running instance. ``True`` if it took them."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(connect_ms):
        return False
    socket.write(json.dumps({"argv": argv, "token": token}).encode() + b"\n")
    socket.flush()
    reply = b""
    while b"\n" not in reply and socket.waitForReadyRead(reply_ms):
        reply += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    if reply.strip() != b"ok":
        log.warning("the running knee-desktop did not answer (got %r)", reply[:80])
        return False
    return True


class SingleInstance(QObject):
    """The first instance's server. ``received(argv)`` is emitted in the GUI thread."""

    received = Signal(list)
    # The handing-over launch's XDG activation token ("" if none), just before ``received``.
    token = ""

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start serving. ``False`` if another live instance already serves this name.

        The probe comes first: with ``UserAccessOption`` Qt binds in a private directory and
        renames the socket into place, so ``listen`` would silently replace a live server.
        """
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(CONNECT_MS):
            probe.disconnectFromServer()
            return False
        if probe.error() != QLocalSocket.LocalSocketError.ServerNotFoundError:
            # The socket file is there but nobody accepts: a crashed instance left it.
            log.info("single instance: removing the stale server %s (%s)", self.name,
                     probe.errorString())
        QLocalServer.removeServer(self.name)
        if self._server.listen(self.name):
            log.info("single instance: listening on %s", self._server.fullServerName())
        else:
            log.warning("single instance: cannot listen on %s: %s", self.name,
                        self._server.errorString())
        return True  # even without a server: better a window than none

    def close(self) -> None:
        self._server.close()

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._on_ready(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _on_ready(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if b"\n" not in data:
            if len(data) > MAX_MESSAGE:
                socket.abort()
            else:
                self._buffers[socket] = data
            return
        line = data.split(b"\n", 1)[0]
        self._buffers[socket] = b""
        try:
            message = json.loads(line)
            argv = [str(a) for a in message["argv"]]
            token = str(message.get("token") or "")
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("single instance: ignored a bad message %r", line[:80])
            socket.write(b"bad\n")
            return
        socket.write(b"ok\n")
        socket.flush()
        log.info("another launch handed over its arguments: %s%s", argv,
                 " (with an activation token)" if token else "")
        self.token = token
        self.received.emit(argv)


def claim_or_hand_over(argv: list[str], name: str | None = None) -> SingleInstance | None:
    """At start-up: the server if this is the first instance, else ``None`` once ``argv``
    went to the running one (the caller then exits)."""
    from knee_desktop.desktop.activation import take_launch_token

    instance = SingleInstance(name)
    if instance.listen():
        return instance
    token = take_launch_token()
    if send_to_running(argv, instance.name, token=token):
        return None
    # It holds the name but does not answer (hung?): take over rather than show nothing.
    log.warning("single instance: the running knee-desktop does not answer; taking over")
    QLocalServer.removeServer(instance.name)
    instance.listen()
    return instance
