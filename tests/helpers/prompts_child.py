"""Child process of tests/test_prompts_heard.py: the real window, wired as the app wires
it, with the real voice, driven by keys alone through one short session. Each phrase
handed to the voice is printed as JSON (monotonic time, text) at the end.

    python tests/helpers/prompts_child.py ROUTINE.toml
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from knee_desktop.desktop.inhibit import ScreenSaverInhibitor
from knee_desktop.prefs import user_settings as us
from knee_desktop.prefs.launch import LaunchOptions
from knee_desktop.routine.loader import load_catalog
from knee_desktop.session.engine import State
from knee_desktop.ui.app.launch import make_app, voice_factory_for
from knee_desktop.ui.app.wiring import wire_window
from knee_desktop.ui.dialogs.knee_feel import KneeFeelDialog
from knee_desktop.ui.session.main_window import MainWindow

QUIET = 0.6  # seconds after everything said is heard before the next key


class Awake(ScreenSaverInhibitor):
    """No screen saver on the test's bus: its notice (said once, issue 24) is not tested here."""

    def inhibit(self, answered: Callable[[bool], None] | None = None) -> None:
        if answered is not None:
            answered(True)

    def release(self) -> None:
        pass


def main(routine: str) -> int:
    app = make_app()
    # Quick speech (the top of the allowed range): the test is that every prompt is heard,
    # in order and on time, which does not depend on the pace; the long knee questions
    # take half as long.
    settings = us.UserSettings(rate=300)
    window = MainWindow(load_catalog(), voice_factory_for(LaunchOptions(), settings),
                        settings=settings.to_plan_settings(), inhibitor=Awake())
    wire_window(window, settings)
    window.show()
    window.choose_routine(routine)
    driver = window.driver
    spoken: list[tuple[float, str]] = []
    driver.spoken.connect(lambda text: spoken.append((time.monotonic(), text)))
    problems: list[str] = []
    driver.message.connect(problems.append)

    def quiet() -> bool:
        return time.monotonic() > driver.heard_until + QUIET

    def dialog() -> KneeFeelDialog | None:
        modal = QApplication.activeModalWidget()
        return modal if isinstance(modal, KneeFeelDialog) else None

    def key(k: Qt.Key) -> Callable[[], None]:
        return lambda: QTest.keyClick(dialog() or window, k)

    def finish() -> None:
        print(json.dumps({"spoken": spoken, "problems": problems}), flush=True)
        window.close()
        app.quit()

    steps: list[tuple[Callable[[], bool], Callable[[], None]]] = [
        (lambda: dialog() is not None and quiet(), key(Qt.Key.Key_4)),  # before: "4"
        (lambda: driver.position() > 1.5, key(Qt.Key.Key_Space)),  # pause
        (lambda: driver.state is State.PAUSED and quiet(), key(Qt.Key.Key_I)),
        (quiet, key(Qt.Key.Key_Escape)),  # "Press escape again to stop."
        (quiet, key(Qt.Key.Key_Escape)),  # stopped
        (lambda: dialog() is not None and quiet(), key(Qt.Key.Key_3)),  # after: "3"
        (lambda: not driver.ending and quiet(), finish),
    ]

    def poll() -> None:
        if steps and steps[0][0]():
            steps.pop(0)[1]()

    ticker = QTimer()
    ticker.setObjectName("prompts-child-poll")
    ticker.timeout.connect(poll)
    ticker.start(50)
    QTimer.singleShot(0, window.controls.start.click)  # the knee question comes first
    QTimer.singleShot(120_000, lambda: (print(json.dumps({"stuck": len(steps),
                                                          "spoken": spoken}), flush=True),
                                        app.exit(2)))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
