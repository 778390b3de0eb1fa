"""Screenshots of the Settings and About dialogs, offscreen, into screenshots/ (not committed).

    .venv/bin/python -m bench.dialog_screenshots
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_home = tempfile.mkdtemp(prefix="knee-shots-")
for _var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = f"{_home}/{_var.lower()}"

from PySide6.QtCore import QTimer  # noqa: E402

from knee_desktop.plan.settings import PlanSettings  # noqa: E402
from knee_desktop.prefs.user_settings import Reminder, UserSettings  # noqa: E402
from knee_desktop.ui.app.launch import make_app  # noqa: E402
from knee_desktop.ui.dialogs.about import AboutDialog  # noqa: E402
from knee_desktop.ui.settings.dialog import SettingsDialog  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "screenshots"


def main() -> int:
    OUT.mkdir(exist_ok=True)
    app = make_app()
    custom = UserSettings(rate=150, volume=0.8,
                          plan=PlanSettings(reps=8, pause_seconds=12.0, sweep_seconds=2.5,
                                            leg="both", first_leg="right"),
                          reminder=Reminder(True, dt.time(18, 30), frozenset({0, 2, 4})))
    dialogs = [("settings-defaults", SettingsDialog(UserSettings())),
               ("settings-custom", SettingsDialog(custom, preview=lambda *a: None))]
    about = AboutDialog(icon=app.windowIcon())
    pending = {name for name, _ in dialogs}

    def snap(name: str, dialog: SettingsDialog) -> None:
        dialog.grab().save(str(OUT / f"{name}.png"))
        dialog.lister.stop()
        pending.discard(name)
        if not pending:
            about.show()
            app.processEvents()
            about.grab().save(str(OUT / "about.png"))
            app.quit()

    for name, dialog in dialogs:
        dialog.show()
        def later(*_a: object, n: str = name, d: SettingsDialog = dialog) -> None:
            QTimer.singleShot(0, lambda: snap(n, d))

        dialog.lister.listed.connect(later)
        dialog.lister.failed.connect(later)
    app.exec()
    for path in sorted(OUT.glob("*.png")):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
