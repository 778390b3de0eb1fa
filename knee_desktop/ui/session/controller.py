"""The window's view of the session driver: the screen saver and the frame pacing.

The driver (``runtime/driver.py``) runs the session; this only follows it. While the foot
moves it asks for a frame 25 times a second (the motion needs no more), while only a
countdown ring moves 10 times a second, while nothing moves once a second for the time
left, and while no session runs not at all. The screen saver is held off from the start
to the end of a session; if it cannot be, the person is told once (shown and said: their
eyes may be closed when the screen goes dark).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from knee_desktop.desktop.inhibit import ScreenSaverInhibitor
from knee_desktop.plan.pose import Poser
from knee_desktop.runtime.driver import SessionDriver
from knee_desktop.runtime.prompts import SCREEN_AWAKE
from knee_desktop.session.engine import Session, State

MOTION_FPS = 25.0  # the toes move ≤ 13 px a frame at the default size: smooth enough
RING_FRAME = 0.1  # s: a still pause's ring empties 3.6° a tenth of a second


def frame_interval_ms() -> int:
    """One frame of the motion: :data:`MOTION_FPS`, or the screen's rate if slower."""
    screen = QGuiApplication.primaryScreen()
    rate = screen.refreshRate() if screen is not None else MOTION_FPS
    rate = min(MOTION_FPS, max(20.0, rate or MOTION_FPS))
    return max(1, round(1000.0 / rate))


class SessionController(QObject):
    frame = Signal(float)  # timeline position, once per display frame while moving

    def __init__(self, driver: SessionDriver, inhibitor: ScreenSaverInhibitor | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.driver = driver
        self.inhibitor = inhibitor or ScreenSaverInhibitor()
        self.poser: Poser | None = None
        self.frame_seconds = 0.016
        self._told_awake = False  # "the screen could not be kept awake" said once
        self.frames = driver.timers.timer("frame-timer", self._tick, self)
        driver.started.connect(self._on_started)
        driver.state_changed.connect(self._on_state)
        driver.step_started.connect(self._on_step)

    @property
    def animating(self) -> bool:
        return self.frames.active

    def emit_frame(self) -> None:
        self.frame.emit(self.driver.position())

    def close(self) -> None:
        self.frames.stop()
        self.inhibitor.release()

    # ---- following the driver ----------------------------------------------------------
    def _on_started(self, session: Session) -> None:
        self.poser = Poser(session.timeline)
        self.frame_seconds = frame_interval_ms() / 1000.0
        self.inhibitor.inhibit(self._on_inhibited)  # never waits: the first cue is not held

    def _on_inhibited(self, agreed: bool) -> None:
        session = self.driver.session  # still going (or about to begin): say it
        if not agreed and not self._told_awake and session is not None \
                and session.state not in (State.FINISHED, State.STOPPED):
            self._told_awake = True
            self.driver.tell(SCREEN_AWAKE)

    def _on_step(self, _span: object) -> None:
        self._tick()  # a skip moves the picture at once

    def _on_state(self, state: State) -> None:
        self._pace()
        self.emit_frame()
        if state in (State.FINISHED, State.STOPPED):
            self.inhibitor.release()

    def _tick(self) -> None:
        self.emit_frame()
        self._pace()

    def _pace(self) -> None:
        """Re-arm the frame timer: every display frame while something moves; otherwise
        sleep until the picture next changes or the time left shows the next second."""
        session, poser = self.driver.session, self.poser
        if session is None or poser is None or session.state is not State.RUNNING:
            self.frames.stop()
            return
        pos = session.position()
        left = session.timeline.duration - pos
        to_second = left - math.floor(left - 1e-9)
        wait = min(poser.still_until(pos) - pos, to_second + 0.005)
        frame = self.frame_seconds
        pose = poser(pos)
        if wait < 1.5 * frame and pose.left is not None and pose.seconds_left:
            # only a ring moves: a tenth of a second, and its seconds change on time
            change = pose.left - (pose.seconds_left - 1)
            frame = min(max(frame, RING_FRAME), change + 0.005, to_second + 0.005)
        self.frames.start_in(frame if wait < 1.5 * frame else wait)
