"""Drive a core Session from the GUI thread's event loop, and turn its hooks into Signals.

One timer from the timer port (a precise QTimer in production) is re-armed to the next
absolute deadline on the session's clock after every firing; intervals are never chained,
so handler time never accumulates into drift.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from knee_desktop.plan.timeline import StepSpan
from knee_desktop.runtime.timers import QtTimers, Timer, Timers
from knee_desktop.session.engine import Cue, Session, State, StepResult


class CueScheduler(QObject):
    cue = Signal(object)  # Cue: play it now
    dropped = Signal(object)  # Cue: too late, skipped
    repeated = Signal(object)  # Cue: the last phrase again, on request
    announce = Signal(str)  # a spoken confirmation of a control
    state_changed = Signal(object)  # State
    step_started = Signal(object)  # StepSpan
    step_finished = Signal(object)  # StepResult

    def __init__(self, session: Session, parent: QObject | None = None,
                 timers: Timers | None = None) -> None:
        super().__init__(parent)
        self.session = session
        timers = timers or QtTimers(session.clock)
        self.timer: Timer = timers.timer("cue-timer", self._fire, self)
        session.cue.connect(self._emit_cue)
        session.dropped.connect(self._emit_dropped)
        session.repeated.connect(self._emit_repeated)
        session.announce.connect(self.announce.emit)
        session.state_changed.connect(self._on_state)
        session.step_started.connect(self._emit_step_started)
        session.step_finished.connect(self._emit_step_finished)

    # Slots rather than lambdas: a lambda slot may run on the wrong thread in PySide.
    def _emit_cue(self, cue: Cue) -> None:
        self.cue.emit(cue)

    def _emit_dropped(self, cue: Cue) -> None:
        self.dropped.emit(cue)

    def _emit_repeated(self, cue: Cue) -> None:
        self.repeated.emit(cue)

    def _emit_step_started(self, span: StepSpan) -> None:
        self.step_started.emit(span)

    def _emit_step_finished(self, result: StepResult) -> None:
        self.step_finished.emit(result)

    def _on_state(self, state: State) -> None:
        self.state_changed.emit(state)
        self._arm()

    # ---- controls: each re-arms the timer ------------------------------------------
    def start(self) -> None:
        self.session.start()
        self._fire()

    def toggle_pause(self) -> None:
        self.session.toggle_pause()
        self._arm()

    def pause(self, unheard: int | None = None) -> None:
        self.session.pause(unheard)
        self._arm()

    def resume(self) -> None:
        self.session.resume()
        self._arm()

    def hold(self, unheard: int | None = None) -> None:
        """The clock stands still while an answer is heard (see ``Session.hold``)."""
        self.session.hold(unheard)
        self._arm()

    def release(self, heard_at: float, position: float | None = None,
                next_index: int | None = None) -> None:
        self.session.release(heard_at, position, next_index)
        self._arm()

    def skip(self) -> None:
        self.session.skip()
        self._arm()

    def repeat(self) -> None:
        self.session.repeat()

    def stop(self) -> None:
        self.session.stop()
        self.timer.stop()

    @property
    def armed(self) -> bool:
        return self.timer.active

    def _fire(self) -> None:
        self.session.poll()
        self._arm()

    def _arm(self) -> None:
        deadline = self.session.next_deadline()
        if deadline is None:
            self.timer.stop()
        else:
            self.timer.start_at(deadline)
