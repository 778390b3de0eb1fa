"""The About dialog: version, where the log is, and the guide's safety words."""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from knee_desktop import APP_ID, __version__
from knee_desktop.common.logging_setup import log_file
from knee_desktop.ui.screen_room import size_to_contents
from knee_desktop.ui.text import escaped, our_html

SAFETY = ("Only move to a point of resistance, never to a point of pain. "
          "If you have pain, make the move smaller.")
DOCTOR = ("This app is not a replacement for your doctor. "
          "If you have questions, please ask them.")
SOURCE = "The routine follows the guide “Natural Relief for Knee Pain”."


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, icon: QIcon | None = None,
                 log_path: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Knee routine")
        self.setAccessibleName("About Knee routine")
        self.log_path = log_path or log_file()

        header = QHBoxLayout()
        if icon is not None and not icon.isNull():
            picture = QLabel()
            picture.setPixmap(icon.pixmap(64, 64))
            picture.setAccessibleName("Knee routine icon")
            header.addWidget(picture)
        title = our_html(QLabel(f"<h2>Knee routine</h2>knee-desktop {escaped(__version__)}"))
        header.addWidget(title, 1)

        summary = QLabel("A guided knee routine with spoken cues: lie down, close your eyes "
                         "and follow the voice. " + SOURCE)
        summary.setWordWrap(True)

        safety = our_html(QLabel(f"<p><b>{escaped(SAFETY)}</b></p>"
                                 f"<p>{escaped(DOCTOR)}</p>"))
        safety.setWordWrap(True)
        safety.setObjectName("safety")
        safety.setAccessibleName("Safety")
        safety.setAccessibleDescription(f"{SAFETY} {DOCTOR}")
        safety.setStyleSheet("#safety { background: palette(alternate-base);"
                             " border-left: 4px solid #d98c1f; padding: 8px; }")

        log_label = QLabel(f"Log file: {self.log_path}")
        log_label.setTextFormat(Qt.TextFormat.PlainText)  # a path may look like HTML
        log_label.setWordWrap(True)
        log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        log_label.setAccessibleDescription("Include this file when you report a problem.")
        log_label.setToolTip("Include this file when you report a problem.")
        self.log_label = log_label

        details = QLabel(f"App id {APP_ID} · Python {platform.python_version()} · "
                         f"Qt {qVersion()}")
        details.setAccessibleDescription("Technical details")
        details.setStyleSheet("color: palette(placeholder-text);")
        details.setWordWrap(True)

        buttons = self._buttons()

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(summary)
        layout.addWidget(safety)
        layout.addWidget(log_label)
        layout.addWidget(details)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        size_to_contents(self)

    def _buttons(self) -> QDialogButtonBox:
        open_logs = QPushButton("Open log folder")
        open_logs.setAccessibleName("Open log folder")
        open_logs.setToolTip(f"Open {self.log_path.parent} in the file manager")
        open_logs.clicked.connect(self.open_log_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(open_logs, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.setToolTip("Close this window")
        return buttons

    def open_log_folder(self) -> bool:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_path.parent)))
