"""Before Qt opens the window: is there a display, and does the desktop's message bus answer?

Qt aborts the whole process (not an exception) when it cannot reach the display; and every
D-Bus call Qt or the app makes (the accessibility bridge, media keys, the screen saver)
waits up to 25 s each for a bus that took the connection but never answers. Both are
checked here with plain sockets and short timeouts: no display is one clear message, and a
bus that does not answer is left out for this run (the window opens without media keys,
screen-saver inhibit or screen-reader status), said once.
"""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
from pathlib import Path

BUS_TIMEOUT = 1.0  # a bus on this machine answers Hello in milliseconds
NO_BUS = "unix:path=/nonexistent/knee-desktop-bus-does-not-answer"


def _unix_targets(address: str) -> list[str]:
    """The unix sockets of a D-Bus address (``unix:path=…`` or ``unix:abstract=…``;
    several may be given, separated by ``;``). Other transports are not probed."""
    out = []
    for entry in address.split(";"):
        kind, _, params = entry.partition(":")
        if kind != "unix":
            continue
        values = dict(p.partition("=")[::2] for p in params.split(",") if "=" in p)
        if "path" in values:
            out.append(_unescape(values["path"]))
        elif "abstract" in values:
            out.append("\0" + _unescape(values["abstract"]))
    return out


def _unescape(value: str) -> str:
    """D-Bus addresses escape bytes as %XX."""
    parts = value.split("%")
    text = parts[0]
    for part in parts[1:]:
        try:
            text += chr(int(part[:2], 16)) + part[2:]
        except ValueError:
            text += "%" + part
    return text


def _string(code: int, sig: bytes, value: str) -> bytes:
    raw = value.encode()
    return bytes([code, 1]) + sig + b"\0" + struct.pack("<I", len(raw)) + raw + b"\0"


def hello_message() -> bytes:
    """org.freedesktop.DBus.Hello, the first call of every client (little-endian)."""
    fields = b""
    for code, sig, value in ((1, b"o", "/org/freedesktop/DBus"),
                             (6, b"s", "org.freedesktop.DBus"),
                             (2, b"s", "org.freedesktop.DBus"), (3, b"s", "Hello")):
        fields += b"\0" * (-len(fields) % 8) + _string(code, sig, value)
    head = b"l\x01\x00\x01" + struct.pack("<III", 0, 1, len(fields)) + fields
    return head + b"\0" * (-len(head) % 8)


def _read_line(sock: socket.socket, deadline: float) -> bytes:
    data = b""
    while not data.endswith(b"\r\n"):
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(256)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def bus_answers(address: str, timeout: float = BUS_TIMEOUT) -> bool | None:
    """True: the bus answered Hello. False: it took the connection (or the handshake) and
    then said nothing within ``timeout``. None: no bus there to ask (refused, missing,
    another transport): Qt finds that out at once by itself."""
    targets = _unix_targets(address)
    if not targets:
        return None
    deadline = time.monotonic() + timeout
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        try:
            sock.connect(targets[0])
        except OSError:
            return None
        uid = str(os.getuid()).encode().hex().encode()
        sock.sendall(b"\0AUTH EXTERNAL " + uid + b"\r\n")
        if not _read_line(sock, deadline).startswith(b"OK"):
            return None  # refused us: Qt's own attempt fails at once too
        sock.sendall(b"BEGIN\r\n" + hello_message())
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        return bool(sock.recv(16))
    except TimeoutError:
        return False
    except OSError:
        return None
    finally:
        sock.close()


def session_bus_address() -> str | None:
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime, "bus").exists():
        return f"unix:path={runtime}/bus"
    return None


class BusProbe:
    """The session bus probed in a thread, started early (beside the imports) and settled
    right before the QApplication is made."""

    def __init__(self) -> None:
        self.address = session_bus_address()
        self.answered: bool | None = None
        self._thread = threading.Thread(target=self._run, name="bus-probe", daemon=True)
        if self.address:
            self._thread.start()

    def _run(self) -> None:
        assert self.address is not None
        self.answered = bus_answers(self.address)

    def settle(self) -> str | None:
        """Wait for the answer (at most the probe's timeout); if the bus does not answer,
        point this process at no bus and return the message that says so."""
        if not self.address:
            return None
        self._thread.join(BUS_TIMEOUT + 0.5)
        if self._thread.is_alive() or self.answered is False:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = NO_BUS
            return ("The desktop's message bus (D-Bus) does not answer; the window opens "
                    "without it this time (no media keys, screen-saver inhibit or "
                    "screen-reader status).")
        return None


_probe: BusProbe | None = None


def start_bus_probe() -> BusProbe:
    """The one probe of this process (started on first call)."""
    global _probe
    if _probe is None:
        _probe = BusProbe()
    return _probe


# --- the display -------------------------------------------------------------------------

def _connects(target: str, timeout: float = 1.0) -> bool:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(target)
        return True
    except OSError:
        return False
    finally:
        sock.close()


def _x11_reachable(display: str) -> bool:
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        return _connects("\0" + path) or _connects(path)
    if host.startswith("/"):  # a socket path (XQuartz style)
        return _connects(display.split(":")[0])
    try:
        socket.create_connection((host, 6000 + int(number)), timeout=1.0).close()
        return True
    except OSError:
        return False


def _wayland_reachable(name: str) -> bool:
    if name.startswith("/"):
        return _connects(name)
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return bool(runtime) and _connects(str(Path(runtime, name)))


def display_problem() -> str | None:
    """Why Qt could not open a window here (it would abort the process), or None. Only the
    X11 and Wayland platforms are checked; offscreen, minimal, eglfs… are left to Qt. When
    no platform was asked for and only one of the two answers, Qt is told to use that one."""
    wanted = [p.strip() for p in os.environ.get("QT_QPA_PLATFORM", "").split(";") if p.strip()]
    kinds = [p.split(":")[0] for p in wanted] or ["wayland", "xcb"]
    if any(k not in ("xcb", "wayland", "wayland-egl") for k in kinds):
        return None
    display = os.environ.get("DISPLAY", "")
    wayland = os.environ.get("WAYLAND_DISPLAY", "")
    x11_ok = "xcb" in kinds and bool(display) and _x11_reachable(display)
    wayland_ok = (any(k.startswith("wayland") for k in kinds) and bool(wayland)
                  and _wayland_reachable(wayland))
    if x11_ok != wayland_ok and not wanted:
        # Qt picks X11 unless the session says Wayland: point it at the one that answers
        os.environ["QT_QPA_PLATFORM"] = "xcb" if x11_ok else "wayland"
    if x11_ok or wayland_ok:
        return None
    if not display and not wayland:
        why = "neither DISPLAY nor WAYLAND_DISPLAY is set"
    else:
        shown = " or ".join(f"{k}={v!r}" for k, v in (("DISPLAY", display),
                                                      ("WAYLAND_DISPLAY", wayland)) if v)
        why = f"{shown} cannot be reached"
    return (f"There is no display to open the window on ({why}). Start knee-desktop from "
            "your desktop, or run a session by voice in this terminal: "
            "knee-desktop run windshield-wiper")
