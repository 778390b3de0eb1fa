"""Settings → "Listen for spoken commands" (docs/voice.md, "Listening"): off unless chosen.

Its tooltip says what it does and that the microphone's sound stays on this computer; when
pocketsphinx (the optional ``listen`` extra) is missing, the box says so and stays usable,
so the choice is kept for when it is installed.
"""

from __future__ import annotations

import importlib.util

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QWidget

TIP = ("Say pause, go on, where am I, repeat, next or stop during a session, and start on "
       "the ready screen. Recognised on this computer: the microphone's sound is never saved "
       "or sent anywhere, and a Listening sign shows while it is on.")


def listen_box(parent: QWidget | None = None) -> QCheckBox:
    box = QCheckBox("Listen for spoken commands", parent)
    box.setObjectName("listen")
    box.setAccessibleName("Listen for spoken commands")
    missing = importlib.util.find_spec("pocketsphinx") is None
    box.setToolTip(TIP + (" Needs the optional pocketsphinx package, which is not installed."
                          if missing else ""))
    box.setAccessibleDescription(box.toolTip())
    return box


def beside(left: QWidget, right: QWidget) -> QWidget:
    """Two check boxes on one row: the dialog must stay within a small laptop's height
    (tests/test_screen_fit.py)."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(left)
    layout.addWidget(right)
    layout.addStretch(1)
    return row
