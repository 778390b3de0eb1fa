"""How big a window may open: what it asks for, or less on a screen too small for it.

A window or dialog taller than the screen hides its bottom row (the Save button of the
settings, the control bar) where a keyboard user cannot see it; a 1920×1080 laptop at
200 % is a 960×540 screen.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

WIDTH_SHARE = 0.94  # a main window's first size leaves some desktop in view
HEIGHT_SHARE = 0.86
FRAME = QSize(16, 48)  # a window manager's frame and title bar, at most (about)


def _free(window: QWidget) -> QSize:
    """The free area of the window's screen (no panels); unbounded without a screen."""
    screen = window.screen()
    return QSize(10**6, 10**6) if screen is None else screen.availableGeometry().size()


def room(window: QWidget) -> QSize:
    """The most a window's contents can be on its screen: the free area less the frame
    and title bar the window manager adds."""
    return _free(window) - FRAME


def fitted(window: QWidget, wanted: QSize) -> QSize:
    """A main window's first size: ``wanted``, each side cut to its share of the screen's
    free area."""
    free = _free(window)
    return QSize(min(wanted.width(), int(free.width() * WIDTH_SHARE)),
                 min(wanted.height(), int(free.height() * HEIGHT_SHARE)))


def within(window: QWidget, wanted: QSize) -> QSize:
    """A dialog's size: ``wanted``, or all the :func:`room` there is."""
    return wanted.boundedTo(room(window))


def size_to_contents(window: QWidget) -> None:
    """Resize a dialog of wrapped words to show them all, within the screen's room: wider
    than it asks if its words are too tall for the screen at that width.

    Qt's own first size for a window caps its width at two thirds of the screen and takes
    the height its wrapped labels need at the layout's least width, not at that width: with
    a large font the About dialog cut its safety words in half."""
    hint = window.sizeHint().expandedTo(window.minimumSize())
    most = room(window)
    width = min(hint.width(), most.width())
    if not window.hasHeightForWidth():
        window.resize(within(window, hint))
        return
    while window.heightForWidth(width) > most.height() and width < most.width():
        width = min(most.width(), width + 40)
    window.resize(within(window, QSize(width, window.heightForWidth(width))))
