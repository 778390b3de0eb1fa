"""One session at a time: the core Session, its CueScheduler, the voice, the screen saver,
and the frame timer: at the display's rate while the foot or a countdown ring moves, once
a second for the time left while nothing moves, and not at all unless a session runs.

This is the one place where session observers are attached (``observers``), so the
history recorder, or anything else that follows a session, hooks in here.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from knee_desktop.desktop.inhibit import ScreenSaverInhibitor
from knee_desktop.plan.pose import Poser
from knee_desktop.plan.timeline import StepSpan, Timeline
from knee_desktop.runtime.scheduler import CueScheduler
from knee_desktop.session.clock import Clock, MonotonicClock
from knee_desktop.session.engine import Cue, Session, State
from knee_desktop.speech.base import Voice

log = logging.getLogger(__name__)

STOP_CONFIRM_SECONDS = 5.0  # a second Esc within this long stops the session
CONFIRM_STOP = "Press escape again to stop."
LAST_STEP = "This is the last step."
CONTROLLER_PHRASES = (CONFIRM_STOP, LAST_STEP)  # rendered before a session with its cues
Observer = Callable[[Session, CueScheduler], None]


def frame_interval_ms() -> int:
    """One display frame, from the screen's refresh rate (30 to 60 Hz)."""
    screen = QGuiApplication.primaryScreen()
    rate = screen.refreshRate() if screen is not None else 60.0
    rate = min(60.0, max(30.0, rate or 60.0))
    return max(1, round(1000.0 / rate))


class SessionController(QObject):
    started = Signal(object)  # Session, after the observers are attached
    ended = Signal(object)  # Session, finished or stopped
    state_changed = Signal(object)  # State
    step_started = Signal(object)  # StepSpan
    cue = Signal(object)  # Cue, as it is played
    spoken = Signal(str)  # every phrase handed to the voice (cues, repeats, confirmations)
    frame = Signal(float)  # timeline position, once per display frame while moving
    stop_armed = Signal(bool)  # Esc pressed once: waiting for the second

    def __init__(self, voice: Voice, clock: Clock | None = None,
                 inhibitor: ScreenSaverInhibitor | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.voice = voice
        self.clock: Clock = clock or MonotonicClock()
        self.inhibitor = inhibitor or ScreenSaverInhibitor()
        self.observers: list[Observer] = []
        self.session: Session | None = None
        self.scheduler: CueScheduler | None = None
        self._stop_armed_at: float | None = None
        self._frames = QTimer(self)
        self._frames.setObjectName("frame-timer")
        self._frames.setTimerType(Qt.TimerType.PreciseTimer)
        self._frames.timeout.connect(self._tick)
        self._frame_ms = 16
        self.poser: Poser | None = None

    # ---- reading ---------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.session is not None and self.session.active

    @property
    def state(self) -> State | None:
        return self.session.state if self.session else None

    @property
    def animating(self) -> bool:
        return self._frames.isActive()

    def position(self) -> float:
        if self.session is None:
            return 0.0
        return self.session.position()

    # ---- controls --------------------------------------------------------------------
    def start(self, timeline: Timeline) -> Session:
        if self.active:
            raise RuntimeError("a session is already running")
        self._drop_scheduler()
        session = Session(timeline, self.clock, lookahead=self.voice.latency)
        scheduler = CueScheduler(session, self)
        scheduler.cue.connect(self._on_cue)
        scheduler.repeated.connect(self._on_repeated)
        scheduler.announce.connect(self._say)
        scheduler.state_changed.connect(self._on_state)
        scheduler.step_started.connect(self._on_step_started)
        self.session, self.scheduler = session, scheduler
        self.poser = Poser(timeline)
        self._frame_ms = frame_interval_ms()
        for observer in self.observers:
            observer(session, scheduler)
        self.started.emit(session)
        self.inhibitor.inhibit()
        scheduler.start()
        return session

    def toggle_pause(self) -> None:
        if self.scheduler and self.active:
            self._disarm()
            self.scheduler.toggle_pause()

    def skip(self) -> None:
        if self.scheduler and self.session and self.active:
            self._disarm()
            if self.session.current_step.index + 1 >= len(self.session.timeline.steps):
                self._say(LAST_STEP)
                return
            self.scheduler.skip()
            self._tick()

    def repeat(self) -> None:
        if self.scheduler and self.active:
            self._disarm()
            self.scheduler.repeat()

    def request_stop(self) -> bool:
        """Esc: the first press asks (spoken), a second one within a few seconds stops.
        Returns True if the session stopped."""
        if not self.active:
            return False
        now = self.clock.now()
        if self._stop_armed_at is not None and now - self._stop_armed_at <= STOP_CONFIRM_SECONDS:
            self.stop()
            return True
        self._stop_armed_at = now
        self._say(CONFIRM_STOP)
        self.stop_armed.emit(True)
        return False

    def stop(self) -> None:
        if self.scheduler and self.active:
            self._disarm()
            self.scheduler.stop()

    def close(self) -> None:
        """The window is closing: stop quietly-ish, release everything, no timer left."""
        self.stop()
        self._frames.stop()
        self.inhibitor.release()
        self._drop_scheduler()

    def sync(self) -> None:
        """Hand out whatever is due now and paint a frame (tests with a FakeClock)."""
        if self.scheduler is not None:
            self.scheduler._fire()
        self.emit_frame()

    # ---- inside ----------------------------------------------------------------------
    def emit_frame(self) -> None:
        self.frame.emit(self.position())

    def _say(self, text: str) -> None:
        self.spoken.emit(text)
        self.voice.say(text)

    def _disarm(self) -> None:
        if self._stop_armed_at is not None:
            self._stop_armed_at = None
            self.stop_armed.emit(False)

    def _on_cue(self, cue: Cue) -> None:
        # Handed out voice.latency early: placed so it is *heard* at cue.due.
        if cue.event.text:
            self.spoken.emit(cue.event.text)
            self.voice.play_at(cue.event.text, cue.event.kind, cue.due)
        self.cue.emit(cue)

    def _on_repeated(self, cue: Cue) -> None:
        if cue.event.text:
            self.spoken.emit(cue.event.text)
            self.voice.play_at(cue.event.text, cue.event.kind, cue.due)

    def _on_step_started(self, span: StepSpan) -> None:
        self.step_started.emit(span)

    def _tick(self) -> None:
        self.emit_frame()
        self._pace()

    def _pace(self) -> None:
        """Re-arm the frame timer: every display frame while something moves; otherwise
        sleep until the picture next changes or the time left shows the next second."""
        session, poser = self.session, self.poser
        if session is None or poser is None or session.state is not State.RUNNING:
            self._frames.stop()
            return
        pos = self.position()
        left = session.timeline.duration - pos
        to_second = left - math.floor(left - 1e-9)
        wait = min(poser.still_until(pos) - pos, to_second + 0.005)
        frame = self._frame_ms / 1000.0
        self._frames.start(self._frame_ms if wait < 1.5 * frame else math.ceil(wait * 1000))

    def _on_state(self, state: State) -> None:
        self._pace()
        self.emit_frame()
        self.state_changed.emit(state)
        if state in (State.FINISHED, State.STOPPED):
            self._disarm()
            self.inhibitor.release()
            self.ended.emit(self.session)

    def _drop_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
            self.scheduler.setParent(None)
            self.scheduler.deleteLater()
            self.scheduler = None
