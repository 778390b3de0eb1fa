"""Start the Qt application and open the main window."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget

from knee_desktop import APP_ID, __version__
from knee_desktop.app_command import app_command
from knee_desktop.core import paths, user_settings
from knee_desktop.core.reminder import set_autostart
from knee_desktop.core.user_settings import Reminder
from knee_desktop.gui.reminder import ReminderController

log = logging.getLogger(__name__)

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("knee-desktop")
    app.setApplicationDisplayName("Knee routine")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    """The installed theme icon if there is one, else the shipped PNGs (and the SVG)."""
    icon = QIcon()
    hicolor = paths.assets_dir() / "icons" / "hicolor"
    for size in ICON_SIZES:
        png = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        if png.is_file():
            icon.addFile(str(png))
    return QIcon.fromTheme(APP_ID, icon)


def bring_to_front(window: QWidget) -> None:
    """Show, un-minimize and raise (a Wayland compositor may only flash it in the task bar)."""
    window.show()
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()


def parse_handed_over(argv: list[str]) -> argparse.Namespace | None:
    """Arguments from a second launch, parsed like our own; ``None`` if they are not valid."""
    from knee_desktop.cli.main import build_parser

    try:
        return build_parser().parse_args(argv)
    except SystemExit:  # argparse exits on bad arguments; never let that end this instance
        log.warning("ignored bad arguments from another launch: %s", argv)
        return None


def start_reminder(app: QApplication, reminder: Reminder,
                   open_window: Callable[[], None]) -> ReminderController:
    """The daily reminder, following the saved settings (it does nothing while off).

    With the reminder on and a tray available, closing the window leaves the app in the
    tray; call :func:`apply_reminder` again after the settings change.
    """
    controller = ReminderController(app.windowIcon(), parent=app)
    controller.open_requested.connect(open_window)
    apply_reminder(app, controller, reminder)
    return controller


def apply_reminder(app: QApplication, controller: ReminderController,
                   reminder: Reminder) -> None:
    controller.apply(reminder)
    app.setQuitOnLastWindowClosed(controller.tray is None)
    try:
        set_autostart(reminder.enabled, app_command("--tray"))
    except OSError as exc:
        log.warning("could not update the login entry for the reminder: %s", exc)


def run_app(args: argparse.Namespace) -> int:
    from knee_desktop.gui.settings_dialog import show_settings_problems
    from knee_desktop.gui.single_instance import claim_or_hand_over

    app = make_app()
    instance = claim_or_hand_over(list(getattr(args, "argv", [])))
    if instance is None:
        print("knee-desktop is already open: it was brought to the front.")
        return 0

    # --- placeholder window: the real main window replaces this block ------------------
    window = QMainWindow()
    window.setWindowTitle("Knee routine")
    label = QLabel("knee-desktop")
    window.setCentralWidget(label)
    window.resize(900, 640)

    def act_on(launch: argparse.Namespace) -> None:
        # The real window: select launch.start and begin it, with
        # settings_from_args(launch, saved_settings().to_plan_settings()).
        if launch.start:
            label.setText(f"Would start {launch.start}")

    # -------------------------------------------------------------------------------------

    def handed_over(argv: list[str]) -> None:
        launch = parse_handed_over(argv)
        bring_to_front(window)
        if launch is not None:
            act_on(launch)

    instance.received.connect(handed_over)
    app.aboutToQuit.connect(instance.close)

    loaded = user_settings.load()
    for line in loaded.messages:
        log.warning("%s", line)
    reminder = start_reminder(app, loaded.settings.reminder, lambda: bring_to_front(window))
    if not (args.tray and reminder.tray is not None):
        window.show()
        act_on(args)
    if loaded.messages:
        show_settings_problems(window, loaded.messages)
    if args.quit_after_show:
        QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
    return app.exec()
