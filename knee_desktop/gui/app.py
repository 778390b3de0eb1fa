"""Start the Qt application and open the main window."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from knee_desktop import APP_ID, __version__
from knee_desktop.voice.base import SilentVoice, Voice

if TYPE_CHECKING:
    from knee_desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("knee-desktop")
    app.setApplicationDisplayName("Knee routine")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    return app


def voice_factory_for(args: argparse.Namespace) -> Callable[[], Voice]:
    """Which voice the window gets. ``--silent``: none, knowingly.

    Seam for the lead: return the real (pre-rendered pyttsx3 + QtMultimedia) voice here
    when ``--silent`` is not given. Until then every voice is silent, and says so.
    """
    if getattr(args, "silent", False):
        return SilentVoice
    log.warning("knee-desktop: the real voice is not wired yet; running silently")
    return SilentVoice


def open_window(args: argparse.Namespace, **kwargs: Any) -> MainWindow:
    """Make and show the window; with ``--start ROUTINE`` the session starts as soon as the
    window is up (its lead-in tells the user how to lie and counts in)."""
    from knee_desktop.cli.options import settings_from_args
    from knee_desktop.core.loader import load_catalog
    from knee_desktop.gui.main_window import MainWindow

    make_app()
    settings = settings_from_args(args) if hasattr(args, "reps") else None
    window = MainWindow(load_catalog(), voice_factory_for(args), settings=settings, **kwargs)
    start = getattr(args, "start", None)
    if start:
        window.choose_routine(start)  # an unknown name raises before the window shows
    window.show()
    if start:
        QTimer.singleShot(0, window.start_session)
    return window


def run_app(args: argparse.Namespace) -> int:
    app = make_app()
    window = open_window(args)
    code = app.exec()
    del window
    return code
