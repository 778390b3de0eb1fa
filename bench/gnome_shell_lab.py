"""The app inside GNOME Shell: ``gnome-shell --headless --wayland --virtual-monitor
1366x768`` on a private D-Bus session (software rendering), the app on its Wayland socket.

Everything is private and stopped by its pid: a session bus, a stand-in system bus (the
shell asks logind on it; nobody answers), the shell, a PulseAudio null sink for the voice,
the app (its own HOME and XDG dirs). A client on the system python3
(``bench/gnome_shell_client.py``) presses keys through Mutter's RemoteDesktop API, lists
windows (``org.gnome.Shell.Introspect``) and takes screenshots inside the shell
(``org.gnome.Shell.Screenshot``).

Checks, in order: the window opens at a sensible size; F11 makes it full screen and back;
a session started by MPRIS Play (the knee question answered with a key) shows in the
shell's media controls (the message tray, Super+V); the daily reminder, with no tray on
GNOME, is a notification, and its action (Super+N focuses it, Return activates it) brings
the window forward. Screenshots in ``--shots`` (default: a temp dir, printed).

    python -m bench.gnome_shell_lab [--shots DIR] [--json]
    # Debian: packaging/debian-packages-gnome-lab.txt (make lab-gnome-shell installs it)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from bench.labs.pulse import PrivatePulse
from bench.labs.xvfb import stop

REPO = Path(__file__).resolve().parent.parent
CLIENT = Path(__file__).resolve().parent / "gnome_shell_client.py"
SIZE = (1366, 768)
SOCKET = "knee-gnome"
APP_CLASS = "io.github.kneedesktop.KneeDesktop"


class LabError(RuntimeError):
    pass


def missing() -> list[str]:
    out = [x for x in ("gnome-shell", "dbus-daemon", "gdbus", "pulseaudio")
           if shutil.which(x) is None]
    ok = subprocess.run(["/usr/bin/python3", "-c", "import gi"], capture_output=True,
                        check=False).returncode == 0 if Path("/usr/bin/python3").exists() \
        else False
    return out + ([] if ok else ["python3-gi"])


def _wait(check: Callable[[], Any], timeout: float, what: str) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise LabError(f"timed out waiting for {what}")


class ShellLab:
    def __init__(self, work: Path, shots: Path) -> None:
        self.work, self.shots = work, shots
        self.env: dict[str, str] = {}
        self.procs: list[subprocess.Popen[Any]] = []
        self.bus_pids: list[int] = []
        self.pulse: PrivatePulse | None = None
        self.client: subprocess.Popen[str] | None = None
        self.app: subprocess.Popen[bytes] | None = None
        self.found: dict[str, Any] = {}

    # ---- start and stop ------------------------------------------------------------------
    def _bus(self, path: Path) -> str:
        out = subprocess.run(["dbus-daemon", "--session", f"--address=unix:path={path}",
                              "--fork", "--print-pid=1", "--nopidfile"], env=self.env,
                             capture_output=True, text=True, timeout=10, check=True)
        self.bus_pids.append(int(out.stdout.split()[0]))
        return f"unix:path={path}"

    def start(self) -> ShellLab:
        gone = missing()
        if gone:
            raise LabError(f"not installed: {', '.join(gone)} (make lab-gnome-shell)")
        run, home = self.work / "run", self.work / "home"
        run.mkdir(parents=True)
        run.chmod(0o700)
        home.mkdir()
        self._install_desktop_entry(home / ".local/share")
        keep = ("PATH", "LANG", "TERM", "USER", "LOGNAME")
        self.env = {k: v for k, v in os.environ.items() if k in keep}
        # the desktop entry's Exec must be found, or the shell ignores the entry
        self.env["PATH"] = f"{Path(sys.executable).parent}:{self.env.get('PATH', '')}"
        self.env.update(HOME=str(home), XDG_RUNTIME_DIR=str(run),
                        XDG_CONFIG_HOME=str(home / ".config"),
                        XDG_DATA_HOME=str(home / ".local/share"),
                        XDG_CACHE_HOME=str(home / ".cache"),
                        XDG_STATE_HOME=str(home / ".local/state"),
                        LIBGL_ALWAYS_SOFTWARE="1", GSETTINGS_BACKEND="memory",
                        XDG_SESSION_TYPE="wayland", XDG_CURRENT_DESKTOP="GNOME",
                        LANG=os.environ.get("LANG", "C.UTF-8"))
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self._bus(run / "bus")
        self.env["DBUS_SYSTEM_BUS_ADDRESS"] = self._bus(run / "system_bus")
        shell = ["gnome-shell", "--headless", "--wayland", "--no-x11", "--virtual-monitor",
                 f"{SIZE[0]}x{SIZE[1]}", f"--wayland-display={SOCKET}"]
        self._spawn("gnome-shell", shell, self.env)
        _wait(lambda: "GNOME Shell started" in self._log("gnome-shell"), 90, "GNOME Shell")
        self.client = subprocess.Popen(["/usr/bin/python3", str(CLIENT)], env=self.env,
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, text=True)
        self.procs.append(self.client)
        if not json.loads(self._read()).get("ready"):
            raise LabError("the shell client did not start")
        self.pulse = PrivatePulse(("lab",)).start()
        return self

    @staticmethod
    def _install_desktop_entry(data: Path) -> None:
        """As an installed app has them: the shell names the window by its desktop entry
        (without one it shows the bare app id) and finds its icon."""
        apps = data / "applications"
        icons = data / "icons" / "hicolor" / "scalable" / "apps"
        apps.mkdir(parents=True)
        icons.mkdir(parents=True)
        shutil.copy(REPO / "packaging" / f"{APP_CLASS}.desktop", apps)
        shutil.copy(REPO / "assets" / f"{APP_CLASS}.svg", icons)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                stop(proc, grace=10)
        if self.pulse is not None:
            self.pulse.stop()
        for pid in self.bus_pids:
            with suppress(ProcessLookupError):
                os.kill(pid, 15)

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]
               ) -> subprocess.Popen[bytes]:
        log = (self.work / f"{name}.log").open("wb")
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        log.close()
        self.procs.append(proc)
        return proc

    def _log(self, name: str) -> str:
        try:
            return (self.work / f"{name}.log").read_text(errors="replace")
        except OSError:
            return ""

    # ---- the client ----------------------------------------------------------------------
    def _read(self) -> str:
        assert self.client is not None and self.client.stdout is not None
        return self.client.stdout.readline() or "{}"

    def ask(self, command: str) -> dict[str, Any]:
        assert self.client is not None and self.client.stdin is not None
        self.client.stdin.write(command + "\n")
        self.client.stdin.flush()
        answer: dict[str, Any] = json.loads(self._read())
        if "error" in answer:
            raise LabError(f"{command}: {answer['error']}")
        return answer

    def keys(self, *combos: str) -> None:
        self.ask("keys " + " ".join(combos))
        time.sleep(0.6)

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.ask(f"shot {path}")
        return path

    def app_window(self) -> dict[str, Any] | None:
        for w in self.ask("windows")["windows"]:
            if w.get("wm-class") == APP_CLASS or w.get("app-id", "").startswith(APP_CLASS):
                return w  # type: ignore[no-any-return]
        return None

    def _gdbus(self, *args: str) -> str:
        return subprocess.run(["gdbus", "call", "--session", *args], env=self.env,
                              capture_output=True, text=True, timeout=10,
                              check=False).stdout

    def app_log(self) -> str:
        return self._log("app")

    # ---- the checks ----------------------------------------------------------------------
    def launch(self, reminder_at: dt.time) -> None:
        assert self.pulse is not None
        config = Path(self.env["XDG_CONFIG_HOME"]) / "knee-desktop"
        config.mkdir(parents=True)
        (config / "settings.toml").write_text(
            f'schema = 1\nreps = 2\nlead_in_seconds = 1\n\n[reminder]\nenabled = true\n'
            f'time = "{reminder_at:%H:%M}"\n')
        env = dict(self.env, PULSE_SERVER=self.pulse.server, PULSE_SINK="lab")
        env.update(WAYLAND_DISPLAY=SOCKET, QT_QPA_PLATFORM="wayland", PYTHONPATH=str(REPO))
        self.app = self._spawn("app", [sys.executable, "-m", "knee_desktop", "-v"], env)

    def check_window(self) -> None:
        self.keys("Escape")  # the shell starts in the overview
        w = _wait(lambda: (x := self.app_window()) and x.get("width") and x, 60,
                  "the app's window")
        time.sleep(1.5)
        self.found["window"] = {k: w.get(k) for k in ("title", "width", "height",
                                                      "has-focus", "wm-class")}
        self.shot("1-window")
        self.keys("F11")
        time.sleep(1.0)
        full = self.app_window() or {}
        self.found["F11"] = [full.get("width"), full.get("height")]
        self.shot("2-full-screen")
        self.keys("F11")
        time.sleep(1.0)
        back = self.app_window() or {}
        self.found["F11 again"] = [back.get("width"), back.get("height")]

    def check_media(self) -> None:
        self._gdbus("-d", "org.mpris.MediaPlayer2.knee_desktop", "-o",
                    "/org/mpris/MediaPlayer2", "-m", "org.mpris.MediaPlayer2.Player.Play")
        _wait(lambda: any((w.get("title") or "").startswith("Knee feel")
                          for w in self.ask("windows")["windows"]), 20, "the knee question")
        time.sleep(1.0)
        self.shot("3-knee-question")
        self.keys("3")
        _wait(lambda: "session started" in self.app_log(), 20, "the session")
        time.sleep(8.0)
        self.shot("4-session")
        self.keys("Super+v")
        time.sleep(1.5)
        self.shot("5-message-tray-media")
        self.keys("Escape")
        status = self._gdbus("-d", "org.mpris.MediaPlayer2.knee_desktop", "-o",
                             "/org/mpris/MediaPlayer2", "-m",
                             "org.freedesktop.DBus.Properties.Get",
                             "org.mpris.MediaPlayer2.Player", "PlaybackStatus")
        self.found["MPRIS status during the session"] = status.strip()

    def check_reminder(self, due: dt.datetime) -> None:
        """With the overview open (the window not in front), the reminder's notification
        comes; a click on it should bring the window forward."""
        wait = (due - dt.datetime.now()).total_seconds() - 3
        if wait > 0:
            time.sleep(wait)
        self.keys("Super")  # the overview: something else in front of the window
        self.found["overview open before the reminder"] = self.ask("overview")["overview"]
        _wait(lambda: "showing the notification" in self.app_log(), 70, "the reminder")
        time.sleep(2.5)  # notify-send starts, the banner slides in
        self.shot("6-reminder-banner")
        self.ask("click 683 80")  # on the notification's text, as a user clicks it
        time.sleep(4.0)  # the app checks after 2 s whether its window came forward
        self.shot("8-after-the-action")
        lines = [x for x in self.app_log().splitlines()
                 if "reminder" in x or "forward" in x or "notification" in x]
        self.found["reminder log"] = [x.split("knee-desktop: ", 1)[-1] for x in lines]
        self.found["overview open after the click"] = self.ask("overview")["overview"]
        self.found["window focused after the click"] = (self.app_window() or {}).get(
            "has-focus")


def run(shots: Path) -> dict[str, Any]:
    shots = shots.resolve()  # the shell writes it: its working dir is not ours
    shots.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="knee-gnome-"))
    lab = ShellLab(work, shots)
    t0 = time.monotonic()
    try:
        lab.start()
        lab.found["shell up after s"] = round(time.monotonic() - t0, 1)
        now = dt.datetime.now()
        due = (now + dt.timedelta(seconds=100)).replace(second=0, microsecond=0)
        lab.launch(due.time())
        lab.check_window()
        lab.check_media()
        lab.check_reminder(due)
        lab.found["seconds"] = round(time.monotonic() - t0, 1)
        lab.found["shots"] = str(shots)
        return lab.found
    finally:
        lab.stop()
        (shots / "app.log").write_text(lab.app_log())
        (shots / "gnome-shell.log").write_text(lab._log("gnome-shell"))
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shots", type=Path, help="where the screenshots go")
    ap.add_argument("--json", action="store_true")
    opts = ap.parse_args(argv)
    found = run(opts.shots or Path(tempfile.mkdtemp(prefix="knee-gnome-shots-")))
    if opts.json:
        print(json.dumps(found, indent=1))
    else:
        for key, value in found.items():
            if isinstance(value, list) and value and isinstance(value[0], str):
                print(f"{key}:")
                for line in value:
                    print(f"    {line}")
            else:
                print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
