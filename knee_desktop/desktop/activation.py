"""Bringing the window forward when a second launch hands over, on X11 and on Wayland.

On X11 ``raise_()`` + ``activateWindow()`` do it. A Wayland compositor lets a window take
focus only with an XDG activation token from whoever launched the app (the launcher puts it
in ``XDG_ACTIVATION_TOKEN``). The second launch takes its token out of its environment and
hands it over with its arguments (:mod:`knee_desktop.desktop.single_instance`); the running
app puts it where Qt's Wayland plugin looks for it (``XDG_ACTIVATION_TOKEN``, read and
cleared by ``QWindow.requestActivate``) and asks for focus. ``raise()`` is not called there:
Wayland has no such request and Qt would only log that.

Whether it worked is checked a moment later: if the window did not become active (no
token, or a compositor without xdg-activation, like Weston 10), a desktop notification says
what happened, so the user is never left wondering (a started session is also heard).
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from knee_desktop.desktop.notify import Notifier

log = logging.getLogger(__name__)

TOKEN_ENV = "XDG_ACTIVATION_TOKEN"
CHECK_MS = 500
STARTED_NOTICE = ("Your knee routine started",
                  "The session started in the knee-desktop window: listen for the cues.")


def take_launch_token() -> str:
    """This launch's activation token (empty if none), removed from the environment so
    that nothing started later reuses it."""
    return os.environ.pop(TOKEN_ENV, "").strip()


def on_wayland() -> bool:
    return QGuiApplication.platformName().startswith("wayland")


class Activator:
    """Brings one window forward; tells with a notification when the desktop would not."""

    def __init__(self, window: QWidget, notifier: Notifier | None = None) -> None:
        self.window = window
        self.notifier = notifier or Notifier(window)
        self.notifier.activated.connect(lambda _key: self.bring_forward())
        self.last_outcome = ""  # "active", "notified", "not shown": for the log and tests

    def bring_forward(self, token: str = "", notice: tuple[str, str] | None = None) -> None:
        """Show, un-minimize and ask for focus (with ``token`` on Wayland). ``notice``
        (title, body) is shown as a notification if the window did not come forward."""
        window = self.window
        window.show()
        if window.isMinimized():
            window.showNormal()
        if on_wayland():
            if token:
                os.environ[TOKEN_ENV] = token  # Qt reads and clears it in requestActivate
            log.info("bringing the window forward on Wayland (%s activation token)",
                     "with an" if token else "without an")
        else:
            window.raise_()
        window.activateWindow()
        title, body = notice or ("knee-desktop is already open",
                                 "Its window could not be brought to the front: find it "
                                 "in the task bar.")
        QTimer.singleShot(CHECK_MS, lambda: self._check(title, body))

    def _check(self, title: str, body: str) -> None:
        os.environ.pop(TOKEN_ENV, None)  # not used by Qt (e.g. the window was not mapped)
        if self.window.isActiveWindow():
            self.last_outcome = "active"
            log.info("the window came forward")
            return
        shown = self.notifier.show(title, body, key="open")
        self.last_outcome = "notified" if shown else "not shown"
        log.info("the window did not come forward; notification %s",
                 "shown" if shown else "not shown (no notification server)")
