"""Small text helpers shared by the widgets."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel


def clock_text(seconds: float) -> str:
    """``75.2`` → ``"1:16"`` (rounded up: time left never shows 0:00 too early)."""
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"


BASE_SCALE = 1.25  # the window's text is larger than the desktop's: read from the floor


def scaled_font(factor: float = 1.0, bold: bool = False) -> QFont:
    """The application font, made ``BASE_SCALE * factor`` larger."""
    font = QFont(QApplication.font())
    font.setPointSizeF(max(font.pointSizeF(), 9.0) * BASE_SCALE * factor)
    font.setBold(bold)
    return font


# --- text from users and files is shown as text, never as HTML ---------------------------
# Qt takes a label's, a message box's or a tooltip's text for HTML when it merely looks like
# it; HTML can load images (<img src='/dev/zero'> reads without end) and style sheets. So
# every label and message box is plain text unless it is marked as our own HTML (in which
# every user text is escaped). A tooltip is shown by a label of Qt's own (QTipLabel), so
# every tooltip is plain text too. The guard is in ui/plain_text.py.
OUR_HTML = "knee_our_html"


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escaped(text: str) -> str:
    """``html.escape(text)``, the same characters the same way, without importing ``html``
    (its table of entities cost a launch ~1.5 ms)."""
    return text.translate(_ESCAPES)


def our_html(label: QLabel) -> QLabel:
    """Mark ``label`` as showing HTML the app wrote, with every user text in it escaped
    (:func:`escaped`)."""
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setProperty(OUR_HTML, True)
    return label
