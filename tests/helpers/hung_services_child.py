"""Run with DBUS_SESSION_BUS_ADDRESS set to a bus where org.freedesktop.ScreenSaver and
org.a11y.Bus are owned by a process that never answers. The real window, screen-saver
inhibitor and screen-reader announcer; a session is started; prints one JSON line: how
long until the first cue was handed to the voice, what was said, how long a blocking
screen-reader question takes on this bus (to show that the services really hang)."""

from __future__ import annotations

import json
import os
import time

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from knee_desktop.desktop.a11y_status import screen_reader_enabled
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime.voice_base import SilentVoice
from knee_desktop.ui.app.a11y import Announcer
from knee_desktop.ui.session.main_window import MainWindow


def main() -> None:
    _app = QApplication(["knee-desktop"])
    voice = SilentVoice()
    window = MainWindow(load_catalog(), lambda: voice,
                        settings=PlanSettings(reps=3, lead_in_seconds=0, pause_seconds=5))
    announcer = Announcer(window, lambda: "auto")
    window.show()
    window.choose_routine("windshield-wiper")
    out: dict[str, object] = {"spoken": []}
    t0 = time.monotonic()

    def played(*_args: object) -> None:
        out.setdefault("first_cue", time.monotonic() - t0)

    window.driver.played.connect(played)
    window.driver.spoken.connect(
        lambda text: out["spoken"].append([round(time.monotonic() - t0, 3), text]))  # type: ignore[attr-defined]
    t0 = time.monotonic()
    window.start_session()
    out["start_returned"] = time.monotonic() - t0
    loop = QEventLoop()
    QTimer.singleShot(2000, loop.quit)  # the timeouts (1 s, 0.5 s) pass meanwhile
    loop.exec()
    out["screen_reader"] = announcer.screen_reader
    out["announcing"] = announcer.enabled
    t1 = time.monotonic()
    out["blocking_ask"] = [screen_reader_enabled(), time.monotonic() - t1]
    window.driver.close()
    print(json.dumps(out), flush=True)
    os._exit(0)  # no closing question, no teardown on a bus that hangs


if __name__ == "__main__":
    main()
