"""A private PipeWire (pipewire + wireplumber + pipewire-pulse) with a null sink: the
same lab as :class:`bench.labs.pulse.PrivatePulse`, for the other sound server most Linux
desktops run. ``parec``/``pactl`` and the app talk to it over its pulse socket, so
:class:`bench.labs.pulse.MonitorRecorder` records it unchanged.

Everything lives in one private runtime dir (``XDG_RUNTIME_DIR``, ``HOME``, config and
state), with its own D-Bus session bus (wireplumber will not run without one). Each
process is stopped by its own pid. The pulse server is ``pipewire -c
bench/labs/pipewire-pulse.conf``: the ``pipewire-pulse`` package itself conflicts with
``pulseaudio`` on Debian 12, and is not needed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from bench.labs.pulse import RATE, PulseUnavailable

PULSE_CONF = Path(__file__).resolve().parent / "pipewire-pulse.conf"
NEEDED = ("pipewire", "wireplumber", "dbus-daemon", "pactl")


def missing_programs() -> list[str]:
    return [exe for exe in NEEDED if shutil.which(exe) is None]


@dataclass
class PrivatePipeWire:
    """PipeWire on its own runtime dir with null sinks; same interface as PrivatePulse."""

    sinks: tuple[str, ...] = ("test",)
    runtime: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="knee-pw-")))
    pid: int | None = None  # the pulse server's (pipewire -c pipewire-pulse.conf)
    kind: str = "pipewire"
    clock_steps: bool = True  # how MonitorRecorder aligns it: see bench.labs.pulse.steps
    _procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _dbus_pid: int | None = None

    @property
    def server(self) -> str:
        return f"unix:{self.runtime}/pulse/native"

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        env.update(XDG_RUNTIME_DIR=str(self.runtime), PIPEWIRE_RUNTIME_DIR=str(self.runtime),
                   PULSE_SERVER=self.server, PULSE_SINK=self.sinks[0],
                   DBUS_SESSION_BUS_ADDRESS=f"unix:path={self.runtime}/bus")
        env.pop("PULSE_COOKIE", None)
        env.pop("PIPEWIRE_REMOTE", None)
        return env

    def _server_env(self) -> dict[str, str]:
        env = self.env()
        env.update(HOME=str(self.runtime), XDG_CONFIG_HOME=str(self.runtime / "config"),
                   XDG_STATE_HOME=str(self.runtime / "state"),
                   XDG_DATA_HOME=str(self.runtime / "data"))
        for key in ("PULSE_SINK", "DISPLAY", "WAYLAND_DISPLAY"):
            env.pop(key, None)
        return env

    def start(self) -> PrivatePipeWire:
        missing = missing_programs()
        if missing:
            raise PulseUnavailable(f"{', '.join(missing)} not installed "
                                   "(apt-get install pipewire wireplumber dbus-daemon "
                                   "pulseaudio-utils)")
        self.runtime.chmod(0o700)
        env = self._server_env()
        try:
            if self._dbus_pid is None:  # kept across :meth:`restart`
                out = subprocess.run(
                    ["dbus-daemon", "--session", f"--address=unix:path={self.runtime}/bus",
                     "--fork", "--print-pid", "--nopidfile"], env=env, capture_output=True,
                    text=True, timeout=10, check=True)
                self._dbus_pid = int(out.stdout.split()[0])
            self._spawn("pipewire", ["pipewire"], env)
            self._wait_for(self.runtime / "pipewire-0", "pipewire")
            self._spawn("wireplumber", ["wireplumber"], env)
            self._spawn("pipewire-pulse", ["pipewire", "-c", str(PULSE_CONF)], env)
            self._wait_for(self.runtime / "pulse" / "native", "pipewire-pulse")
            self.pid = self._procs["pipewire-pulse"].pid
            for name in self.sinks:
                self.pactl("load-module", "module-null-sink", f"sink_name={name}",
                           f"rate={RATE}", "channels=1")
            self._wait_default(self.sinks[0])
            for name in self.sinks:
                self.keep_running(name)
        except (OSError, subprocess.SubprocessError, PulseUnavailable) as exc:
            self.stop()
            raise PulseUnavailable(f"PipeWire did not start: {exc}") from exc
        return self

    def keep_running(self, sink: str) -> None:
        """Play silence into ``sink`` for as long as the server runs.

        Measured: with nothing else playing, the null sink does not drive PipeWire's graph;
        when the app's stream joins, the graph switches driver and the monitor recording
        skips ~16 ms, so one alignment no longer fits the whole recording. A real output
        (ALSA) drives the graph whenever anything plays; this silence makes the null sink
        do the same from the start, as it would on a desktop."""
        self._spawn(f"silence-{sink}", ["pacat", "--raw", "--format=s16le", f"--rate={RATE}",
                                         "--channels=1", "-d", sink, "/dev/zero"],
                    self.env())

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = (self.runtime / f"{name}.log").open("wb")
        self._procs[name] = subprocess.Popen(args, env=env, cwd=self.runtime, stdout=log,
                                             stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL)
        log.close()

    def _wait_for(self, path: Path, name: str, timeout: float = 10.0) -> None:
        pause = threading.Event()
        for _ in range(int(timeout / 0.02)):
            if path.exists():
                return
            if self._procs[name].poll() is not None:
                break
            pause.wait(0.02)
        raise PulseUnavailable(f"{name} did not come up: {self.log(name)[-500:]}")

    def _wait_default(self, sink: str, timeout: float = 10.0) -> None:
        # wireplumber links streams to the default sink; it sees a new sink a moment later.
        pause = threading.Event()
        for _ in range(int(timeout / 0.05)):
            if f"Default Sink: {sink}" in self.pactl("info"):
                return
            with suppress(PulseUnavailable):  # "Not supported" until wireplumber is ready
                self.pactl("set-default-sink", sink)
            pause.wait(0.05)
        raise PulseUnavailable(f"the null sink {sink!r} did not become the default")

    def pactl(self, *args: str) -> str:
        proc = subprocess.run(["pactl", *args], env=self.env(), capture_output=True,
                              text=True, timeout=10, check=False)
        if proc.returncode != 0:
            raise PulseUnavailable(f"pactl {' '.join(args)}: {proc.stderr.strip()}")
        return proc.stdout

    def log(self, name: str) -> str:
        try:
            return (self.runtime / f"{name}.log").read_text(errors="replace")
        except OSError:
            return ""

    def stop_processes(self) -> None:
        """Stop the servers (the last started first), keeping the runtime dir."""
        for name in reversed(list(self._procs)):
            proc = self._procs.pop(name)
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.pid = None

    def restart(self) -> PrivatePipeWire:
        """Start the servers again on the same runtime dir and bus after
        :meth:`stop_processes` (a crashed or restarted PipeWire coming back): the same
        socket paths, the same null sinks, a new pulse server pid."""
        for name in ("pipewire-0", "pipewire-0-manager", "pipewire-0.lock",
                     "pipewire-0-manager.lock"):
            with suppress(FileNotFoundError):
                (self.runtime / name).unlink()
        with suppress(FileNotFoundError):
            (self.runtime / "pulse" / "native").unlink()
        return self.start()

    def stop(self) -> None:
        self.stop_processes()
        if self._dbus_pid is not None:
            with suppress(ProcessLookupError):
                os.kill(self._dbus_pid, signal.SIGTERM)
            self._dbus_pid = None
        shutil.rmtree(self.runtime, ignore_errors=True)


@contextmanager
def private_pipewire(*sinks: str) -> Iterator[PrivatePipeWire]:
    server = PrivatePipeWire(sinks or ("test",)).start()
    try:
        yield server
    finally:
        server.stop()
