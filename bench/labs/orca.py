"""What Orca says: the real screen reader (Debian's ``orca``) reads the real app.

Starts, each private and stopped by its pid: a D-Bus session bus, Xvfb, the AT-SPI bus
(``org.a11y.Status ScreenReaderEnabled`` set true, as GNOME's accessibility switch does),
a PulseAudio null sink for the app's own voice, and ``orca --debug-file`` with its own
HOME (speech goes to speech-dispatcher's ``dummy`` module: no sound, but every utterance
is in Orca's debug log as ``SPEECH OUTPUT: '...'``). Then the app with a tiny routine and
``who_speaks`` set: its window gets the input focus (``xdotool windowfocus``, what a
window manager does for a new window), MPRIS ``Play`` starts it (the Start button: the knee
question first), number keys answer the knee question before and after the session.

    python -m bench.labs.orca [--mode both|app|auto] [--json] [--keep DIR]
                              [--focus-back-after WORDS]
    # Debian: orca speech-dispatcher xdotool xvfb at-spi2-core pulseaudio

Prints what Orca said, in order, with the time from the start of the session, and the
app's own cue times (its log), so "Orca said nothing while the counts were spoken" can be
checked.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from bench.labs.pulse import PrivatePulse
from bench.labs.routines import routine_text
from bench.labs.xvfb import start_xvfb, stop

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
ORCA_RUN = Path(__file__).resolve().parent / "orca_run.py"
NEEDED = ("orca", "speech-dispatcher", "xdotool", "Xvfb", "dbus-daemon", "gdbus",
          "pulseaudio")
# The labs' tiny routine (bench/labs/routines.py) with safety words; its id replaces the shipped
# routine the window opens on.
ROUTINE = routine_text("windshield-wiper", "Tiny", "A few counts for the screen reader.", """
reps = 3
pause_seconds = 1
sweep_seconds = 1.2
circle_seconds = 1.0
lead_in_seconds = 1
""", """
[[steps]]
type = "move"
title = "Sweep"
movement = "sweep-left"
say = "Sweep the foot out."

[[steps]]
type = "still"
title = "Still"
say = "Hold still."
end_say = "Relax."
""", safety='["Stop at once if it hurts."]')
# speech-dispatcher's generic module writing each utterance to a file (what reached the
# speech server, beside what Orca logged); its audio goes to the lab's null sink.
SPEECHD_CONF = ('AudioOutputMethod "pulse"\nAddModule "file" "sd_generic" "file.conf"\n'
                'DefaultModule file\n')
SPEECHD_FILE = ('GenericExecuteSynth "printf \'%s\\\\n\' \'$DATA\' >> {out}"\n'
                'GenericLanguage "en" "en" "utf-8"\nAddVoice "en" "MALE1" "en"\n')
# The app's labels as Orca saw them change (the count label's text is its name): the
# moments of the counts, on the same clock as what Orca said.
SHOWN = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) - EVENT MANAGER: object:property-change:"
                   r"accessible-name for \[label \| .*\] in \[application \| knee-desktop\] "
                   r"\(\d+, \d+, (.*)\)$")
COUNT = re.compile(r"^\d+ of \d+$")
SAID = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) - SPEECH OUTPUT: '(.*?)'(?: voice=\w+)?\s*"
                  r"(?:\{.*\})?\s*$")


class LabError(RuntimeError):
    pass


def missing_programs() -> list[str]:
    out = [exe for exe in NEEDED if shutil.which(exe) is None]
    return out + ([] if Path(LAUNCHER).exists() else ["at-spi2-core"])


@dataclass
class Heard:
    """What Orca said (``said``: (seconds since the first count was shown, text)) and what
    the app showed (``cues``: (seconds, "count" or "label", text): its labels' changes as
    Orca's log saw them)."""

    mode: str
    said: list[tuple[float, str]] = field(default_factory=list)
    cues: list[tuple[float, str, str]] = field(default_factory=list)
    speech_server: str = ""
    notes: list[str] = field(default_factory=list)


def _wait(check: Callable[[], object], timeout: float, what: str) -> object:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise LabError(f"timed out waiting for {what}")


class OrcaLab:
    """The private desktop: buses, X, sound, Orca; then :meth:`session`."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.env: dict[str, str] = {}
        self.procs: list[subprocess.Popen[bytes]] = []
        self.xvfb: subprocess.Popen[bytes] | None = None
        self.pulse: PrivatePulse | None = None
        self.dbus_pid: int | None = None
        self.orca_log = work / "orca.log"

    # ---- start and stop ------------------------------------------------------------------
    def start(self) -> OrcaLab:
        missing = missing_programs()
        if missing:
            raise LabError(f"not installed: {', '.join(missing)} (apt-get install "
                           "orca speech-dispatcher xdotool xvfb at-spi2-core pulseaudio)")
        home = self.work / "home"
        run = self.work / "run"
        for d in (home / ".config" / "speech-dispatcher", run):
            d.mkdir(parents=True, exist_ok=True)
        run.chmod(0o700)
        speechd = home / ".config" / "speech-dispatcher"
        (speechd / "speechd.conf").write_text(SPEECHD_CONF)
        (speechd / "modules").mkdir(exist_ok=True)
        (speechd / "modules" / "file.conf").write_text(
            SPEECHD_FILE.format(out=self.work / "speechd.txt"))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("XDG_", "DBUS_", "AT_SPI", "WAYLAND", "PULSE", "QT_"))}
        env.update(HOME=str(home), XDG_RUNTIME_DIR=str(run),
                   XDG_CONFIG_HOME=str(home / ".config"),
                   XDG_DATA_HOME=str(home / ".local/share"),
                   XDG_CACHE_HOME=str(home / ".cache"),
                   XDG_STATE_HOME=str(home / ".local/state"), GSETTINGS_BACKEND="memory",
                   NO_AT_BRIDGE="0", LANG="C.UTF-8")
        out = subprocess.run(["dbus-daemon", "--session", f"--address=unix:dir={run}",
                              "--fork", "--print-pid=1", "--print-address=1", "--nopidfile"],
                             env=env, capture_output=True, text=True, timeout=10, check=True)
        address, pid = out.stdout.split()[:2]
        self.dbus_pid = int(pid)
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        self.xvfb, env["DISPLAY"] = start_xvfb("1366x768x24")
        self.env = env
        self._spawn("at-spi", [LAUNCHER, "--launch-immediately"])
        _wait(lambda: self._gdbus("call", "-d", "org.a11y.Bus", "-o", "/org/a11y/bus", "-m",
                                  "org.a11y.Bus.GetAddress"), 15, "the AT-SPI bus")
        # What GNOME's "Screen Reader" switch sets; Orca started by hand does not.
        self._gdbus("call", "-d", "org.a11y.Bus", "-o", "/org/a11y/bus", "-m",
                    "org.freedesktop.DBus.Properties.Set", "org.a11y.Status",
                    "ScreenReaderEnabled", "<true>")
        self.pulse = PrivatePulse(("lab",)).start()
        # /usr/bin/orca's main() without its one-Orca-per-user check (bench/labs/orca_run.py):
        # it would exit beside another Orca of this user, or with --replace kill them all
        self._spawn("orca", ["/usr/bin/python3", "-P", str(ORCA_RUN),
                            f"--debug-file={self.orca_log}"],
                    dict(self.env, PULSE_SERVER=self.pulse.server))
        _wait(lambda: "Screen reader on." in self._orca_text(), 30, "Orca to start")
        return self

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                stop(proc)
        self.procs.clear()
        self._stop_speechd()
        if self.pulse is not None:
            self.pulse.stop()
        if self.xvfb is not None:
            stop(self.xvfb)
        if self.dbus_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.dbus_pid, 15)

    def _stop_speechd(self) -> None:
        """Orca's speech-dispatcher was autospawned (it forks away): stop it by the pid it
        wrote in our private runtime dir."""
        for pidfile in (self.work / "run").glob("speech-dispatcher/pid/*.pid"):
            with contextlib.suppress(ValueError, OSError):
                os.kill(int(pidfile.read_text().split()[0]), 15)

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None
               ) -> subprocess.Popen[bytes]:
        log = (self.work / f"{name}.out").open("wb")
        proc = subprocess.Popen(argv, env=env or self.env, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        self.procs.append(proc)
        return proc

    def _gdbus(self, *args: str) -> bool:
        return subprocess.run(["gdbus", *args[:1], "--session", *args[1:]], env=self.env,
                              capture_output=True, timeout=10, check=False).returncode == 0

    def _orca_text(self) -> str:
        try:
            return self.orca_log.read_text(errors="replace")
        except OSError:
            return ""

    # ---- one session ---------------------------------------------------------------------
    def session(self, mode: str, before: str = "3", after: str = "2",
                timeout: float = 60.0, focus_back_after: str = "") -> Heard:
        """``focus_back_after``: the window gets the focus back after the knee question
        only once the app shows these words (a slow window manager, or a busy machine: the
        session's first words come before it)."""
        assert self.pulse is not None
        config = Path(self.env["XDG_CONFIG_HOME"]) / "knee-desktop"
        (config / "routines").mkdir(parents=True, exist_ok=True)
        (config / "routines" / "tiny.toml").write_text(ROUTINE)
        (config / "settings.toml").write_text(f'schema = 1\nwho_speaks = "{mode}"\n')
        env = self.pulse.env(self.env)
        env.update(PYTHONPATH=str(REPO), QT_QPA_PLATFORM="xcb")
        app_log = self.work / f"app-{mode}.out"
        mark = len(self._orca_text())
        app = self._spawn(f"app-{mode}", [sys.executable, "-m", "knee_desktop", "-v"], env)
        try:
            main = self._window("^Knee routine", timeout)
            self._xdo("windowfocus", "--sync", main)
            self._said("Knee routine frame", mark, 10)  # Orca presents the window
            self._gdbus("call", "-d", "org.mpris.MediaPlayer2.knee_desktop", "-o",
                        "/org/mpris/MediaPlayer2", "-m", "org.mpris.MediaPlayer2.Player.Play")
            self._answer(before, mark, timeout)
            # a window manager gives the focus back when the dialog has gone: not before
            # (given to the window while the modal dialog was up, Qt sent it back to the
            # dialog, and when that closed no window had the focus for the whole session)
            _wait(lambda: not self._visible("^Knee feel"), timeout, "the knee question to close")
            if focus_back_after:
                self._shown(focus_back_after, mark, timeout)
            self._xdo("windowfocus", "--sync", main)  # the dialog closed: focus goes back
            _wait(lambda: "session started" in app_log.read_text(), timeout, "the session")
            self._answer(after, len(self._orca_text()), timeout + 60)  # after the session
            back = len(self._orca_text())
            # the read-back (in "both" mode Orca says it: wait for it; else a moment)
            end = time.monotonic() + (5.0 if mode == "both" else 1.5)
            while time.monotonic() < end and "Thank you" not in self._orca_text()[back:]:
                time.sleep(0.1)
            time.sleep(0.3)
        finally:
            if app.poll() is None:
                app.terminate()
                app.wait(10)
        return self._heard(mode, mark, app_log.read_text())

    def _visible(self, name: str) -> list[str]:
        return subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name],
                              env=self.env, capture_output=True, text=True,
                              check=False).stdout.split()

    def _window(self, name: str, timeout: float) -> str:
        found = _wait(lambda: subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", name], env=self.env,
            capture_output=True, text=True, check=False).stdout.split(), timeout,
            f"a window named {name!r}")
        assert isinstance(found, list)
        return str(found[-1])

    def _xdo(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env=self.env, capture_output=True, timeout=10,
                       check=False)

    def _answer(self, key: str, mark: int, timeout: float) -> None:
        """The knee question's window gets the focus (as a window manager gives a new
        dialog); once Orca has begun reading it, ``key`` answers."""
        dialog = self._window("^Knee feel", timeout)
        self._xdo("windowfocus", "--sync", dialog)
        self._said("Knee feel", mark, 15)
        time.sleep(0.5)
        self._xdo("key", key)

    def _shown(self, words: str, mark: int, timeout: float) -> None:
        _wait(lambda: any(m and m.group(2) == words for m in map(
            SHOWN.match, self._orca_text()[mark:].splitlines())), timeout,
            f"the app to show {words!r}")

    def _said(self, words: str, mark: int, timeout: float) -> None:
        _wait(lambda: f"SPEECH OUTPUT: '{words}" in self._orca_text()[mark:], timeout,
              f"Orca to say {words!r}")

    def _heard(self, mode: str, mark: int, app_log: str) -> Heard:
        heard = Heard(mode)
        text = self._orca_text()
        server = re.search(r"SPEECH: Using speech server factory: (\S+)", text)
        heard.speech_server = server.group(1) if server else "none"
        said = [(_clock(m.group(1)), m.group(2)) for m in
                (SAID.match(line) for line in text[mark:].splitlines()) if m]
        shown = [(_clock(m.group(1)), m.group(2)) for m in
                 (SHOWN.match(line) for line in text[mark:].splitlines()) if m]
        counts = [t for t, words in shown if COUNT.match(words)]
        t0 = counts[0] if counts else (said[0][0] if said else 0.0)
        heard.cues = [(round(t - t0, 2), "count" if COUNT.match(w) else "label", w)
                      for t, w in shown]
        heard.said = [(round(t - t0, 2), words) for t, words in said]
        return heard


def _clock(stamp: str) -> float:
    t = datetime.strptime(stamp.replace(",", ".")[:15], "%H:%M:%S.%f")
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


def run(modes: list[str], keep: Path | None = None, focus_back_after: str = ""
        ) -> list[Heard]:
    work = keep or Path(tempfile.mkdtemp(prefix="knee-orca-"))
    work.mkdir(parents=True, exist_ok=True)
    lab = OrcaLab(work)
    try:
        lab.start()
        return [lab.session(mode, focus_back_after=focus_back_after) for mode in modes]
    finally:
        lab.stop()
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", action="append", choices=["both", "app", "auto"],
                    help="who_speaks for a session (repeat for several; default both, app)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", type=Path, help="keep Orca's and the app's logs in DIR")
    ap.add_argument("--focus-back-after", default="", metavar="WORDS",
                    help="after the knee question, give the window the focus back only once "
                         "the app shows WORDS (a slow window manager)")
    opts = ap.parse_args(argv)
    results = run(opts.mode or ["both", "app"], opts.keep, opts.focus_back_after)
    if opts.json:
        print(json.dumps([asdict(h) for h in results], indent=1))
        return 0
    for h in results:
        print(f"\n== who_speaks = {h.mode} (Orca's speech server: {h.speech_server})")
        events = sorted([(t, "app  ", f"{k}: {w}") for t, k, w in h.cues]
                        + [(t, "ORCA ", w) for t, w in h.said])
        for t, who, words in events:
            print(f"  {t:7.2f} s  {who} {words[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
