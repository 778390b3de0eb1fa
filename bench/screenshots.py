"""`make screenshots`: the real window under Xvfb at several moments of a session.

Starts its own Xvfb (``-displayfd`` picks a free display), runs itself inside it with a
fake clock stepped to chosen timeline positions, grabs the window from the X server, and
saves PNGs in ``screenshots/``. Stops the Xvfb it started, by its pid.

    python bench/screenshots.py [--out screenshots] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def start_xvfb(size: str = "1280x860x24") -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", size,
                             "-nolisten", "tcp"], pass_fds=(write,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        xvfb.kill()
        raise RuntimeError("Xvfb did not start")
    return xvfb, f":{number}"


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def run_under_xvfb(argv: list[str]) -> int:
    xvfb, display = start_xvfb()
    try:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        return subprocess.run([sys.executable, __file__, "--child", *argv], env=env,
                              check=False, timeout=300).returncode
    finally:
        stop(xvfb)


# ---- inside Xvfb ----------------------------------------------------------------------------
def child(out: Path, only: list[str]) -> int:
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.routine.loader import load_catalog
    from knee_desktop.runtime.timers import FakeTimers
    from knee_desktop.speech.base import SilentVoice
    from knee_desktop.ui.app import make_app
    from knee_desktop.ui.main_window import MainWindow

    class NoInhibit:
        def inhibit(self) -> bool:
            return False

        def release(self) -> None:
            pass

    app = make_app()
    app.setStyle("Fusion")
    light = QPalette(app.palette())
    timers = FakeTimers()
    window = MainWindow(load_catalog(), SilentVoice, timers=timers,
                        settings=PlanSettings(reps=10),
                        inhibitor=NoInhibit())  # type: ignore[arg-type]
    window.resize(1200, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    out.mkdir(parents=True, exist_ok=True)

    def walk_to(t: float) -> None:
        driver = window.driver
        if driver.session is not None and driver.active:
            timers.advance(max(0.0, driver.session.time_of(t) - timers.clock.now()))

    def shot(name: str) -> None:
        if only and name not in only:
            return
        window.controller.emit_frame()
        QTest.qWait(60)  # let the event loop paint
        screen = window.screen()
        image = screen.grabWindow(window.winId())
        path = out / f"{name}.png"
        image.save(str(path))
        print(path)

    def dark() -> None:
        p = QPalette()
        for role, colour in ((QPalette.ColorRole.Window, "#202124"),
                             (QPalette.ColorRole.WindowText, "#f1f3f4"),
                             (QPalette.ColorRole.Base, "#171717"),
                             (QPalette.ColorRole.AlternateBase, "#2a2a2a"),
                             (QPalette.ColorRole.Text, "#f1f3f4"),
                             (QPalette.ColorRole.Button, "#303134"),
                             (QPalette.ColorRole.ButtonText, "#f1f3f4"),
                             (QPalette.ColorRole.Highlight, "#8ab4f8"),
                             (QPalette.ColorRole.HighlightedText, "#202124"),
                             (QPalette.ColorRole.ToolTipBase, "#303134"),
                             (QPalette.ColorRole.ToolTipText, "#f1f3f4")):
            p.setColor(role, QColor(colour))
        for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText,
                     QPalette.ColorRole.Text):
            p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#80868b"))
        QApplication.setPalette(p)

    shot("01-choose-routine")
    window.start_session()
    timeline = window.timeline
    assert timeline is not None
    events = timeline.events

    def first(kind: str, **match: object) -> float:
        return next(e for e in events if e.kind == kind
                    and all(getattr(e, k) == v for k, v in match.items())).t

    walk_to(first("count", rep=3) + 0.2)
    shot("02-count-in")
    rep = next(e for e in events if e.kind == "rep" and e.movement == "sweep-left" and e.rep == 4)
    walk_to(rep.t)
    shot("03-sweep-left-on-the-count")
    walk_to(first("still") + 3.6)
    shot("04-still-pause")
    window.driver.toggle_pause()
    shot("05-paused")
    window.driver.toggle_pause()
    both = next(e for e in events if e.kind == "rep" and e.movement == "sweep-both"
                and e.rep == 3)
    walk_to(both.move_start + 0.2 * both.duration)
    shot("06-whole-wiper")
    circle = next(e for e in events if e.kind == "rep" and e.movement == "circle-clockwise"
                  and e.rep == 2)
    walk_to(circle.move_start + 0.3 * circle.duration)
    shot("07-circles")
    walk_to(first("rest") + 6.0)
    shot("08-lie-there-and-feel")
    right = next(e for e in events if e.kind == "rep" and e.movement == "sweep-right"
                 and e.leg == "right" and e.rep == 2)
    walk_to(right.t - 0.2)
    shot("09-right-leg-sweep-right")
    dark()
    ccw = next(e for e in events if e.kind == "rep" and e.movement == "circle-counterclockwise"
               and e.leg == "right" and e.rep == 5)
    walk_to(ccw.move_start + 0.6 * ccw.duration)
    shot("10-dark-circles")
    window.resize(640, 520)
    QTest.qWait(60)
    shot("11-dark-small-window")
    QApplication.setPalette(light)
    window.resize(1200, 800)
    walk_to(timeline.duration + 0.5)
    shot("12-finished")
    window.close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "screenshots")
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.out, args.only)
    return run_under_xvfb(["--out", str(args.out), *(["--only", *args.only] if args.only
                                                      else [])])


if __name__ == "__main__":
    sys.exit(main())
