"""The real window, a dialog and the keys under a Wayland compositor; run by
``tests/test_wayland_window.py`` inside a private Weston (``bench/labs/weston.py``), or by
hand inside any Wayland session: ``QT_QPA_PLATFORM=wayland python -m bench.labs.wayland_check``.

Prints one JSON object: what was checked and any Qt warning logged (none expected).
Exits 1 if a check failed.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def main() -> int:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtTest import QTest

    warnings: list[str] = []

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if kind != QtMsgType.QtDebugMsg and "FFmpeg" not in message \
                and "pipewire" not in message:
            warnings.append(message)

    qInstallMessageHandler(handler)

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from bench.labs.stand_ins import NoInhibit
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.routine.loader import load_catalog
    from knee_desktop.runtime.voice_base import SilentVoice
    from knee_desktop.session.clock import FakeClock
    from knee_desktop.session.engine import State
    from knee_desktop.ui.app.launch import make_app
    from knee_desktop.ui.session.main_window import MainWindow
    from knee_desktop.ui.settings.dialog import SettingsDialog


    make_app()
    out: dict[str, Any] = {"platform": QGuiApplication.platformName()}
    clock = FakeClock()
    window = MainWindow(load_catalog(), SilentVoice, clock=clock,
                        settings=PlanSettings(reps=3), inhibitor=NoInhibit())  # type: ignore[arg-type]
    window.resize(1000, 700)
    window.show()
    out["window exposed"] = QTest.qWaitForWindowExposed(window, 10_000)
    out["window size"] = [window.width(), window.height()]

    dialog = SettingsDialog(UserSettings(), parent=window)
    dialog.show()
    out["dialog exposed"] = QTest.qWaitForWindowExposed(dialog, 10_000)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # Esc closes a dialog
    QTest.qWait(50)
    out["dialog closed by Esc"] = not dialog.isVisible()

    window.start_session()
    ctl = window.driver
    out["session started"] = ctl.active
    QTest.keyClick(window, Qt.Key.Key_Space)
    out["Space pauses"] = ctl.state == State.PAUSED
    QTest.keyClick(window, Qt.Key.Key_Space)
    out["Space resumes"] = ctl.state != State.PAUSED
    QTest.keyClick(window, Qt.Key.Key_Escape)
    QTest.keyClick(window, Qt.Key.Key_Escape)  # Esc twice: stop (the first one arms it)
    QTest.qWait(50)
    out["Esc Esc stops"] = not ctl.active
    window.close()
    out["qt warnings"] = warnings
    print(json.dumps(out))
    checks = [v for k, v in out.items() if isinstance(v, bool)]
    return 0 if all(checks) and not warnings else 1


if __name__ == "__main__":
    sys.exit(main())
