"""One window per user: a second launch hands its arguments to the first and exits.

The first launch listens on a QLocalServer; a later launch connects, sends its command-line
arguments as one JSON line and waits for ``ok``. The running app raises its window and acts on
the arguments (e.g. ``--start windshield-wiper``).

The server name is per user and per config dir (tests with their own config dir never meet a
real running app), and it is a full path in a folder only this user can enter: the user's
runtime dir (``XDG_RUNTIME_DIR``) or a ``knee-desktop-UID`` folder of mode 0700 in the temporary
folder. A name in the shared temporary folder could be bound first by another local user, who
would then receive this user's arguments; when no private folder can be had, the app runs
without the single-instance server rather than use a shared name. A server socket left
behind by a crash is recovered: if nobody answers on it, it is removed
(``QLocalServer.removeServer``) and listened on again.

Handed-over arguments are a JSON list of at most ``MAX_ARGS`` strings; the window parses them
with the command line's own parser, so they meet the same limits. Beside them goes the
launch's XDG activation token (Wayland), a string of at most ``MAX_TOKEN`` characters.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import stat
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from knee_desktop import APP_NAME
from knee_desktop.common import paths

log = logging.getLogger(__name__)

CONNECT_MS = 500
REPLY_MS = 3000
MAX_MESSAGE = 64 * 1024
MAX_ARGS = 64
MAX_TOKEN = 1024  # an XDG activation token is an opaque short string
SOCKET_PATH_BYTES = 100  # sun_path holds 108 bytes on Linux, 104 on the BSDs


def _private(folder: Path) -> bool:
    """A real folder (not a link) that is ours and that nobody else may enter."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() \
        and stat.S_IMODE(info.st_mode) & 0o077 == 0


def private_dir() -> Path | None:
    """Where the socket may live: ``XDG_RUNTIME_DIR`` if it is private, else our own 0700
    folder in the temporary folder (made if missing); ``None`` if neither is safe."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_absolute() and _private(Path(runtime)):
        return Path(runtime)
    own = Path(tempfile.gettempdir()) / f"{APP_NAME}-{os.getuid()}"
    try:
        own.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        log.warning("single instance: cannot make %s: %s", own, exc)
        return None
    if _private(own):
        return own
    log.warning("single instance: %s is not a private folder of this user; running without "
                "the single-instance server", own)
    return None


def server_name() -> str | None:
    """A socket path in :func:`private_dir`, unique per user and config dir; ``None`` when
    there is no private place for it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    digest = hashlib.sha256(f"{user}\0{paths.config_dir()}".encode()).hexdigest()[:16]
    folder = private_dir()
    if folder is None:
        return None
    name = folder / f"{APP_NAME}-{digest}"
    if len(os.fsencode(name)) > SOCKET_PATH_BYTES:  # a very deep XDG_RUNTIME_DIR
        log.warning("single instance: the socket path %s is too long", name)
        return None
    return str(name)


def send_to_running(argv: list[str], name: str | None = None,
                    connect_ms: int = CONNECT_MS, reply_ms: int = REPLY_MS,
                    token: str = "") -> bool:
    """Hand ``argv`` (and this launch's XDG activation ``token``, for Wayland) to a
    running instance. ``True`` if it took them."""
    name = name or server_name()
    if name is None:
        return False
    socket = QLocalSocket()
    socket.connectToServer(name)
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
        self.name = name or server_name()  # None: no private place, no server
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start serving. ``False`` if another live instance already serves this name.

        The probe comes first: with ``UserAccessOption`` Qt binds in a private directory and
        renames the socket into place, so ``listen`` would silently replace a live server.
        """
        if self.name is None:
            return True  # a window without hand-over, never one that listens in the open
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
            argv = _argv(message)
            token = _token(message)
        except (ValueError, KeyError, TypeError, RecursionError):
            log.warning("single instance: ignored a bad message %r", line[:80])
            socket.write(b"bad\n")
            return
        socket.write(b"ok\n")
        socket.flush()
        log.info("another launch handed over its arguments: %s%s", argv,
                 " (with an activation token)" if token else "")
        self.token = token
        self.received.emit(argv)


def _argv(message: object) -> list[str]:
    """The handed-over arguments: a list of at most ``MAX_ARGS`` strings, nothing else."""
    if not isinstance(message, dict):
        raise TypeError("not an object")
    argv = message["argv"]
    if not isinstance(argv, list) or len(argv) > MAX_ARGS \
            or not all(isinstance(a, str) for a in argv):
        raise TypeError("argv: expected a list of strings")
    return argv


def _token(message: dict[str, object]) -> str:
    """The handing-over launch's XDG activation token: a short string, or "" if none."""
    token = message.get("token") or ""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        raise TypeError("token: expected a short string")
    return token


def claim_or_hand_over(argv: list[str], name: str | None = None) -> SingleInstance | None:
    """At start-up: the server if this is the first instance, else ``None`` once ``argv``
    went to the running one (the caller then exits)."""
    from knee_desktop.desktop.activation import take_launch_token

    instance = SingleInstance(name)
    if instance.listen():
        return instance
    if instance.name is None:  # listen() never refuses without a name; for the type checker
        return instance
    token = take_launch_token()
    if send_to_running(argv, instance.name, token=token):
        return None
    # It holds the name but does not answer (hung?): take over rather than show nothing.
    log.warning("single instance: the running knee-desktop does not answer; taking over")
    QLocalServer.removeServer(instance.name)
    instance.listen()
    return instance
