"""How big a window may open: what it asks for, or less on a screen too small for it.

A window or dialog taller than the screen hides its bottom row (the Save button of the
settings, the control bar) where a keyboard user cannot see it; a 1920×1080 laptop at
200 % is a 960×540 screen. The shares leave room for panels and the title bar.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

WIDTH_SHARE = 0.94
HEIGHT_SHARE = 0.86


def fitted(window: QWidget, wanted: QSize) -> QSize:
    """``wanted``, each side cut to its share of the window's screen's free area."""
    screen = window.screen()
    if screen is None:
        return wanted
    room = screen.availableGeometry().size()
    return QSize(min(wanted.width(), int(room.width() * WIDTH_SHARE)),
                 min(wanted.height(), int(room.height() * HEIGHT_SHARE)))


def size_to_contents(window: QWidget) -> None:
    """Resize a dialog of wrapped words to show them all, within the screen's room: wider
    than it asks if its words are too tall for the screen at that width.

    Qt's own first size for a window caps its width at two thirds of the screen and takes
    the height its wrapped labels need at the layout's least width, not at that width: with
    a large font the About dialog cut its safety words in half."""
    hint = window.sizeHint().expandedTo(window.minimumSize())
    most = fitted(window, QSize(10**6, 10**6))
    width = min(hint.width(), most.width())
    if not window.hasHeightForWidth():
        window.resize(fitted(window, hint))
        return
    while window.heightForWidth(width) > most.height() and width < most.width():
        width = min(most.width(), width + 40)
    window.resize(fitted(window, QSize(width, window.heightForWidth(width))))
