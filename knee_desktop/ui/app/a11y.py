"""Screen readers during a session: polite announcements of the count, the instruction and
the state, chosen by the "who speaks" setting, and a focus that stays put.

Who speaks (``UserSettings.who_speaks``):
- ``auto`` (default): with no screen reader running, *both* (announcements cost nothing
  when nobody listens, and a screen reader started later hears them); with one running,
  the *app* alone. Why: the app's voice is pre-rendered and placed on the beat; a screen
  reader's queue is not, so its "four of ten" would come late and talk over the count. The
  screen reader still reads every label on demand (their text is their accessible name) and
  focus stays on the Pause button, so no step change fires a focus event.
- ``app``: no announcements.
- ``both``: announcements as well, even with a screen reader running.

Whether a screen reader runs is asked when the window opens and again whenever a session
starts, without waiting (``ask_screen_reader``): until the new answer, the last one holds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

from knee_desktop.desktop.a11y_status import ask_screen_reader
from knee_desktop.plan.timeline import StepSpan
from knee_desktop.session.engine import Cue, Session, State

if TYPE_CHECKING:
    from knee_desktop.ui.session.main_window import MainWindow

log = logging.getLogger(__name__)

COUNT_KINDS = ("rep", "press", "count")


class Announcer(QObject):
    """``announced(str)``: a polite announcement was sent (tests and logs read it)."""

    announced = Signal(str)

    def __init__(self, window: MainWindow, who_speaks: Callable[[], str],
                 ask: Callable[[Callable[[bool], None]], None] = ask_screen_reader) -> None:
        super().__init__(window)
        self.window = window
        self.who_speaks = who_speaks
        self.ask = ask
        self.screen_reader = False
        self.enabled = False
        ask(self._answered)
        ctl = window.driver
        # Connected after the window's own slots: the labels already show the new text.
        ctl.started.connect(self._on_started)
        ctl.cue.connect(self._on_cue)
        ctl.step_started.connect(self._on_step)
        ctl.state_changed.connect(self._on_state)
        ctl.stop_armed.connect(self._on_stop_armed)

    def decide(self) -> bool:
        """Announce during this session? (See the module's docstring.) The screen reader
        is asked again; its answer decides anew when it comes."""
        self._decide()
        self.ask(self._answered)
        return self.enabled

    def _answered(self, running: bool) -> None:
        self.screen_reader = running
        self._decide()

    def _decide(self) -> bool:
        mode = self.who_speaks()
        self.enabled = mode == "both" or (mode == "auto" and not self.screen_reader)
        log.info("who speaks: %s; screen reader %s; announcements %s", mode,
                 "running" if self.screen_reader else "not running",
                 "on" if self.enabled else "off")
        return self.enabled

    def announce(self, text: str) -> None:
        if not self.enabled or not text:
            return
        target = self.window.session_view
        event = QAccessibleAnnouncementEvent(target, text)
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
        QAccessible.updateAccessibility(event)
        self.announced.emit(text)

    def _on_started(self, _session: Session) -> None:
        self.decide()

    def _on_cue(self, cue: Cue) -> None:
        view = self.window.session_view
        if cue.event.kind in COUNT_KINDS:
            self.announce(view.count.text())
        elif cue.event.text:
            self.announce(view.instruction.text())

    def _on_step(self, _span: StepSpan) -> None:
        self.announce(self.window.session_view.instruction.text())

    def _on_state(self, state: State) -> None:
        if state is not State.RUNNING:
            self.announce(self.window.session_view.status.text())

    def _on_stop_armed(self, armed: bool) -> None:
        if armed:
            self.announce(self.window.session_view.status.text())
