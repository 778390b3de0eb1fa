"""Write a running Session into the history as it goes, whatever happens to the disk.

Attach before ``session.start()``::

    recorder = HistoryRecorder.attach(session, feel_before=feel)  # default store
    recorder.problem.connect(tell_the_user)

The recorder keeps the whole session in memory (:attr:`record`). Each event is written at
once in one short transaction. When a write fails (a read-only or full disk, a busy or
damaged file) the session goes on, the user is told once through :attr:`problem`, and the
record stays marked unsaved; the next write, or :meth:`retry`, writes the whole record in
one idempotent transaction, so nothing is lost and nothing is doubled. If the session ends
still unsaved, the record is kept in a recovery file that the next open of the history adds
(:func:`~knee_desktop.history.recovery.pick_up`), and :attr:`unsaved_at_end` says where.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from knee_desktop.common.hooks import Hook
from knee_desktop.history.feel import KneeFeel
from knee_desktop.history.owner_lock import OwnerLock
from knee_desktop.history.recovery import discard_unsaved, keep_unsaved
from knee_desktop.history.store import HistoryError, HistoryStore, SessionRecord, StepRecord
from knee_desktop.plan.timeline import StepSpan
from knee_desktop.session.engine import Session, State, StepResult

log = logging.getLogger(__name__)

END_STATES = {State.FINISHED: "completed", State.STOPPED: "stopped"}
RECORDER_BUSY_TIMEOUT = 0.25  # seconds a write may wait for another instance
BUSY_PATIENCE = 3  # failed writes in a row, when the file was only busy, before telling


def settings_json(session: Session) -> dict[str, Any]:
    s = session.timeline.settings
    return {"reps": s.reps, "pause": s.pause_seconds, "sweep": s.sweep_seconds,
            "circle": s.circle_seconds, "lead_in": s.lead_in_seconds, "legs": list(s.legs)}


class HistoryRecorder:
    """Connects to a :class:`Session`'s hooks and records it in a :class:`HistoryStore`.

    Hooks: ``problem(str)`` a write failed (said once until writes work again);
    ``recovered(str)`` writes work again and everything is saved; ``notice(str)`` news from
    the store (a damaged file moved aside, earlier sessions found interrupted);
    ``unsaved_at_end(str)`` the session ended and is not in the history: where it is kept instead
    (to be printed, shown and said at the end).
    """

    def __init__(self, store: HistoryStore, session: Session, routine_id: str | None = None,
                 title: str | None = None, settings: dict[str, Any] | None = None, *,
                 feel_before: int | None = None, note: str = "") -> None:
        self.store = store
        self.session = session
        self.problem: Hook[[str]] = Hook()
        self.recovered: Hook[[str]] = Hook()
        self.notice: Hook[[str]] = Hook()
        self.unsaved_at_end: Hook[[str]] = Hook()
        timeline = session.timeline
        self.record = SessionRecord(
            routine_id=routine_id or timeline.routine_id, title=title or timeline.title,
            started=store.now_wall(), settings=settings or settings_json(session),
            planned_seconds=timeline.duration, steps_planned=len(timeline.steps),
            feel_before=feel_before, note=note)
        self.unsaved = False  # the stored copy is behind the record in memory
        self.failed_writes = 0  # writes that failed since the last successful one
        self.kept_at: Path | None = None  # the recovery file holding the unsaved session
        self._last_problem = ""
        self._lock: OwnerLock | None = None
        self._begun = False
        self._told = False  # the user was told about the current run of failures
        self._messages_seen = len(store.messages)
        session.state_changed.connect(self._on_state)
        session.step_started.connect(self._on_step_started)
        session.step_finished.connect(self._on_step_finished)
        if session.active:
            self._begin()
        else:
            self._warm_up()

    @classmethod
    def attach(cls, session: Session, store: HistoryStore | None = None,
               **kwargs: Any) -> HistoryRecorder:
        """One call: record ``session`` in ``store`` (default: the user's history file,
        with a short busy timeout: a write runs in the thread that times the cues, and one
        held up by another instance is simply retried at the next step)."""
        return cls(store or HistoryStore(busy_timeout=RECORDER_BUSY_TIMEOUT), session, **kwargs)

    # ---- the session's hooks ---------------------------------------------------------
    def _on_state(self, state: State) -> None:
        if state is State.RUNNING and not self._begun:
            self._begin()
        elif state is State.RUNNING:  # resumed: the pause is over, keep its length
            self.record.paused_seconds = self.session.paused_seconds()
            self._sync(lambda: self.store.update_session(self.record))
        elif state in END_STATES and self._begun and self.record.end_state is None:
            rec = self.record
            rec.end_state = END_STATES[state]
            rec.ended = self.store.now_wall()
            rec.paused_seconds = self.session.paused_seconds()
            self._sync(lambda: self.store.update_session(rec))
            self._release()
            if self.unsaved:
                self._keep(tell=True)

    def _on_step_started(self, span: StepSpan) -> None:
        if not self._begun or self.record.at_step == span.index:
            return
        self.record.at_step, self.record.at_title = span.index, span.title
        self._sync(lambda: self.store.update_session(self.record))

    def _on_step_finished(self, result: StepResult) -> None:
        if not self._begun:
            return
        span = result.step
        step = StepRecord(step_index=span.index, title=span.title, kind=span.kind,
                          movement=span.movement, leg=span.leg, reps_planned=span.reps,
                          reps_done=result.reps_done, seconds=round(result.seconds, 3),
                          completed=result.completed, ended=self.store.now_wall())
        self.record.steps.append(step)
        self.record.paused_seconds = self.session.paused_seconds()
        self._sync(lambda: self.store.add_step(self.record, step))

    # ---- after the session -----------------------------------------------------------
    def set_feel(self, *, before: int | None = None, after: int | None = None,
                 note: str | None = None) -> None:
        """Keep the answer to "How do your knees feel?" (0-10) and the note."""
        for value in (before, after):
            if value is not None and not 0 <= value <= 10:
                raise ValueError(f"knee feel must be from 0 to 10, got {value}")
        if before is not None:
            self.record.feel_before = before
        if after is not None:
            self.record.feel_after = after
        if note is not None:
            self.record.note = note
        if self._begun:
            self._sync(lambda: self.store.update_session(self.record))
            if self.unsaved and self.record.end_state is not None:
                self._keep(tell=self.kept_at is None)

    def keep_after(self, feel: KneeFeel | None) -> None:
        """Keep the answer to the question after the session; nothing if it was skipped."""
        if feel is not None and (feel.score is not None or feel.note):
            self.set_feel(after=feel.score, note=feel.note or None)

    def retry(self) -> bool:
        """Try again to save what is not saved yet; True if everything is saved."""
        if self.unsaved:
            self._sync(lambda: True)
        return not self.unsaved

    def detach(self) -> None:
        """Stop listening to the session (after it ended) and let go of the owner lock."""
        for hook, slot in ((self.session.state_changed, self._on_state),
                           (self.session.step_started, self._on_step_started),
                           (self.session.step_finished, self._on_step_finished)):
            with contextlib.suppress(ValueError):
                hook.disconnect(slot)  # type: ignore[arg-type]
        self._release()

    # ---- inside ----------------------------------------------------------------------
    def _warm_up(self) -> None:
        """Open the history now, before the session's first cue: its first write (and the
        recovery of interrupted sessions) syncs to disk, on the thread that times the cues.
        On a busy disk that took over a second, and the first cue was dropped as late.
        A failure here is said at the first real write, as before."""
        try:
            self.store.warm_up()
        except HistoryError:
            pass
        except Exception:  # a bug here must not stop someone's session
            log.exception("opening the history before the session failed")

    def _begin(self) -> None:
        self._begun = True
        self.record.started = self.store.now_wall()
        step = self.session.current_step
        self.record.at_step, self.record.at_title = step.index, step.title
        self._lock = self.store.claim(self.record.uuid)  # before the row: see owner_lock
        self.unsaved = True
        self._sync(lambda: True)

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        self.store.unclaim(self.record.uuid)

    def _sync(self, write: Callable[[], bool]) -> None:
        """Do ``write``; if earlier writes failed, or the row is gone, save the whole record.
        Never raises: the session must go on whatever the disk does."""
        try:
            if self.unsaved or not write():
                self.store.save_session(self.record)
        except HistoryError as exc:
            self._failed(str(exc), transient=exc.busy)
        except Exception as exc:  # a bug here must not stop someone's session
            log.exception("recording the session failed")
            self._failed(f"The history could not be saved: {exc}.")
        else:
            self.unsaved = False
            if self.kept_at is not None:  # saved after all: the recovery file goes
                discard_unsaved(self.record.uuid, self.store.path)
                self.kept_at = None
            if self.failed_writes:
                self.failed_writes = 0
                if self._told:
                    self.recovered.emit("The history is saved again; nothing was lost.")
                self._told = False
        self._forward_messages()

    def _failed(self, message: str, transient: bool = False) -> None:
        """Tell the user once per run of failures; a busy file (another instance writing)
        is only worth telling if it lasts."""
        self.unsaved = True
        self.failed_writes += 1
        self._last_problem = message
        if not self._told and (not transient or self.failed_writes >= BUSY_PATIENCE):
            self._told = True
            if self.record.end_state is not None:
                return  # over already: unsaved_at_end says it, with where it is kept
            self.problem.emit(f"{message} The session goes on; it will be saved as soon "
                              "as the disk allows.")

    def _keep(self, tell: bool) -> None:
        """The session ended unsaved: keep it in a recovery file and (once) say where."""
        why = self._last_problem.rstrip(".") or "The history could not be saved"
        try:
            self.kept_at = keep_unsaved(self.record, self.store.path)
        except OSError as exc:
            self.kept_at = None
            message = (f"{why}. This session is NOT in your history, and it could not be "
                       f"kept in a file either ({exc}).")
        else:
            message = (f"{why}. This session is not in your history yet: it is kept in "
                       f"{self.kept_at} and will be added the next time knee-desktop starts.")
        if tell:
            self.unsaved_at_end.emit(message)

    def _forward_messages(self) -> None:
        while self._messages_seen < len(self.store.messages):
            self.notice.emit(self.store.messages[self._messages_seen])
            self._messages_seen += 1
