"""Eyes-closed keys: Space, R, N or →, I, S or Esc, whatever widget has focus, in every
window of the app.

An event filter on whatever has the keyboard focus (the focused widget, or the active
window when none has focus), moved as the focus moves, rather than QShortcuts: a focused
list, combo box or text view would otherwise take Space or the letters for itself. Not a
filter on the whole application: that would call into Python for every event of every
object (each frame's timers and paints) and cost a launch ~20 ms. Keys are taken only while a
session is running or paused; otherwise they go where they would have gone. Held-down keys
(auto-repeat) count once.

In the main window all of them work. In the app's other windows (History, Settings, About)
Space, N, R and S work too, so the session can be controlled without finding the main
window; Esc and → stay with that window (Esc closes a dialog, → moves in a table), and
while a text or number field has focus its letters and Space are typed, not taken. Message
boxes and the knee-feel question keep all their keys.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from shiboken6 import isValid

from knee_desktop.runtime.driver import SessionDriver
from knee_desktop.runtime.prompts import HOW_TO_START

Key = Qt.Key
KEYS = {
    Key.Key_Space: "toggle_pause",
    Key.Key_R: "repeat",
    Key.Key_N: "skip",
    Key.Key_Right: "skip",
    Key.Key_I: "where_am_i",
    Key.Key_S: "request_stop",
    Key.Key_Escape: "request_stop",
}
MAIN_WINDOW_ONLY = {Key.Key_Right, Key.Key_Escape}
START_KEYS = {Key.Key_Space, Key.Key_Return, Key.Key_Enter}
_OWN_SPACE = ("QAbstractButton", "QAbstractItemView", "QAbstractSlider", "QComboBox")
OWN_KEYS = {"knee-feel"}  # object names of windows that keep every key
_TYPES = (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
_IGNORED_MODIFIERS = Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier


def _is(widget: QObject | None, *classes: str) -> bool:
    """Is ``widget`` one of these Qt classes (or a subclass)? Asked of Qt by name: a
    class imported for ``isinstance`` is built by PySide, with its enums, at launch."""
    return widget is not None and any(widget.inherits(name) for name in classes)


def _types_text(widget: QWidget | None) -> bool:
    """Does the focused widget take typed letters and Space?"""
    if widget is None:
        return False
    if _is(widget, "QLineEdit", "QAbstractSpinBox"):
        return True
    if _is(widget, "QTextEdit", "QPlainTextEdit"):
        return not widget.property("readOnly")
    if _is(widget, "QComboBox"):
        return bool(widget.property("editable"))
    return False


class SessionKeys(QObject):
    def __init__(self, window: QWidget, driver: SessionDriver,
                 start: QAbstractButton | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.driver = driver
        self.start = start  # pressed by Space or Enter while no session runs
        if start is not None:  # "Where am I?" with no session says how to start one
            driver.idle_hint = HOW_TO_START
        self._watched: list[QWidget] = []
        self._app: QApplication | None = None

    # ---- following the keyboard focus ----------------------------------------------------
    def attach(self) -> None:
        """Watch the keys of whatever has the keyboard focus from now on."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        if self._app is None:
            self._app = app
            app.focusChanged.connect(self._follow)
            app.focusWindowChanged.connect(self._follow)
        self._follow()

    def detach(self) -> None:
        """Stop watching (the window closed; closing it again is no matter)."""
        app, self._app = self._app, None
        if app is not None:
            app.focusChanged.disconnect(self._follow)
            app.focusWindowChanged.disconnect(self._follow)
        self._watch([])

    def _follow(self, *_changed: object) -> None:
        """Key events go to the focused widget, else to the active window; and the main
        window itself is always watched (keys sent straight to it, as where no keyboard
        has given it the focus, e.g. a headless compositor)."""
        target = QApplication.focusWidget() or QApplication.activeWindow()
        self._watch([self.window] if target in (None, self.window) else [self.window, target])

    def _watch(self, widgets: list[QWidget]) -> None:
        for old in self._watched:
            if old not in widgets and isValid(old):
                old.removeEventFilter(self)
        for new in widgets:
            new.installEventFilter(self)
        self._watched = widgets

    def starts(self, watched: QObject, event: QKeyEvent) -> bool:
        """Is this Space or Enter for the Start button (no session running)?"""
        start = self.start
        if start is None or Key(event.key()) not in START_KEYS \
                or event.modifiers() & ~_IGNORED_MODIFIERS:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window \
                or QApplication.activeModalWidget() is not None:
            return False
        if not (start.isVisible() and start.isEnabled()):
            return False
        focus = QApplication.focusWidget()
        return focus is start or not (_types_text(focus) or _is(focus, *_OWN_SPACE))

    def takes(self, watched: QObject, key: Key) -> bool:
        """Is ``key`` aimed at ``watched`` a session key (given a session is active)?"""
        if not isinstance(watched, QWidget):
            return False
        top = watched.window()
        if top is self.window:
            return True
        if key in MAIN_WINDOW_ONLY or top.objectName() in OWN_KEYS:
            return False
        if _is(top, "QMessageBox", "QFileDialog"):
            return False
        if top.windowType() not in (Qt.WindowType.Window, Qt.WindowType.Dialog):
            return False  # a pop-up: a menu, a combo box's list
        return not _types_text(QApplication.focusWidget())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in _TYPES:
            return False
        assert isinstance(event, QKeyEvent)
        if not self.driver.active:
            return self._idle_key(watched, event)
        key = Key(event.key())
        action = KEYS.get(key)
        if action is None or event.modifiers() & ~_IGNORED_MODIFIERS:
            return False
        if not self.takes(watched, key):
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # keep it from a focused widget's own shortcut; the press follows
            return True
        if not event.isAutoRepeat():
            getattr(self.driver, action)()
        return True

    def _idle_key(self, watched: QObject, event: QKeyEvent) -> bool:
        if self.driver.ending or not self.starts(watched, event):
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
        elif not event.isAutoRepeat() and self.start is not None:
            self.start.click()
        return True


def say_how_to_start(driver: SessionDriver) -> bool:
    """At launch, once: "Press space to begin." (eyes closed from the first moment). Not
    when a screen reader runs (it reads the focused Start button), with no voice, or when a
    session is already starting. True if said."""
    from knee_desktop.desktop.a11y_status import screen_reader_enabled  # (after the launch)

    voice = driver.voice
    if driver.active or not voice.audible or not voice.speaks or screen_reader_enabled():
        return False
    driver.say(HOW_TO_START)
    return True
