"""The session state machine: where we are on the timeline, and what is due now.

It never sleeps and never reads the time itself: a driver (the Qt cue scheduler, or a test
with a :class:`~knee_desktop.session.clock.FakeClock`) calls :meth:`Session.poll` at
:meth:`Session.next_deadline`, and the session hands out the cues that are due.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from knee_desktop.common.hooks import Hook
from knee_desktop.plan.timeline import Event, StepSpan, Timeline
from knee_desktop.session.clock import Clock

COUNTED = ("rep", "press")
# What the session says when the user pauses, resumes, skips or stops.
PAUSED_SAY = "Paused. Press space to go on."
RESUMING_SAY = "Resuming."
STOPPED_SAY = "Session stopped."


def skip_say(span: StepSpan) -> str:
    return f"Skipping to {span.title.lower()}."


def announcements(timeline: Timeline) -> list[str]:
    """Everything :class:`Session` may announce for this timeline, so a voice can render
    it with the cues and no control waits for the speech engine."""
    return [PAUSED_SAY, RESUMING_SAY, STOPPED_SAY, *(skip_say(s) for s in timeline.steps[1:])]


class State(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"


@dataclass(frozen=True)
class Cue:
    """An event handed out for playing.

    ``due`` is the clock time at which its sound should be *heard*; it is handed out
    ``lookahead`` seconds earlier so that output latency is absorbed.
    """

    event: Event
    index: int
    due: float
    fired: float
    repeat: bool = False


@dataclass(frozen=True)
class StepResult:
    """How one step went, for the history: reps done and exercise seconds (no pauses)."""

    step: StepSpan
    reps_done: int
    seconds: float
    completed: bool


class Session:
    """Position on a timeline, driven by an injected clock.

    Hooks (plain callbacks): ``cue(Cue)`` a cue to play now; ``dropped(Cue)`` a cue that
    came too late to be useful (the machine stalled) and was skipped; ``repeated(Cue)`` the
    last phrase again, on request; ``announce(str)`` a spoken confirmation of a control;
    ``state_changed(State)``; ``step_started(StepSpan)``; ``step_finished(StepResult)``.
    """

    def __init__(self, timeline: Timeline, clock: Clock, *, lookahead: float = 0.0,
                 stale_after: float = 0.15, resume_gap: float = 1.5) -> None:
        self.timeline = timeline
        self.clock = clock
        self.lookahead = lookahead
        self.stale_after = stale_after
        self.resume_gap = resume_gap
        self.cue: Hook[[Cue]] = Hook()
        self.dropped: Hook[[Cue]] = Hook()
        self.repeated: Hook[[Cue]] = Hook()
        self.announce: Hook[[str]] = Hook()
        self.state_changed: Hook[[State]] = Hook()
        self.step_started: Hook[[StepSpan]] = Hook()
        self.step_finished: Hook[[StepResult]] = Hook()
        self._state = State.READY
        self._next = 0  # index of the next event to hand out
        self._anchor_pos = 0.0  # timeline position at clock time _anchor_clock
        self._anchor_clock = 0.0
        self._pause_started: float | None = None
        self._paused_seconds = 0.0
        self._started_at: float | None = None
        self._last_spoken: Cue | None = None
        self._step = 0
        self._step_entered = 0.0
        self._step_reps = 0
        self._held = False  # the clock stands still while an answer is heard

    # ---- reading -------------------------------------------------------------------
    @property
    def state(self) -> State:
        return self._state

    @property
    def active(self) -> bool:
        return self._state in (State.RUNNING, State.PAUSED)

    @property
    def held(self) -> bool:
        """Running, but standing still while an answer the person asked for is heard."""
        return self._held and self._state is State.RUNNING

    @property
    def current_step(self) -> StepSpan:
        return self.timeline.steps[self._step]

    @property
    def started_at(self) -> float | None:
        return self._started_at

    def position(self) -> float:
        """Seconds into the timeline now (frozen while paused, held during a resume gap)."""
        if self._state is State.READY:
            return 0.0
        if self._state is not State.RUNNING or self._held:
            return self._anchor_pos
        return min(self.timeline.duration,
                   self._anchor_pos + max(0.0, self.clock.now() - self._anchor_clock))

    def time_left(self) -> float:
        return max(0.0, self.timeline.duration - self.position())

    def progress(self) -> float:
        return min(1.0, self.position() / self.timeline.duration)

    def paused_seconds(self) -> float:
        extra = 0.0 if self._pause_started is None else self.clock.now() - self._pause_started
        return self._paused_seconds + extra

    def time_of(self, position: float) -> float:
        """The clock time at which the session will reach ``position``, as things stand."""
        return self._anchor_clock + (position - self._anchor_pos)

    def due_time(self, event: Event) -> float:
        """The clock time at which ``event`` should be heard, as things stand."""
        return self.time_of(event.t)

    def next_deadline(self) -> float | None:
        """When :meth:`poll` should next be called (clock time), or None if nothing is due."""
        if self._state is not State.RUNNING or self._held \
                or self._next >= len(self.timeline.events):
            return None
        return self.due_time(self.timeline.events[self._next]) - self.lookahead

    # ---- driving -------------------------------------------------------------------
    def start(self) -> None:
        if self._state is not State.READY:
            raise RuntimeError(f"cannot start a session that is {self._state}")
        now = self.clock.now()
        self._started_at = now
        self._anchor_clock = now + self.lookahead  # the first cue is heard on its beat too
        self._anchor_pos = 0.0
        self._set_state(State.RUNNING)
        self.step_started.emit(self.current_step)

    def poll(self) -> list[Cue]:
        """Hand out every cue that is due; drop those too late to be useful."""
        if self._state is not State.RUNNING or self._held:
            return []
        now = self.clock.now()
        out: list[Cue] = []
        events = self.timeline.events
        while self._next < len(events) and self._state is State.RUNNING:
            event = events[self._next]
            due = self.due_time(event)
            if due - self.lookahead > now:
                break
            self._enter_step(event.step, natural=True)
            cue = Cue(event, self._next, due, now)
            self._next += 1
            if event.kind in COUNTED:
                self._step_reps += 1
            if now - (due - self.lookahead) > self.stale_after and event.kind != "end":
                self.dropped.emit(cue)
                continue
            out.append(cue)
            if event.text:
                self._last_spoken = cue
            self.cue.emit(cue)
            if event.kind == "end":
                self._finish_step(completed=True, at=self.timeline.duration)
                self._anchor_pos = self.timeline.duration
                self._set_state(State.FINISHED)
        return out

    def pause(self, unheard: int | None = None) -> bool:
        """Stand still until :meth:`resume`. ``unheard``: the first cue handed out that
        the person will not hear whole (cut off by the pause): it is handed out again."""
        if self._state is not State.RUNNING:
            return False
        now = self.clock.now()
        self._anchor_pos = self.position()
        self._rewind(unheard)
        self._held = False
        self._pause_started = now
        self._set_state(State.PAUSED)
        self.announce.emit(PAUSED_SAY)
        return True

    def resume(self) -> bool:
        """Go on after a pause. A still pause keeps the seconds it had left; a repetition
        whose count was not yet heard starts again from its beginning."""
        if self._state is not State.PAUSED or self._pause_started is None:
            return False
        now = self.clock.now()
        self._paused_seconds += now - self._pause_started
        self._pause_started = None
        self._place(self._restart_rep(self._anchor_pos), now + self.resume_gap)
        self._set_state(State.RUNNING)
        self.announce.emit(RESUMING_SAY)
        return True

    def hold(self, unheard: int | None = None) -> bool:
        """Stop the clock while an answer the person asked for is heard (the state stays
        RUNNING). ``unheard`` as for :meth:`pause`. False if not running."""
        if self._state is not State.RUNNING:
            return False
        self._anchor_pos = self.position()
        self._rewind(unheard)
        self._held = True
        return True

    def release(self, heard_at: float, position: float | None = None,
                next_index: int | None = None) -> bool:
        """Go on after a hold: the next sound is heard no earlier than clock time
        ``heard_at``. By default from where the hold began (a count not yet heard: its
        movement again); ``position``/``next_index`` put it elsewhere in the current step
        (R in a still pause: just after its instruction, heard again)."""
        if not self.held:
            return False
        self._held = False
        pos = self._anchor_pos if position is None else position
        if next_index is not None:
            self._next = next_index
            self._count_step_reps()
        self._place(self._restart_rep(pos), max(heard_at, self.clock.now() + self.lookahead))
        return True

    def toggle_pause(self) -> bool:
        return self.pause() or self.resume()

    def skip(self) -> StepSpan | None:
        """Jump to the start of the next step; None if there is no next step."""
        if not self.active or self._step + 1 >= len(self.timeline.steps):
            return None
        target = self.timeline.steps[self._step + 1]
        self._finish_step(completed=False, at=self.position())
        self._next = next(i for i, e in enumerate(self.timeline.events) if e.step >= target.index)
        self._held = False
        self._place(target.start, self.clock.now() + self.resume_gap)
        self._enter_step(target.index, natural=False)
        self.announce.emit(skip_say(target))
        return target

    def repeat(self) -> Cue | None:
        """Say the last phrase again (it does not move the timeline)."""
        if self._last_spoken is None or not self.active:
            return None
        last = self._last_spoken
        cue = Cue(last.event, last.index, self.clock.now() + self.lookahead,
                  self.clock.now(), repeat=True)
        self.repeated.emit(cue)
        return cue

    def stop(self) -> bool:
        if not self.active:
            return False
        if self._state is State.PAUSED and self._pause_started is not None:
            self._paused_seconds += self.clock.now() - self._pause_started
            self._pause_started = None
        pos = self.position()
        self._anchor_pos = pos
        self._finish_step(completed=False, at=pos)
        self._set_state(State.STOPPED)
        self.announce.emit(STOPPED_SAY)
        return True

    # ---- inside ----------------------------------------------------------------------
    def _place(self, pos: float, at: float) -> None:
        """Put the timeline at ``pos`` at clock time ``at`` (standing still until then)."""
        self._anchor_pos = pos
        self._anchor_clock = at

    def _restart_rep(self, pos: float) -> float:
        """A repetition whose count was not yet heard starts again from its beginning."""
        if self._next < len(self.timeline.events):
            upcoming = self.timeline.events[self._next]
            if upcoming.kind == "rep" and upcoming.move_start < pos:
                return max(self.current_step.start, upcoming.move_start)
        return pos

    def _rewind(self, unheard: int | None) -> None:
        """Hand out again from event ``unheard`` (not heard whole); never back into a step
        already reported finished."""
        if unheard is None or unheard >= self._next:
            return
        first = next(i for i, e in enumerate(self.timeline.events) if e.step == self._step)
        self._next = max(unheard, first)
        if self._next < len(self.timeline.events):
            self._anchor_pos = min(self._anchor_pos, self.timeline.events[self._next].t)
        self._count_step_reps()

    def _count_step_reps(self) -> None:
        self._step_reps = sum(1 for e in self.timeline.events[:self._next]
                              if e.step == self._step and e.kind in COUNTED)

    def _set_state(self, state: State) -> None:
        self._state = state
        self.state_changed.emit(state)

    def _enter_step(self, index: int, natural: bool) -> None:
        """Move the step marker to ``index``; in natural order every step passed is
        reported finished, even when a stall made the session pass several at once."""
        while self._step != index:
            if natural:
                self._finish_step(completed=True, at=self.timeline.steps[self._step + 1].start)
            self._step = self._step + 1 if natural else index
            self._step_entered = self.current_step.start
            self._step_reps = 0
            self.step_started.emit(self.current_step)

    def _finish_step(self, completed: bool, at: float) -> None:
        span = self.current_step
        seconds = max(0.0, min(at, span.end) - self._step_entered)
        self.step_finished.emit(StepResult(span, self._step_reps, seconds, completed))
