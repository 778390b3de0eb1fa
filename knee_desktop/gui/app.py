"""Start the Qt application and open the main window."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from knee_desktop import APP_ID, __version__


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("knee-desktop")
    app.setApplicationDisplayName("Knee routine")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    return app


def run_app(args: argparse.Namespace) -> int:
    app = make_app()
    window = QMainWindow()
    window.setWindowTitle("Knee routine")
    window.setCentralWidget(QLabel("knee-desktop"))
    window.resize(900, 640)
    window.show()
    return app.exec()
