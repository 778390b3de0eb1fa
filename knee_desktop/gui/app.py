"""Start the Qt application and open the main window."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from knee_desktop import APP_ID, __version__
from knee_desktop.app_command import app_command
from knee_desktop.core import paths, user_settings
from knee_desktop.core.errors import KneeError
from knee_desktop.core.reminder import set_autostart
from knee_desktop.core.user_settings import Reminder
from knee_desktop.gui.reminder import ReminderController
from knee_desktop.voice.base import NoAudioVoice, SilentVoice, Voice

if TYPE_CHECKING:
    from knee_desktop.gui.main_window import MainWindow

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


def voice_factory_for(args: argparse.Namespace,
                      saved: user_settings.UserSettings | None = None) -> Callable[[], Voice]:
    """Which voice the window gets: pre-rendered speech (or tones) played on the beat;
    ``--silent``: none, knowingly; no audio output: a :class:`NoAudioVoice` that says why."""
    if getattr(args, "silent", False):
        return SilentVoice

    def make() -> Voice:
        from knee_desktop.voice.player import AudioUnavailable
        from knee_desktop.voice.speaking import choose_voice, voice_settings

        try:
            choice = choose_voice(settings=voice_settings(saved) if saved else None,
                                  tones=saved.tones if saved else False)
        except AudioUnavailable as exc:
            log.warning("%s", exc)
            return NoAudioVoice(str(exc))
        choice.voice.notes.extend(choice.notes)
        return choice.voice

    return make


def start_soon(window: MainWindow) -> None:
    """Start the chosen routine once the event loop runs, unless nothing could be heard:
    then the window already says why, and the user starts it knowingly with Start."""
    if not isinstance(window.voice, NoAudioVoice):
        QTimer.singleShot(0, window.start_session)


def open_window(args: argparse.Namespace, saved: user_settings.UserSettings | None = None,
                show: bool = True, **kwargs: Any) -> MainWindow:
    """Make the window and show it; with ``--start ROUTINE`` the session starts as soon as
    the window is up (its lead-in tells the user how to lie and counts in)."""
    from knee_desktop.cli.options import settings_from_args
    from knee_desktop.core.loader import load_catalog
    from knee_desktop.gui.main_window import MainWindow

    make_app()
    base = saved.to_plan_settings() if saved is not None else None
    settings = settings_from_args(args, base) if hasattr(args, "reps") else base
    window = MainWindow(load_catalog(), voice_factory_for(args, saved), settings=settings,
                        **kwargs)
    start = getattr(args, "start", None)
    if start:
        window.choose_routine(start)  # an unknown name raises before the window shows
    if show:
        window.show()
    if start:
        start_soon(window)
    return window


def run_app(args: argparse.Namespace) -> int:
    from knee_desktop.cli.options import settings_from_args
    from knee_desktop.gui.desktop_wiring import wire_window
    from knee_desktop.gui.settings_dialog import show_settings_problems
    from knee_desktop.gui.single_instance import claim_or_hand_over

    app = make_app()
    instance = claim_or_hand_over(list(getattr(args, "argv", [])))
    if instance is None:
        print("knee-desktop is already open: it was brought to the front.")
        return 0

    loaded = user_settings.load()
    for line in loaded.messages:
        log.warning("%s", line)
    tray_only = bool(args.tray)
    window = open_window(args if not tray_only else _without_start(args), loaded.settings,
                         show=not tray_only)
    wiring = wire_window(window, loaded.settings)

    def act_on(launch: argparse.Namespace) -> None:
        """A second launch's ``--start``: a bad routine or option is said, not raised."""
        if not launch.start or window.controller.active:
            return
        try:
            base = wiring.settings.to_plan_settings()
            window.set_plan_settings(settings_from_args(launch, base))
            window.choose_routine(launch.start)
        except KneeError as exc:
            wiring.tell(str(exc))
            return
        start_soon(window)

    def handed_over(argv: list[str]) -> None:
        launch = parse_handed_over(argv)
        bring_to_front(window)
        if launch is not None:
            act_on(launch)

    instance.received.connect(handed_over)
    app.aboutToQuit.connect(instance.close)
    reminder = start_reminder(app, loaded.settings.reminder, lambda: bring_to_front(window))
    wiring.reminder = reminder
    if tray_only and reminder.tray is None:
        bring_to_front(window)  # no tray to live in: show the window after all
    if loaded.messages:
        show_settings_problems(window, loaded.messages)
    if args.quit_after_show:
        QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
    return app.exec()


def _without_start(args: argparse.Namespace) -> argparse.Namespace:
    copy = argparse.Namespace(**vars(args))
    copy.start = None
    return copy
