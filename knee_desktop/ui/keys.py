"""Eyes-closed keys: Space, R, N or →, I, Esc, whatever widget has focus.

An application event filter rather than QShortcuts: a focused list, combo box or text
view would otherwise take Space or the letters for itself. Keys are taken only while a
session is running or paused and only for events aimed at the main window; otherwise
they go where they would have gone. Held-down keys (auto-repeat) count once.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from knee_desktop.runtime.driver import SessionDriver

Key = Qt.Key
KEYS = {
    Key.Key_Space: "toggle_pause",
    Key.Key_R: "repeat",
    Key.Key_N: "skip",
    Key.Key_Right: "skip",
    Key.Key_I: "where_am_i",
    Key.Key_Escape: "request_stop",
}
_TYPES = (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
_IGNORED_MODIFIERS = Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier


class SessionKeys(QObject):
    def __init__(self, window: QWidget, driver: SessionDriver) -> None:
        super().__init__(window)
        self.window = window
        self.driver = driver

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in _TYPES or not self.driver.active:
            return False
        assert isinstance(event, QKeyEvent)
        action = KEYS.get(Key(event.key()))
        if action is None or event.modifiers() & ~_IGNORED_MODIFIERS:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # keep it from a focused widget's own shortcut; the press follows
            return True
        if not event.isAutoRepeat():
            getattr(self.driver, action)()
        return True
