"""Text from users and files is shown as text, never as HTML: the guard.

Qt takes a label's, a message box's or a tooltip's text for HTML when it merely looks like
it; HTML can load images (``<img src='/dev/zero'>`` reads without end) and style sheets. So
every label and message box left to guess (AutoText) is made plain text, unless it is
marked as our own HTML (:func:`knee_desktop.ui.text.our_html`, in which every user text is
escaped). A tooltip is shown by a label of Qt's own (QTipLabel), so every tooltip is plain
text too.

The application's style does it (:class:`PlainTextStyle`) when Qt polishes a widget, before
it is first shown or laid out. A launch installs it just after the window's first frame
(``ui/app/launch.py``): a style in Python is handed every widget Qt polishes, and for a
widget of a class PySide does not know (Qt's private ones, inside a combo box) PySide first
builds the type of every QWidget subclass to find out which it is (~10 ms with QStyle's
own). Until then the window's own labels say their text format themselves
(tests/test_hostile_rich_text.py checks that none is left to guess).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QProxyStyle


def make_plain(target: object) -> None:
    """A label or message box left to guess (AutoText) shows plain text."""
    if isinstance(target, QLabel | QMessageBox) \
            and target.textFormat() == Qt.TextFormat.AutoText:
        target.setTextFormat(Qt.TextFormat.PlainText)


class PlainTextStyle(QProxyStyle):
    """The application's style, which also makes a label or message box left to guess
    (AutoText) plain text when it is polished, before it is first shown or laid out.

    A style rather than an application event filter: Qt polishes each widget once, while a
    filter in Python sees every event of every object (each frame's timers and paints),
    and making the first of them Python objects cost a launch ~20 ms."""

    def polish(self, target: Any) -> Any:  # QWidget, QApplication or QPalette
        make_plain(target)
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
