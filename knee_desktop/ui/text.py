"""Small text helpers shared by the widgets."""

from __future__ import annotations

import math

from PySide6 import QtGui
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QHelpEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolTip, QWidget


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
# every user text is escaped), and a tooltip that looks like HTML is shown as text.
OUR_HTML = "knee_our_html"


def our_html(label: QLabel) -> QLabel:
    """Mark ``label`` as showing HTML the app wrote, with every user text in it escaped
    (``html.escape``)."""
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setProperty(OUR_HTML, True)
    return label


def plain_tip(text: str) -> str:
    """A tooltip (or item tooltip) that shows ``text`` as it is, even if it looks like HTML."""
    return QtGui.Qt.convertFromPlainText(text) if QtGui.Qt.mightBeRichText(text) else text


class PlainTextGuard(QObject):
    """Installed on the application: a label or message box left to guess (AutoText) is made
    plain text before it is first shown, and a widget's tooltip that looks like HTML is
    shown as text. Our own HTML is marked with :func:`our_html`."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, QLabel | QMessageBox):
            if watched.textFormat() == Qt.TextFormat.AutoText:
                watched.setTextFormat(Qt.TextFormat.PlainText)
        elif kind == QEvent.Type.ToolTip and isinstance(watched, QWidget):
            tip = watched.toolTip()
            if tip and QtGui.Qt.mightBeRichText(tip) and isinstance(event, QHelpEvent):
                QToolTip.showText(event.globalPos(), plain_tip(tip), watched)
                return True
        return False


def guard_plain_text(app: QApplication) -> PlainTextGuard:
    """Install the :class:`PlainTextGuard` on ``app`` once; returns it."""
    guard = app.findChild(PlainTextGuard, "plain-text-guard")
    if guard is None:
        guard = PlainTextGuard(app)
        guard.setObjectName("plain-text-guard")
        app.installEventFilter(guard)
    return guard
