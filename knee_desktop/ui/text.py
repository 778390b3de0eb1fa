"""Small text helpers shared by the widgets."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QProxyStyle


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
# every tooltip is plain text too.
OUR_HTML = "knee_our_html"


def our_html(label: QLabel) -> QLabel:
    """Mark ``label`` as showing HTML the app wrote, with every user text in it escaped
    (``html.escape``)."""
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setProperty(OUR_HTML, True)
    return label


class PlainTextStyle(QProxyStyle):
    """The application's style, which also makes a label or message box left to guess
    (AutoText) plain text when it is polished, before it is first shown or laid out.

    A style rather than an application event filter: Qt polishes each widget once, while a
    filter in Python sees every event of every object (each frame's timers and paints),
    and making the first of them Python objects cost a launch ~20 ms."""

    def polish(self, target: Any) -> Any:  # QWidget, QApplication or QPalette
        if isinstance(target, QLabel | QMessageBox) \
                and target.textFormat() == Qt.TextFormat.AutoText:
            target.setTextFormat(Qt.TextFormat.PlainText)
        return super().polish(target)


def guard_plain_text(app: QApplication, style: str | None = None) -> PlainTextStyle:
    """Give ``app`` the :class:`PlainTextStyle` over its own style (or the style named
    ``style``, e.g. "Fusion"); returns it. Use this, not ``app.setStyle``, to change the
    style: a plain style would drop the guard."""
    current = app.style()
    if isinstance(current, PlainTextStyle) and style is None:
        return current
    guarded = PlainTextStyle(style or style_name(app))
    app.setStyle(guarded)
    return guarded


def style_name(app: QApplication) -> str:
    """The name of the style ``app`` draws with ("fusion"), under the guard if any."""
    current = app.style()
    return (current.baseStyle() if isinstance(current, PlainTextStyle) else current).name()
