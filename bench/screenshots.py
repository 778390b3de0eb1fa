"""`make screenshots`: the real window under Xvfb, every main screen in every palette.

Starts its own Xvfb (``-displayfd`` picks a free display), runs itself inside it with a
driver's fake timers stepped to chosen timeline positions and a throw-away history (temporary XDG
directories: no real user data is read or written), and saves PNGs named
``SIZE-PALETTE-SCREEN.png`` in ``docs/screenshots/``. Stops the Xvfb it started, by its pid.

Screens: idle, sweep, circle, still, press (thigh massage), finished, knee question,
history, settings. Palettes: light, dark, high-contrast. Sizes: 1366×768 and 800×560.

    python -m bench.screenshots [--out docs/screenshots] [--only SCREEN ...]
        [--palettes light dark high-contrast] [--sizes 1366x768 800x560]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bench.labs import REPO
from bench.labs.xvfb import run_module_in_xvfb

SCREENS = ("idle", "sweep", "circle", "still", "press", "finished", "knee-question",
           "history", "settings")
SIZES = ("1366x768", "800x560")
PALETTES = ("light", "dark", "high-contrast")


# ---- inside Xvfb ----------------------------------------------------------------------------
def child(out: Path, only: list[str], palettes: list[str], sizes: list[str]) -> int:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from bench.labs.screens import go_to_screen, make_window
    from knee_desktop.history.store import HistoryStore
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.ui.app.launch import make_app
    from knee_desktop.ui.dialogs.knee_feel import KneeFeelDialog
    from knee_desktop.ui.history.window import HistoryWindow
    from knee_desktop.ui.plain_text import guard_plain_text
    from knee_desktop.ui.settings.dialog import SettingsDialog
    from knee_desktop.ui.theme import named_palette

    app = make_app()
    guard_plain_text(app, "Fusion")
    out.mkdir(parents=True, exist_ok=True)
    wanted = [s for s in SCREENS if not only or s in only]

    def save(widget: QWidget, name: str) -> None:
        QTest.qWait(80)  # let the event loop lay out and paint
        screen = widget.screen()
        image = screen.grabWindow(widget.winId())
        path = out / f"{name}.png"
        image.save(str(path))
        print(path)

    history = Path(os.environ["XDG_DATA_HOME"]) / "seeded.sqlite3"
    store = HistoryStore(history)
    from bench.labs.history_data import fake_history

    fake_history(store, days=60)  # imports the sessions into the store
    for palette in palettes:
        QApplication.setPalette(named_palette(palette))
        for size in sizes:
            w, h = (int(v) for v in size.split("x"))
            for screen in wanted:
                name = f"{size}-{palette}-{screen}"
                if screen == "knee-question":
                    dialog = KneeFeelDialog(when="after")
                    dialog.show()
                    QTest.qWaitForWindowExposed(dialog)
                    dialog.buttons.button(3).setChecked(True)
                    save(dialog, name)
                    dialog.close()
                    continue
                if screen == "history":
                    window_h = HistoryWindow(store)
                    window_h.resize(w, h)
                    window_h.show()
                    QTest.qWaitForWindowExposed(window_h)
                    QTest.qWait(300)
                    save(window_h, name)
                    window_h.close()
                    continue
                if screen == "settings":
                    settings = SettingsDialog(UserSettings())
                    settings.show()
                    QTest.qWaitForWindowExposed(settings)
                    QTest.qWait(1500)  # the voice list from its worker process
                    save(settings, name)
                    settings.lister.stop()
                    settings.close()
                    continue
                window, timers = make_window()
                window.resize(w, h)
                window.show()
                QTest.qWaitForWindowExposed(window)
                go_to_screen(window, timers, screen)
                save(window, name)
                window.driver.close()  # a session ends without the "stop and close?" question
                window.close()
    store.close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", default=[], choices=SCREENS)
    parser.add_argument("--palettes", nargs="*", default=list(PALETTES), choices=PALETTES)
    parser.add_argument("--sizes", nargs="*", default=list(SIZES))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    rest = ["--out", str(args.out.resolve()), "--palettes", *args.palettes, "--sizes", *args.sizes]
    if args.only:
        rest += ["--only", *args.only]
    if args.child:
        return child(args.out, args.only, args.palettes, args.sizes)
    return run_module_in_xvfb("bench.screenshots", "--child", *rest, timeout=900)


if __name__ == "__main__":
    sys.exit(main())
