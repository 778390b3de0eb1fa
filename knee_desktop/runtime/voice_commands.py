"""Spoken commands do what their keys do, through the one session driver.

"pause" (Space while running), "go on" / "resume" (Space while paused), "where am I" (I),
"repeat" (R), "next" (N), "stop" (Esc: asks "Say stop again to stop.", a second "stop"
within a few seconds stops), and "start" on the ready screen (the Start button, given as
*start*). Each is confirmed aloud exactly as its key is, by the driver.

The first time listening is switched on, the app says what it does and that the audio
stays on this computer (:data:`INTRO`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from knee_desktop.runtime.driver import SessionDriver
from knee_desktop.runtime.listener import Listener
from knee_desktop.runtime.prompts import SAY_STOP_AGAIN
from knee_desktop.session.engine import State

log = logging.getLogger(__name__)

INTRO = ("Listening for spoken commands: say pause, go on, where am I, repeat, next or stop. "
         "What the microphone hears stays on this computer and is never saved.")
# A second "stop" within this long stops: the question takes ~1.6 s to say, the answer
# must wait for it to end (the gate), and one more try should fit.
SPOKEN_STOP_SECONDS = 8.0
SPOKEN = ("pause", "go on", "resume", "where am I", "repeat", "next", "stop", "start")


class VoiceCommands(QObject):
    done = Signal(str)  # a command about to be carried out (its answer follows)

    def __init__(self, driver: SessionDriver, listener: Listener,
                 start: Callable[[], None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.driver = driver
        self.listener = listener
        self.start_session = start
        listener.heard.connect(self.act)
        listener.problem.connect(driver.tell)  # shown and said: eyes may be closed
        placed = getattr(driver.voice, "placed", None)  # a voice that plays real clips
        if placed is not None:
            placed.connect(listener.own)
        driver.started.connect(lambda _s: listener.set_mode("session"))
        driver.done.connect(lambda _s: listener.set_mode("ready"))

    def begin(self, explain: bool = False) -> None:
        """Start listening; ``explain``: the first time, say what listening means."""
        self.listener.set_mode("session" if self.driver.active else "ready")
        self.listener.start()
        if explain and self.listener.state != "unavailable":
            self.driver.tell(INTRO)

    def end(self) -> None:
        self.listener.stop()

    def act(self, command: str) -> None:
        """Carry out ``command`` as its key would; one that does not apply now is ignored."""
        d = self.driver
        state = d.state if d.active else None
        action: Callable[[], object] | None = {
            "pause": d.toggle_pause if state is State.RUNNING else None,
            "resume": d.toggle_pause if state is State.PAUSED else None,
            "where": d.where_am_i if state is not None else None,
            "repeat": d.repeat if state is not None else None,
            "next": d.skip if state is not None else None,
            "stop": ((lambda: d.request_stop(SAY_STOP_AGAIN, SPOKEN_STOP_SECONDS))
                     if state is not None else None),
            "start": self.start_session if state is None and not d.ending else None,
        }.get(command)
        if action is None:
            log.info("spoken %r does not apply now", command)
            return
        self.done.emit(command)
        action()
