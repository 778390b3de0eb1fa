"""Spoken commands in the window: the listener, its sign on screen and in MPRIS.

On while Settings → "Listen for spoken commands" is checked or the window was opened with
``--listen``. "start" on the ready screen presses Start; in a session the commands do what
their keys do (``runtime/voice_commands.py``). While it listens, the status bar shows a
"Listening" sign (a red dot, its words for screen readers) and the MPRIS metadata carry
``knee:listening = "yes"`` so a desktop's media widget can show it too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

from knee_desktop.common.errors import KneeError
from knee_desktop.prefs import user_settings as us
from knee_desktop.runtime.listener import LISTENING, STARTING, Listener
from knee_desktop.runtime.voice_commands import VoiceCommands

if TYPE_CHECKING:
    from knee_desktop.ui.app.media_link import MediaLink
    from knee_desktop.ui.session.main_window import MainWindow

SIGN = "● Listening"
SIGN_TIP = ("Listening for spoken commands. The microphone's sound is recognised on this "
            "computer and never saved. Turn it off in Settings.")


class WindowListening:
    def __init__(self, window: MainWindow, media: MediaLink | None = None,
                 forced: bool = False) -> None:
        self.window = window
        self.forced = forced  # --listen: on for this run whatever the settings say
        self.media = media
        self.listener = Listener(window)
        self.listener.setObjectName("listener")
        self.commands = VoiceCommands(window.driver, self.listener, window.controls.start.click,
                                      parent=window)
        self.sign = QLabel(SIGN)
        self.sign.setObjectName("listening-sign")
        self.sign.setAccessibleName("Listening for spoken commands")
        self.sign.setToolTip(SIGN_TIP)
        self.sign.setStyleSheet("color: #c62828; font-weight: bold;")
        self.sign.hide()
        window.statusBar().addPermanentWidget(self.sign)
        self.listener.status.connect(self._show)

    @classmethod
    def start(cls, app: QCoreApplication, window: MainWindow, media: MediaLink | None,
              forced: bool, settings: us.UserSettings
              ) -> tuple[WindowListening, us.UserSettings]:
        """Listening for the app's window, as ``settings`` (or ``--listen``) say; stopped
        when the app quits. Returns it and the settings to keep."""
        listening = cls(window, media, forced)
        app.aboutToQuit.connect(listening.close)
        return listening, listening.apply(settings)

    def apply(self, settings: us.UserSettings) -> us.UserSettings:
        """Listen or not, as the settings (or ``--listen``) say; the first time it is on,
        say what it does and remember that it was said. Returns the settings to keep."""
        on = settings.listen or self.forced
        if not on:
            self.commands.end()
            return settings
        if self.listener.state in (LISTENING, STARTING):
            return settings
        self.commands.begin(explain=not settings.listen_explained)
        if settings.listen_explained:
            return settings
        kept = replace(settings, listen_explained=True)
        try:
            us.save(kept)
        except (KneeError, OSError):
            return settings  # said again next time: better than never
        return kept

    def close(self) -> None:
        self.commands.end()

    def _show(self, state: str) -> None:
        on = state == LISTENING
        if on:
            self.window.statusBar().show()  # made after the window was shown: hidden
        self.sign.setVisible(on)
        if self.media is not None:
            extra = dict(self.media.player.state.extra)
            if on:
                extra["knee:listening"] = "yes"
            else:
                extra.pop("knee:listening", None)
            self.media.player.update(extra=extra)
