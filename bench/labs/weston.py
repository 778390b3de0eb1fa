"""A private headless Weston (Wayland compositor) for window tests, and a private D-Bus
session with a notification server (dunst, on its own Xvfb: Weston 10 has no layer-shell
for it), for what the app shows when Wayland will not bring its window forward.

Each lives in its own runtime dir and is stopped by its own pid.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bench.labs.xvfb import start_xvfb, stop


class WestonUnavailable(RuntimeError):
    pass


def _wait_for(path: Path, proc: subprocess.Popen[bytes], what: str, timeout: float = 10.0
              ) -> None:
    pause = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if path.exists():
            return
        if proc.poll() is not None:
            break
        pause.wait(0.02)
    raise WestonUnavailable(f"{what} did not start")


class PrivateWeston:
    """``weston --backend=headless-backend.so`` on its own socket and runtime dir."""

    def __init__(self, size: tuple[int, int] = (1280, 860)) -> None:
        self.size = size
        self.runtime = Path(tempfile.mkdtemp(prefix="knee-wl-"))
        self.socket = "knee-wayland"
        self.proc: subprocess.Popen[bytes] | None = None

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        env.update(XDG_RUNTIME_DIR=str(self.runtime), WAYLAND_DISPLAY=self.socket,
                   QT_QPA_PLATFORM="wayland")
        env.pop("DISPLAY", None)
        return env

    def start(self) -> PrivateWeston:
        exe = shutil.which("weston")
        if exe is None:
            raise WestonUnavailable("weston is not installed (apt-get install weston)")
        self.runtime.chmod(0o700)
        log = (self.runtime / "weston.log").open("wb")
        self.proc = subprocess.Popen(
            [exe, "--backend=headless-backend.so", f"--socket={self.socket}",
             f"--width={self.size[0]}", f"--height={self.size[1]}", "--idle-time=0",
             "--shell=desktop-shell.so", "--no-config"],
            env=self.env(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        try:
            _wait_for(self.runtime / self.socket, self.proc, "weston")
        except WestonUnavailable:
            self.stop()
            raise
        return self

    def log(self) -> str:
        with suppress(OSError):
            return (self.runtime / "weston.log").read_text(errors="replace")
        return ""

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None
        shutil.rmtree(self.runtime, ignore_errors=True)


class PrivateNotifications:
    """A D-Bus session bus with dunst serving ``org.freedesktop.Notifications``."""

    def __init__(self) -> None:
        self.runtime = Path(tempfile.mkdtemp(prefix="knee-nt-"))
        self.address = f"unix:path={self.runtime}/bus"
        self._dbus_pid: int | None = None
        self._procs: list[subprocess.Popen[bytes]] = []

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        env["DBUS_SESSION_BUS_ADDRESS"] = self.address
        return env

    def start(self) -> PrivateNotifications:
        missing = [x for x in ("dbus-daemon", "dunst", "dunstctl", "Xvfb", "notify-send")
                   if shutil.which(x) is None]
        if missing:
            raise WestonUnavailable(f"{', '.join(missing)} not installed "
                                    "(apt-get install dbus-daemon dunst xvfb libnotify-bin)")
        out = subprocess.run(["dbus-daemon", "--session", f"--address={self.address}",
                              "--fork", "--print-pid", "--nopidfile"], capture_output=True,
                             text=True, timeout=10, check=True)
        self._dbus_pid = int(out.stdout.split()[0])
        try:
            xvfb, display = start_xvfb()
        except RuntimeError as exc:
            self.stop()
            raise WestonUnavailable(str(exc)) from exc
        self._procs.append(xvfb)
        env = self.env()
        env["DISPLAY"] = display
        env.pop("WAYLAND_DISPLAY", None)
        log = (self.runtime / "dunst.log").open("wb")
        self._procs.append(subprocess.Popen(["dunst"], env=env, stdout=log,
                                            stderr=subprocess.STDOUT))
        log.close()
        pause = threading.Event()
        for _ in range(250):
            if self.dunstctl("count").returncode == 0:
                return self
            pause.wait(0.02)
        self.stop()
        raise WestonUnavailable("dunst did not start")

    def dunstctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["dunstctl", *args], env=self.env(), capture_output=True,
                              text=True, timeout=10, check=False)

    def displayed(self) -> int:
        out = self.dunstctl("count", "displayed").stdout.strip()
        return int(out) if out.isdigit() else 0

    def stop(self) -> None:
        for proc in reversed(self._procs):
            stop(proc)
        self._procs.clear()
        if self._dbus_pid is not None:
            with suppress(ProcessLookupError):
                os.kill(self._dbus_pid, 15)
            self._dbus_pid = None
        shutil.rmtree(self.runtime, ignore_errors=True)


@contextmanager
def private_weston() -> Iterator[PrivateWeston]:
    server = PrivateWeston().start()
    try:
        yield server
    finally:
        server.stop()
