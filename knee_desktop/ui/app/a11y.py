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
starts (and before the knee question), without waiting (``ask_screen_reader``: a service
that hangs must not hold up the first cue); until the new answer, the last one holds.
Polite announcements reach screen readers that listen for AT-SPI ``object:announcement``
(Orca 45 and later); Orca 43 (Debian 12) does not, and drops them unheard
(``bench/labs/orca.py``). For such a reader the text is also given as the accessible
description of the focused control (the Pause button during a session, the knee question
itself), which every Orca presents when it changes; asked from the AT-SPI registry when a
reader is first found, so a newer reader never hears it twice. A new state is told before
the window moves the focus (``MainWindow.state_shown``): at the end the focus goes to "Back
to routines", and Orca 43 reads a control's description when the focus reaches it *and*
again for a change that came after the move, so the end was heard twice there.
While no control of the app has the focus (the knee question has just closed and the window
manager has not yet given the window the focus back; on a busy machine that took seconds,
and the routine's safety words went unheard) the words wait, and are given one by one to the
control that gets the focus, just after it gets it: those of the current step only, and no
count (a count heard late is wrong).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from knee_desktop.desktop.a11y_status import ask_screen_reader, listens_for_announcements
from knee_desktop.plan.timeline import StepSpan
from knee_desktop.session.engine import Cue, Session, State

if TYPE_CHECKING:
    from knee_desktop.ui.session.main_window import MainWindow

log = logging.getLogger(__name__)

COUNT_KINDS = ("rep", "press", "count")
UNHEARD_MAX = 20  # words kept for a reader while nothing has the focus (one step's worth)


class Announcer(QObject):
    """``announced(str)``: a polite announcement was sent (tests and logs read it)."""

    announced = Signal(str)

    def __init__(self, window: MainWindow, who_speaks: Callable[[], str],
                 ask: Callable[[Callable[[bool], None]], None] = ask_screen_reader,
                 listens: Callable[[], bool] = listens_for_announcements) -> None:
        super().__init__(window)
        self.window = window
        self.who_speaks = who_speaks
        self.ask = ask
        self.listens = listens
        self.screen_reader = False
        self.reader_listens = True  # for announcements (asked when a reader is found)
        self.enabled = False
        self.by_description = False  # the reader ignores announcements: see the docstring
        self._described: dict[QWidget, str] = {}  # control -> its own description
        self._unheard: list[str] = []  # words given while no control had the focus
        ask(self._answered)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus)
        ctl = window.driver
        # Connected after the window's own slots: the labels already show the new text.
        ctl.started.connect(self._on_started)
        ctl.cue.connect(self._on_cue)
        ctl.step_started.connect(self._on_step)
        window.state_shown.connect(self._on_state)  # before the focus moves (docstring)
        ctl.stop_armed.connect(self._on_stop_armed)

    def decide(self) -> bool:
        """Announce during this session? (See the module's docstring.) The screen reader
        is asked again; its answer decides anew when it comes."""
        self._decide()
        self.ask(self._answered)
        return self.enabled

    def _answered(self, running: bool) -> None:
        if running and not self.screen_reader:  # (a blocking AT-SPI question: once)
            self.reader_listens = self.listens()
        self.screen_reader = running
        self._decide()

    def _decide(self) -> bool:
        mode = self.who_speaks()
        self.enabled = mode == "both" or (mode == "auto" and not self.screen_reader)
        self.by_description = self.enabled and self.screen_reader and not self.reader_listens
        log.info("who speaks: %s; screen reader %s; announcements %s", mode,
                 "running" if self.screen_reader else "not running",
                 ("on, and as the focused control's description (the screen reader does "
                  "not listen for announcements)" if self.by_description else "on")
                 if self.enabled else "off")
        return self.enabled

    def announce(self, text: str, *, late_ok: bool = True) -> None:
        """``late_ok``: may wait for the focus (see the module's docstring); not a count."""
        if not self.enabled or not text:
            return
        from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent  # (made when needed)

        target = self.window.session_view
        event = QAccessibleAnnouncementEvent(target, text)
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
        QAccessible.updateAccessibility(event)
        if self.by_description:
            self._describe(text, late_ok)
        self.announced.emit(text)

    def _describe(self, text: str, late_ok: bool = True) -> None:
        """Orca 43 presents a changed description of the control it has focus on."""
        focused = QApplication.focusWidget()
        if focused is None:  # given when a control gets the focus (_on_focus)
            if late_ok and len(self._unheard) < UNHEARD_MAX:
                self._unheard.append(text)
            return
        if focused not in self._described:
            self._described[focused] = focused.accessibleDescription()
            focused.destroyed.connect(lambda _=None, w=focused: self._described.pop(w, None))
        focused.setAccessibleDescription(text)

    def _on_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Qt tells the screen reader of the new focus after this signal: the words wait
        for the event loop, so that they come after it, each its own change."""
        if new is not None and self._unheard:
            QTimer.singleShot(0, self, self._tell_unheard)

    def _tell_unheard(self) -> None:
        words, self._unheard = self._unheard, []
        if QApplication.focusWidget() is None:  # lost again already: keep waiting
            self._unheard = words
            return
        log.info("screen reader: %d words given with the focus back", len(words))
        for text in words:
            self._describe(text)

    def _restore(self) -> None:
        """Give each control its own description back when the next session starts (not
        at the end: Orca would read the restored description aloud)."""
        for widget, description in self._described.items():
            widget.setAccessibleDescription(description)
        self._described.clear()

    def _on_started(self, _session: Session) -> None:
        self._restore()
        self._unheard.clear()  # the last session's, never heard: gone
        self.decide()

    def _on_cue(self, cue: Cue) -> None:
        view = self.window.session_view
        if cue.event.kind in COUNT_KINDS:
            self.announce(view.count.text(), late_ok=False)
        elif cue.event.text:
            self.announce(view.instruction.text())

    def _on_step(self, _span: StepSpan) -> None:
        self._unheard.clear()  # a step's words wait for the focus only during that step
        self.announce(self.window.session_view.instruction.text())

    def _on_state(self, state: State) -> None:
        if state is not State.RUNNING:
            self.announce(self.window.session_view.status.text())

    def _on_stop_armed(self, armed: bool) -> None:
        if armed:
            self.announce(self.window.session_view.status.text())
