"""CPU of the whole app during a running session and at idle, and launch-to-window time.

Runs the real window under its own Xvfb (xcb platform), in child processes:
- launch: from process start to the window exposed on screen (median of 5), beside a bare
  PySide6 window (a QMainWindow with one label) launched the same way in the same run:
  the main window alone, and the app as a person launches it (``knee-desktop``: settings,
  history, single instance, media keys, reminder; a fresh home, a private session bus),
  silent and with its voice on a private PulseAudio (the first of those a first launch
  ever: no clips yet);
- running: a real session on the monotonic clock, sweeping, measured from
  /proc/self/stat (utime + stime, all threads) over 5-second slices (median and total),
  once with a silent voice and once with the real voice (pre-rendered speech and its
  continuous audio stream) playing into a private PulseAudio null sink;
- idle: the window open with no session (no timer runs).
Each child also prints its peak RSS (``ru_maxrss``).

    python -m bench.window [--seconds 25] [--runs 1] [--launches 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.labs import REPO, run_module
from bench.labs.xvfb import start_xvfb, stop

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: str = "self") -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- children (inside Xvfb) -------------------------------------------------------------------
def bare(started: float) -> int:
    """The baseline: a bare PySide6 window, shown and exposed."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("Hello"))
    window.resize(1120, 640)
    window.show()
    QTest.qWaitForWindowExposed(window)
    print(f"launch {time.monotonic() - started:.4f} rss={peak_rss_mib():.0f} "
          f"cpu={cpu_seconds():.4f}", flush=True)
    window.close()
    del app
    return 0


def entry(started: float, real_voice: bool = False) -> int:
    """The app as a person launches it: ``knee-desktop`` with no command (its settings,
    history, single instance, media keys, reminder, listening), silent or with its voice,
    until its window is exposed. ``open_window`` is wrapped only to learn the window, as
    its module is imported by the app itself (importing it here first would move the
    app's own order of work: the display check before Qt)."""
    from knee_desktop.main import main as knee_main

    def wrap(launch: Any) -> None:
        opened = launch.open_window

        def open_and_time(*args: Any, **kwargs: Any) -> Any:
            from PySide6.QtCore import QTimer
            from PySide6.QtTest import QTest

            window = opened(*args, **kwargs)

            def exposed() -> None:
                QTest.qWaitForWindowExposed(window)
                print(f"launch {time.monotonic() - started:.4f} rss={peak_rss_mib():.0f} "
                      f"cpu={cpu_seconds():.4f}", flush=True)
                window.close()

            QTimer.singleShot(0, exposed)
            return window

        launch.open_window = open_and_time

    after_import("knee_desktop.ui.app.launch", wrap)
    return knee_main([] if real_voice else ["--silent"])


def after_import(name: str, then: Callable[[Any], None]) -> None:
    """Call ``then(module)`` right after the module ``name`` is first imported."""
    import importlib.util

    class Finder:
        @staticmethod
        def find_spec(fullname: str, path: Any, target: Any = None) -> Any:
            if fullname != name:
                return None
            sys.meta_path.remove(Finder)
            spec = importlib.util.find_spec(fullname)
            assert spec is not None and spec.loader is not None
            run = spec.loader.exec_module

            def run_then(module: Any) -> None:
                run(module)
                then(module)

            spec.loader.exec_module = run_then  # type: ignore[method-assign]
            return spec

    sys.meta_path.insert(0, Finder)


def start_sweeping(window: Any, then: Callable[[], None]) -> None:
    """Start a session and go straight to the first movement once the first step has begun
    (with the real voice the session begins when its first words can be placed: a skip
    before is ignored, and its lead-in has no moving foot); ``then`` marks the start."""
    from PySide6.QtCore import QTimer

    def to_the_movement(_span: object) -> None:
        window.driver.step_started.disconnect(to_the_movement)
        QTimer.singleShot(0, skip_and_measure)

    def skip_and_measure() -> None:
        window.driver.skip()
        then()

    window.driver.step_started.connect(to_the_movement)
    window.start_session()


def child(mode: str, seconds: float, started: float, real_voice: bool = False) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest

    from knee_desktop.routine.loader import load_catalog
    try:
        from knee_desktop.runtime.voice_base import SilentVoice
    except ImportError:  # before issue 23 moved it: lets this measure an older tree
        from knee_desktop.speech.base import SilentVoice  # type: ignore[no-redef]
    from knee_desktop.ui.app.launch import make_app
    from knee_desktop.ui.diagram.leg_diagram import LegDiagram
    from knee_desktop.ui.session.main_window import MainWindow

    painting = [0.0]
    paint = LegDiagram.paintEvent

    def timed_paint(self: LegDiagram, event: object) -> None:
        t = time.perf_counter()
        paint(self, event)  # type: ignore[arg-type]
        painting[0] += time.perf_counter() - t

    LegDiagram.paintEvent = timed_paint  # type: ignore[method-assign]
    app = make_app()
    voice_factory = SilentVoice
    if real_voice:
        from knee_desktop.prefs.launch import LaunchOptions
        from knee_desktop.ui.app.launch import voice_factory_for

        voice_factory = voice_factory_for(LaunchOptions())  # type: ignore[assignment]
    from bench.labs.stand_ins import NoInhibit

    window = MainWindow(load_catalog(), voice_factory, inhibitor=NoInhibit())  # type: ignore[arg-type]
    window.show()
    QTest.qWaitForWindowExposed(window)
    if mode == "launch":
        print(f"launch {time.monotonic() - started:.4f} rss={peak_rss_mib():.0f} "
          f"cpu={cpu_seconds():.4f}", flush=True)
        window.close()
        return 0
    slices: list[float] = []
    marks: list[tuple[float, float, int]] = []

    def mark_start() -> None:
        marks[:] = [(time.monotonic(), cpu_seconds(), window.session_view.diagram.paints)]

    mark_start()
    if mode == "running":
        start_sweeping(window, mark_start)
    warmup = 2.0

    def sample() -> None:
        now, cpu, paints = time.monotonic(), cpu_seconds(), window.session_view.diagram.paints
        marks.append((now, cpu, paints))
        if now - marks[0][0] >= warmup + seconds:
            # quit() closes the windows: a running session would ask "Stop the session?"
            # in a modal box no one answers (the run hung until its time-out)
            window.driver.close()
            app.quit()

    timer = QTimer()
    timer.setObjectName("bench-sample")
    timer.timeout.connect(sample)
    timer.start(1000)
    app.exec()
    timer.stop()
    base = next(m for m in marks if m[0] - marks[0][0] >= warmup - 0.01)
    usable = [m for m in marks if m[0] >= base[0]]
    for a, b in zip(usable[::5], usable[5::5], strict=False):
        slices.append((b[1] - a[1]) / (b[0] - a[0]))
    end = usable[-1]
    total = (end[1] - base[1]) / (end[0] - base[0])
    fps = (end[2] - base[2]) / (end[0] - base[0])
    per_frame = painting[0] / max(1, window.session_view.diagram.paints) * 1000
    print(f"{mode} median={statistics.median(slices) * 100:.2f}% total={total * 100:.2f}% "
          f"frames={fps:.1f}/s paint={per_frame:.2f} ms/frame peak RSS={peak_rss_mib():.0f} MiB",
          flush=True)
    window.close()
    return 0


def compile_package() -> None:
    """Compile the package's bytecode first, as an installed app has it (pip compiles
    on install, as it did PySide6's): where PYTHONDONTWRITEBYTECODE is set, every launch
    compiled all of knee_desktop again (~85 modules), and the launch time measured that."""
    import compileall

    import knee_desktop

    compileall.compile_dir(str(Path(knee_desktop.__file__).parent), quiet=1)


NAMES = {"bare": "bare PySide6 window      ", "launch": "the app's window         ",
         "entry": "the app, as launched     ", "voice": "the app, with its voice  "}
# kind: the child and its arguments
KINDS = {"bare": ("bare",), "launch": ("launch",), "entry": ("entry",),
         "voice": ("entry", "--real-voice")}
Launch = tuple[float, float, float]  # seconds to the window, peak RSS MiB, CPU seconds


def measure_launches(display: str, session_bus: dict[str, str], pulse: dict[str, str],
                     rounds: int) -> dict[str, list[Launch]]:
    """Each kind launched ``rounds`` times, interleaved (a busier machine weighs on all
    alike), each in a fresh home; the voiced ones share one (on a private PulseAudio): its
    first launch is a first launch ever (no clips), the others find them."""
    voice_home = fresh_home()
    got: dict[str, list[Launch]] = {kind: [] for kind in KINDS}
    for _ in range(rounds):
        for kind, child in KINDS.items():
            home = {**voice_home, **pulse} if kind == "voice" else fresh_home()
            _, seconds, peak, used = run_child(display, *child,
                                               env_extra={**home, **session_bus}).split()
            got[kind].append((float(seconds), float(peak.split("=")[1]),
                              float(used.split("=")[1])))
    return got


def report_launches(got: dict[str, list[Launch]]) -> None:
    bare = statistics.median(g[0] for g in got["bare"])
    bare_cpu = statistics.median(g[2] for g in got["bare"])
    for kind, runs in got.items():
        print(f"launch to window shown, {NAMES[kind]}: median "
              f"{statistics.median(r[0] for r in runs) * 1000:.0f} ms "
              f"(runs: {', '.join(f'{r[0] * 1000:.0f}' for r in runs)}), CPU "
              f"{statistics.median(r[2] for r in runs) * 1000:.0f} ms, "
              f"peak RSS {statistics.median(r[1] for r in runs):.0f} MiB")
    for kind in ("launch", "entry", "voice"):
        runs = got[kind][1:] if kind == "voice" else got[kind]  # the first: no clips yet
        ratio = statistics.median(r[0] for r in runs) / bare
        cpu_ratio = statistics.median(r[2] for r in runs) / bare_cpu
        print(f"  {NAMES[kind].strip()} / bare: {ratio:.2f}× wall, {cpu_ratio:.2f}× CPU"
              + (" (its clips cached)" if kind == "voice" else ""))
    first = got["voice"][0][0]
    print(f"  the app's first launch ever, with its voice (no clips yet): {first * 1000:.0f} ms, "
          f"{first / bare:.2f}× (the clips are rendered after the window shows)")


def fresh_home() -> dict[str, str]:
    """A home of its own for a launch: no settings, history or other instance of ours."""
    home = tempfile.mkdtemp(prefix="knee-bench-home-")
    env = {"HOME": home, "XDG_RUNTIME_DIR": home}
    for name, sub in (("DATA", "data"), ("CONFIG", "config"), ("STATE", "state"),
                      ("CACHE", "cache")):
        env[f"XDG_{name}_HOME"] = f"{home}/{sub}"
    return env


def run_child(display: str, *args: str, env_extra: dict[str, str] | None = None) -> str:
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", **(env_extra or {}))
    started = time.monotonic()
    done = subprocess.run(run_module("bench.window", "--child", *args,
                                     "--started", repr(started)), env=env, cwd=REPO,
                          capture_output=True,
                          text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return done.stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--runs", type=int, default=1, help="runs of each running session")
    parser.add_argument("--launches", type=int, default=5, help="launches of each window")
    parser.add_argument("--child", choices=("launch", "bare", "entry", "running", "idle"))
    parser.add_argument("--started", type=float, default=0.0)
    parser.add_argument("--real-voice", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "bare":
        return bare(args.started)
    if args.child == "entry":
        return entry(args.started, args.real_voice)
    if args.child:
        return child(args.child, args.seconds, args.started, args.real_voice)
    compile_package()
    xvfb, display = start_xvfb()
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                            "--print-address=1",
                            f"--address=unix:dir={tempfile.mkdtemp(prefix='knee-bench-bus-')}"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert bus.stdout is not None
    session_bus = {"DBUS_SESSION_BUS_ADDRESS": bus.stdout.readline().strip()}
    from bench.labs.pulse import PrivatePulse

    pulse = PrivatePulse(("test",)).start()
    try:
        report_launches(measure_launches(display, session_bus, pulse.env({}), args.launches))
        x0 = cpu_seconds(str(xvfb.pid))
        t0 = time.monotonic()
        for _ in range(args.runs):
            print("session running:", run_child(display, "running", "--seconds",
                                                str(args.seconds)))
        print(f"  (Xvfb itself meanwhile: "
              f"{(cpu_seconds(str(xvfb.pid)) - x0) / (time.monotonic() - t0) * 100:.2f}%)")
        for _ in range(args.runs):
            print("session running, real voice:", run_child(
                display, "running", "--real-voice", "--seconds", str(args.seconds),
                env_extra=pulse.env({})))
        print("idle window:    ", run_child(display, "idle", "--seconds",
                                            str(min(max(args.seconds, 6.0), 10.0))))
    finally:
        pulse.stop()
        bus.terminate()
        bus.wait()
        stop(xvfb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
