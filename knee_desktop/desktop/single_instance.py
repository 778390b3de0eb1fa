"""One window per user: a second launch hands its arguments to the first and exits.

The first launch listens on a Unix socket; a later launch connects, sends its command-line
arguments as one JSON line and waits for ``ok``. The running app raises its window and acts on
the arguments (e.g. ``--start windshield-wiper``).

The server name is per user and per config dir (tests with their own config dir never meet a
real running app), and it is a full path in a folder only this user can enter: the user's
runtime dir (``XDG_RUNTIME_DIR``) or a ``knee-desktop-UID`` folder of mode 0700 in the temporary
folder. A name in the shared temporary folder could be bound first by another local user, who
would then receive this user's arguments; when no private folder can be had, the app runs
without the single-instance server rather than use a shared name. A server socket left
behind by a crash is recovered: if nobody answers on it, it is removed and listened on again.

Plain sockets, watched by a QSocketNotifier in the window's thread, rather than QtNetwork:
loading QtNetwork cost a launch ~10 ms before the window could show.

Handed-over arguments are a JSON list of at most ``MAX_ARGS`` strings; the window parses them
with the command line's own parser, so they meet the same limits. Beside them goes the
launch's XDG activation token (Wayland), a string of at most ``MAX_TOKEN`` characters.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
import stat
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCryptographicHash, QObject, QSocketNotifier, Signal

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
    import getpass  # (what a launch needs only here, imported here: ~1.5 ms with json)

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    # SHA-256 in hex, as hashlib's; Qt's needs no OpenSSL loaded at launch (~2 ms)
    hashed = QCryptographicHash.hash(f"{user}\0{paths.config_dir()}".encode(),
                                     QCryptographicHash.Algorithm.Sha256)
    digest = bytes(hashed.toHex().data()).decode()[:16]
    folder = private_dir()
    if folder is None:
        return None
    name = folder / f"{APP_NAME}-{digest}"
    if len(os.fsencode(name)) > SOCKET_PATH_BYTES:  # a very deep XDG_RUNTIME_DIR
        log.warning("single instance: the socket path %s is too long", name)
        return None
    return str(name)


def _connect(name: str, timeout: float) -> socket.socket | None:
    """A connection to the server at ``name``, or None: nobody there (no socket file, or
    one nobody accepts on: a crashed instance's) or no answer within ``timeout``."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(timeout)
    try:
        client.connect(name)
    except OSError:
        client.close()
        return None
    return client


def send_to_running(argv: list[str], name: str | None = None,
                    connect_ms: int = CONNECT_MS, reply_ms: int = REPLY_MS,
                    token: str = "") -> bool:
    """Hand ``argv`` (and this launch's XDG activation ``token``, for Wayland) to a
    running instance. ``True`` if it took them."""
    name = name or server_name()
    if name is None:
        return False
    client = _connect(name, connect_ms / 1000)
    if client is None:
        return False
    import json

    reply = b""
    with client:
        try:
            client.sendall(json.dumps({"argv": argv, "token": token}).encode() + b"\n")
            deadline = time.monotonic() + reply_ms / 1000
            while b"\n" not in reply and len(reply) < 64:
                client.settimeout(max(0.001, deadline - time.monotonic()))
                chunk = client.recv(64)
                if not chunk:
                    break
                reply += chunk
        except OSError:
            pass  # no answer in time, or the connection went: said below
    if reply.strip() != b"ok":
        log.warning("the running knee-desktop did not answer (got %r)", reply[:80])
        return False
    return True


class _Client:
    """One connection to the server: its socket, the notifier watching it, what came."""

    def __init__(self, conn: socket.socket, notifier: QSocketNotifier) -> None:
        self.conn = conn
        self.notifier = notifier
        self.data = b""


class SingleInstance(QObject):
    """The first instance's server. ``received(argv)`` is emitted in the GUI thread."""

    received = Signal(list)
    # The handing-over launch's XDG activation token ("" if none), just before ``received``.
    token = ""

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()  # None: no private place, no server
        self._server: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None
        self._clients: list[_Client] = []

    def listen(self, serve: bool = True) -> bool:
        """Take the name and listen. ``False`` if another live instance already serves it.
        Without ``serve``, connections wait (the other launch waits for its answer) until
        :meth:`serve`: the caller connects ``received`` first."""
        if self.name is None:
            return True  # a window without hand-over, never one that listens in the open
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            try:
                server.bind(self.name)
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or not self._stale():
                    raise
                server.bind(self.name)
            os.chmod(self.name, 0o600)
            server.listen(8)
            server.setblocking(False)
        except OSError as exc:
            server.close()
            if exc.errno == errno.EADDRINUSE:
                return False  # a live server: the name is taken
            log.warning("single instance: cannot listen on %s: %s", self.name, exc)
            return True  # even without a server: better a window than none
        self._server = server
        log.info("single instance: listening on %s", self.name)
        if serve:
            self.serve()
        return True

    def serve(self) -> None:
        """Answer connections, from the event loop (once; nothing without a server)."""
        if self._server is not None and self._notifier is None:
            self._notifier = QSocketNotifier(self._server.fileno(),
                                             QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self._accept)

    def _stale(self) -> bool:
        """The name is taken: by a crashed instance's socket (removed, True) or by a live
        server (False)?"""
        assert self.name is not None
        live = _connect(self.name, CONNECT_MS / 1000)
        if live is not None:
            live.close()
            return False
        try:
            if not stat.S_ISSOCK(os.lstat(self.name).st_mode):
                return False  # not a socket: left alone (the bind then says why)
            log.info("single instance: removing the stale server %s", self.name)
            os.unlink(self.name)
        except FileNotFoundError:
            pass  # gone meanwhile
        return True

    def close(self) -> None:
        for client in list(self._clients):
            self._drop(client)
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._server is not None:
            self._server.close()
            self._server = None
            if self.name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(self.name)

    def _accept(self, *_: object) -> None:
        while self._server is not None:
            try:
                conn, _address = self._server.accept()
            except OSError:  # none waiting (or the server closed)
                return
            conn.setblocking(False)
            notifier = QSocketNotifier(conn.fileno(), QSocketNotifier.Type.Read, self)
            client = _Client(conn, notifier)
            notifier.activated.connect(lambda *_, c=client: self._read(c))
            self._clients.append(client)

    def _drop(self, client: _Client) -> None:
        client.notifier.setEnabled(False)
        client.notifier.deleteLater()
        client.conn.close()
        if client in self._clients:
            self._clients.remove(client)

    def _reply(self, client: _Client, words: bytes) -> None:
        with contextlib.suppress(OSError):
            client.conn.send(words)
        self._drop(client)

    def _read(self, client: _Client) -> None:
        import json

        try:
            chunk = client.conn.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        data = client.data + chunk
        if b"\n" not in data:
            if not chunk or len(data) > MAX_MESSAGE:
                self._drop(client)  # gone before a whole line, or a line without end
            else:
                client.data = data
            return
        line = data.split(b"\n", 1)[0]
        try:
            message = json.loads(line)
            argv = _argv(message)
            token = _token(message)
        except (ValueError, KeyError, TypeError, RecursionError):
            log.warning("single instance: ignored a bad message %r", line[:80])
            self._reply(client, b"bad\n")
            return
        self._reply(client, b"ok\n")
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
    """At start-up: the server if this is the first instance (listening; the caller calls
    ``serve`` once it follows ``received``), else ``None`` once ``argv`` went to the
    running one (the caller then exits)."""
    instance = SingleInstance(name)
    if instance.listen(serve=False):
        return instance
    if instance.name is None:  # listen() never refuses without a name; for the type checker
        return instance
    from knee_desktop.desktop.activation import take_launch_token

    token = take_launch_token()
    if send_to_running(argv, instance.name, token=token):
        return None
    # It holds the name but does not answer (hung?): take over rather than show nothing.
    log.warning("single instance: the running knee-desktop does not answer; taking over")
    with contextlib.suppress(OSError):
        os.unlink(instance.name)
    instance.listen(serve=False)
    return instance
