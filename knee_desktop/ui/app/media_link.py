"""The window's session on MPRIS: media keys, headset buttons and the desktop's media widget
reach the same controls as the keys, and the widget shows the routine, step and count.

Each request goes where the window's keys and buttons go (so each is confirmed aloud exactly
as they are): Play/Pause/PlayPause the Space key (``toggle_pause``), or the Start button when
no session runs; Next the N key (``skip``); Previous the R key (``repeat``); Stop the Esc key
(``request_stop``: the first asks aloud, a second within a few seconds stops).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from knee_desktop import APP_ID
from knee_desktop.desktop.mpris import MediaPlayer
from knee_desktop.plan.timeline import StepSpan
from knee_desktop.session.engine import Cue, Session, State

if TYPE_CHECKING:
    from PySide6.QtDBus import QDBusConnection

    from knee_desktop.ui.session.main_window import MainWindow

STATUS = {State.RUNNING: "Playing", State.PAUSED: "Paused"}
READY = "Ready to start"


class MediaLink(QObject):
    def __init__(self, window: MainWindow, player: MediaPlayer) -> None:
        super().__init__(window)
        self.window = window
        self.player = player
        self._starting = False  # the knee question is open: a second Play waits for it
        ctl = window.driver
        player.requested.connect(self.dispatch)
        player.position_us = lambda: int(ctl.position() * 1_000_000)
        ctl.started.connect(self._on_started)
        ctl.state_changed.connect(self._on_state)
        ctl.step_started.connect(self._on_step)
        ctl.cue.connect(self._on_cue)
        window.routine_panel.routine_chosen.connect(lambda _id: self._idle_if_ready())
        self.show_idle()

    # ---- requests: the keys' own slots -------------------------------------------------
    def dispatch(self, what: str) -> None:
        ctl = self.window.driver
        if what == "raise":
            self._raise()
        elif what == "next":
            ctl.skip()
        elif what == "previous":
            ctl.repeat()
        elif what == "stop":
            ctl.request_stop()
        elif what == "pause":
            if ctl.state is State.RUNNING:
                ctl.toggle_pause()
        elif ctl.active:  # play or play_pause during a session
            if what == "play_pause" or ctl.state is State.PAUSED:
                ctl.toggle_pause()
        else:
            self._start()

    def _start(self) -> None:
        """The Start button, as a click would press it (the knee question first); after a
        session, straight to a new one of the same routine."""
        w = self.window
        if self._starting:
            return
        if w.pages.currentWidget() is w.session_view and w.routine is not None:
            w.choose_routine(w.routine.id)
        if w.controls.start.isEnabled():
            self._starting = True
            try:
                w.controls.start.click()
            finally:
                self._starting = False

    def _raise(self) -> None:
        w = self.window
        w.show()
        if w.isMinimized():
            w.showNormal()
        w.raise_()
        w.activateWindow()

    # ---- what the media widget shows ---------------------------------------------------
    def show_idle(self) -> None:
        routine = self.window.routine
        self.player.update(status="Stopped", album=routine.title if routine else "",
                           title=READY, progress="", step=-1, can_play=True,
                           can_pause=False, can_go_next=False, can_go_previous=False)

    def _idle_if_ready(self) -> None:
        if not self.window.driver.active:
            self.show_idle()

    def _on_started(self, session: Session) -> None:
        routine = self.window.routine
        self.player.update(album=routine.title if routine else session.timeline.title,
                           title=session.timeline.title, progress="", step=-1)

    def _on_state(self, state: State) -> None:
        """MPRIS's Can* say what a call would do now: Play and PlayPause always do
        something (start, pause or go on; playerctl's play-pause asks CanPlay even while
        Playing), Pause, Next and Previous only in a session."""
        active = state in (State.RUNNING, State.PAUSED)
        # GNOME Shell shows a player only while CanPlay is true (bench/gnome_shell_lab.py).
        self.player.update(status=STATUS.get(state, "Stopped"), can_play=True,
                           can_pause=active, can_go_next=active, can_go_previous=active)

    def _on_step(self, span: StepSpan) -> None:
        timeline = self.window.timeline
        steps = len(timeline.steps) if timeline is not None else 0
        self.player.update(title=span.title, step=span.index,
                           progress=f"Step {span.index + 1} of {steps}")

    def _on_cue(self, cue: Cue) -> None:
        event = cue.event
        timeline = self.window.timeline
        if event.kind in ("rep", "press") and timeline is not None:
            span = timeline.steps[event.step]
            if span.reps:
                self.player.update(progress=f"{event.rep} of {span.reps}")


def start_media(window: MainWindow, bus: QDBusConnection | None = None) -> MediaLink | None:
    """Put the window on MPRIS; None (logged once) when there is no session bus."""
    player = MediaPlayer(identity="Knee routine", desktop_entry=APP_ID, parent=window)
    if not player.start(bus):
        player.deleteLater()
        return None
    return MediaLink(window, player)
