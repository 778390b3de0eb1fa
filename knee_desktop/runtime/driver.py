"""The one session driver, used by `knee-desktop run` and by the window.

It owns a session's :class:`Session`, its :class:`CueScheduler` and the voice, and does
everything a session does apart from drawing it:

- plays each cue on its beat, speaks the controls' confirmations and every prompt (the
  knee question, its read-back, "Where am I?"), opening the audio output for a prompt when
  no session holds it open;
- cancels sound on pause, skip and stop, so a confirmation is never buried under a count;
- after the end, waits for the last words on the session's clock (the timer port), asks
  the knee question through the injected *asker*, and closes the history record;
- records the session through one seam, the *recorder factory*.

Views (the window's :class:`~knee_desktop.ui.session.controller.SessionController`, the
terminal's printer) only follow its Signals and forward the user's keys to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal

from knee_desktop.history.feel import KneeFeel, When, spoken_answer, spoken_question
from knee_desktop.plan.timeline import EventKind, StepSpan, Timeline, compile_timeline
from knee_desktop.runtime import status
from knee_desktop.runtime.audio_unavailable import AudioUnavailable
from knee_desktop.runtime.qt_workarounds import dispose
from knee_desktop.runtime.scheduler import CueScheduler
from knee_desktop.runtime.server_watch import BACK_WORDS
from knee_desktop.runtime.timers import QtTimers, Timers
from knee_desktop.runtime.voice_base import Voice
from knee_desktop.session.engine import Cue, Session, State
from knee_desktop.speech.render import Progress

if TYPE_CHECKING:
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.routine.model import Routine

STOP_CONFIRM_SECONDS = 5.0  # a second Esc within this long stops the session
CONFIRM_STOP = "Press escape again to stop."
SAY_STOP_AGAIN = "Say stop again to stop."  # the spoken "stop"'s question (voice_commands)
LAST_STEP = "This is the last step."
CONFIRM_QUIT = "A session is running. Stop it and close? Press Y to stop, or N to go on."
GOING_ON = "Going on."
TAIL_SECONDS = 0.5  # after the last words are heard, before the question and the end
START_GAP_SECONDS = 0.3  # between a prompt still being heard and a session's first words
UNKNOWN_SAY_SECONDS = 1.5  # how long an unrendered phrase is taken to last
COUNTS = ("rep", "count")  # cues that are a number; everything else spoken is an instruction
# Rendered with the cues, so no prompt waits for the speech engine.
PROMPTS = (CONFIRM_STOP, LAST_STEP, CONFIRM_QUIT, GOING_ON, BACK_WORDS, spoken_question("before"),
           spoken_question("after"), SAY_STOP_AGAIN,
           spoken_answer(KneeFeel(None)), *(spoken_answer(KneeFeel(n)) for n in range(11)))

Say = Callable[[str], None]
# Asks "How do your knees feel?" (None: not asked); speaks through the Say it is given.
Asker = Callable[[When, Say], KneeFeel | None]


class Recorder(Protocol):
    """What the driver needs from a history recorder (``history.recorder``)."""

    def keep_after(self, feel: KneeFeel | None) -> None: ...

    def detach(self) -> None: ...


RecorderFactory = Callable[[Session, KneeFeel], Recorder]


class SessionDriver(QObject):
    started = Signal(object)  # Session: recorder attached, before the first cue
    state_changed = Signal(object)  # State
    step_started = Signal(object)  # StepSpan
    cue = Signal(object)  # Cue, as it is played
    played = Signal(object, float, object)  # Cue, handed over at (clock), heard at or None
    dropped = Signal(object)  # Cue, too late: skipped
    announced = Signal(str)  # a control's spoken confirmation (pause, skip, stop, …)
    spoken = Signal(str)  # every phrase handed to the voice
    stop_armed = Signal(bool)  # Esc pressed once: waiting for the second
    ended = Signal(object)  # Session finished or stopped (at once)
    done = Signal(object)  # Session: last words heard, knee question asked, record closed
    message = Signal(str)  # to show the user (problems, history news)
    outage = Signal(str)  # no sound (the words: shown until it is back), or back ("")

    def __init__(self, voice: Voice, timers: Timers | None = None, *,
                 recorder: RecorderFactory | None = None, asker: Asker | None = None,
                 ask_after_stop: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.voice = voice
        self.timers: Timers = timers or QtTimers()
        self.clock = self.timers.clock
        self.recorder_factory = recorder
        self.asker = asker
        self.ask_after_stop = ask_after_stop
        self.session: Session | None = None
        self.scheduler: CueScheduler | None = None
        self.recorder: Recorder | None = None
        self._stop_armed_at: float | None = None
        self._heard_until = 0.0  # clock time at which everything handed over is heard
        self._last_instruction: Cue | None = None
        self._last_count: Cue | None = None
        self._rep = 0  # counts heard in the current step
        self._holding = 0  # questions waiting for an answer: keep the output open
        self._open_end = False  # ended, not yet concluded
        self._ending = self.timers.timer("session-end", self._end_tick, self)
        self._release = self.timers.timer("prompt-release", self._release_tick, self)
        self._starting = self.timers.timer("session-start", self._begin, self)
        voice.problem.connect(self.message.emit)
        voice.outage.connect(self.outage.emit)

    # ---- reading ---------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.session is not None and (self.session.active or self._starting.active)

    @property
    def state(self) -> State | None:
        return self.session.state if self.session else None

    @property
    def ending(self) -> bool:
        """Ended, but the last words, the question or the record are not done yet."""
        return self._open_end

    @property
    def heard_until(self) -> float:
        """Clock time by which everything handed to the voice so far will have been heard."""
        return self._heard_until

    def position(self) -> float:
        return self.session.position() if self.session else 0.0

    # ---- getting ready ---------------------------------------------------------------
    def plan(self, routine: Routine, settings: PlanSettings,
             progress: Progress | None = None) -> tuple[Timeline, list[str]]:
        """Render every phrase the session and its prompts may say; the fitted timeline."""
        return self.voice.plan(routine, settings, progress,
                               extra=self._extra_phrases(routine, settings))

    def timeline(self, routine: Routine, settings: PlanSettings,
                 progress: Progress | None = None) -> tuple[Timeline, list[str]]:
        """The timeline :meth:`plan` would give, without opening the output (ready screen)."""
        return self.voice.timeline(routine, settings, progress,
                                   extra=self._extra_phrases(routine, settings))

    @staticmethod
    def _extra_phrases(routine: Routine, settings: PlanSettings) -> list[str]:
        """Prompts and status pieces, rendered with the cues so that both fit the same clips."""
        return [*PROMPTS, *status.all_pieces(compile_timeline(routine, settings))]

    # ---- controls --------------------------------------------------------------------
    def start(self, timeline: Timeline, feel_before: KneeFeel | None = None) -> Session:
        if self.active:
            raise RuntimeError("a session is already running")
        if self.ending:
            self._conclude(ask=False)
        self._drop_scheduler()
        self._release.stop()
        session = Session(timeline, self.clock, lookahead=self.voice.latency)
        scheduler = CueScheduler(session, self, self.timers)
        scheduler.cue.connect(self._on_cue)
        scheduler.dropped.connect(self.dropped.emit)
        scheduler.announce.connect(self._on_announce)
        scheduler.state_changed.connect(self._on_state)
        scheduler.step_started.connect(self._on_step_started)
        self.session, self.scheduler = session, scheduler
        self._last_instruction = self._last_count = None
        self._rep = 0
        if self.recorder_factory is not None:
            self.recorder = self.recorder_factory(session, feel_before or KneeFeel(None))
        self.started.emit(session)
        # A prompt still being heard (the knee question's read-back) finishes first.
        self._starting.start_at(max(self.clock.now(), self._heard_until + START_GAP_SECONDS))
        if self._heard_until + START_GAP_SECONDS <= self.clock.now():
            self._begin()
        return session

    def _begin(self) -> None:
        self._starting.stop()
        if self.scheduler is not None and self.state is State.READY:
            self.scheduler.start()

    def toggle_pause(self) -> None:
        if self.scheduler and self.active:
            self._disarm()
            self.scheduler.toggle_pause()

    def skip(self) -> None:
        if self.scheduler and self.session and self.active:
            self._disarm()
            if self.session.current_step.index + 1 >= len(self.session.timeline.steps):
                self._on_announce(LAST_STEP)
                return
            self._silence()
            self.scheduler.skip()

    def repeat(self) -> None:
        """The last full instruction again, then the last count if one came after it."""
        if not self.active:
            return
        self._disarm()
        cues = sorted((c for c in (self._last_instruction, self._last_count) if c is not None),
                      key=lambda c: c.index)
        if cues and cues[-1].event.kind not in COUNTS:
            cues = cues[-1:]
        self._play_in_a_row([(c.event.text or "", c.event.kind) for c in cues])

    def where_am_i(self) -> str:
        """Say (and return) where the session is: leg, step, count or seconds, time left."""
        session = self.session
        if session is None or not self.active:
            self.say(status.NO_SESSION)
            return status.NO_SESSION
        self._disarm()
        pos = session.position()
        parts = status.pieces(session.timeline, pos, session.current_step, self._rep)
        self._play_in_a_row([(p, "say") for p in parts])
        return " ".join(parts)

    def request_stop(self, confirm: str = CONFIRM_STOP,
                     within: float = STOP_CONFIRM_SECONDS) -> bool:
        """Esc: the first press asks (spoken, ``confirm``), a second one within ``within``
        seconds stops. Returns True if the session stopped."""
        if not self.active:
            return False
        now = self.clock.now()
        if self._stop_armed_at is not None and now - self._stop_armed_at <= within:
            self.stop()
            return True
        self._stop_armed_at = now
        self._on_announce(confirm)
        self.stop_armed.emit(True)
        return False

    def stop(self) -> None:
        if self._starting.active:
            self._begin()  # started and stopped at once: recorded, as the user saw it begin
        if self.scheduler and self.active:
            self._disarm()
            self.scheduler.stop()

    def close(self) -> None:
        """The app is quitting: stop (recorded as stopped), close the record without
        asking, release the output; no timer is left running."""
        self.stop()
        self._conclude(ask=False)
        self._release.stop()
        self._drop_scheduler()
        self.voice.close()

    # ---- prompts ---------------------------------------------------------------------
    def say(self, text: str) -> None:
        """Speak an untimed phrase now, session or not: a prompt opens the output."""
        if not self._open_output():
            return
        self.spoken.emit(text)
        self.voice.say(text)
        self._heard(self.clock.now() + self.voice.latency, text)
        self._release_later()

    def tell(self, text: str) -> None:
        """Show it and say it: the user may have their eyes closed."""
        self.message.emit(text)
        self.say(text)

    def ask(self, when: When) -> KneeFeel | None:
        """The knee question, asked aloud through the asker; None if not asked."""
        if self.asker is None:
            return None
        self._holding += 1
        try:
            return self.asker(when, self.say)
        finally:
            self._holding -= 1
            self._release_later()

    # ---- inside ----------------------------------------------------------------------
    def _open_output(self) -> bool:
        try:
            self.voice.open_output()
        except AudioUnavailable as exc:
            self.message.emit(str(exc))
            return False
        return True

    def _release_later(self) -> None:
        """Close the output once the prompt is heard, unless a session or question holds it."""
        if not self.active and not self.ending:
            self._release.start_at(max(self._heard_until, self.clock.now()) + TAIL_SECONDS)

    def _release_tick(self) -> None:
        if self.active or self.ending or self._holding:
            return
        if self._heard_until + TAIL_SECONDS > self.clock.now() + 1e-6:
            self._release_later()
            return
        self.voice.close()

    def _heard(self, at: float, text: str) -> None:
        if not self.voice.audible:  # shown only: nothing to wait for before going on
            return
        length = self.voice.duration(text)
        end = at + (length if length is not None else UNKNOWN_SAY_SECONDS)
        self._heard_until = max(self._heard_until, end)

    def _play_in_a_row(self, phrases: Sequence[tuple[str, EventKind]]) -> None:
        """Phrases back to back, the first heard as soon as the output can place it."""
        if not phrases or not self._open_output():
            return
        at = self.clock.now() + self.voice.latency
        for text, kind in phrases:
            self.spoken.emit(text)
            heard = self.voice.play_at(text, kind, at)
            start = heard if heard is not None else at
            length = self.voice.duration(text)
            end = start + (length if length is not None else UNKNOWN_SAY_SECONDS)
            if self.voice.audible:
                self._heard_until = max(self._heard_until, end)
            at = end + 0.15
        self._release_later()

    def _silence(self) -> None:
        self.voice.stop_sound()
        self._heard_until = self.clock.now()

    def _disarm(self) -> None:
        if self._stop_armed_at is not None:
            self._stop_armed_at = None
            self.stop_armed.emit(False)

    def _on_cue(self, cue: Cue) -> None:
        event = cue.event
        handed = self.clock.now()
        heard: float | None = None
        if event.text or not self.voice.speaks:  # tones stand for text-less beats too
            heard = self.voice.play_at(event.text or "", event.kind, cue.due)
            self._heard(heard if heard is not None else cue.due, event.text or "")
        if event.text:
            self.spoken.emit(event.text)
            if event.kind in COUNTS:
                self._last_count = cue
            else:
                self._last_instruction = cue
        if event.kind in ("rep", "press") and event.rep:
            self._rep = event.rep
        self.played.emit(cue, handed, heard)
        self.cue.emit(cue)

    def _on_announce(self, text: str) -> None:
        self.say(text)
        self.announced.emit(text)

    def _on_step_started(self, span: StepSpan) -> None:
        self._rep = 0
        self.step_started.emit(span)

    def _on_state(self, state: State) -> None:
        if state in (State.PAUSED, State.STOPPED):
            self._silence()
        self.state_changed.emit(state)
        if state in (State.FINISHED, State.STOPPED):
            self._disarm()
            self._open_end = True
            self.ended.emit(self.session)
            # Checked once the confirmation that follows this change has been handed over.
            self._ending.start_at(self.clock.now())

    def _end_tick(self) -> None:
        """After the end: wait for the last words on the clock, then ask and close."""
        wait_until = self._heard_until + TAIL_SECONDS
        if wait_until > self.clock.now() + 1e-6:
            self._ending.start_at(wait_until)
            return
        self._conclude(ask=True)

    def _conclude(self, ask: bool) -> None:
        self._ending.stop()
        session, recorder = self.session, self.recorder
        if not self._open_end or session is None:
            return
        self.recorder = None
        if recorder is not None:
            stopped = session.state is State.STOPPED
            if ask and (self.ask_after_stop or not stopped):
                recorder.keep_after(self.ask("after"))
            recorder.detach()
        self._open_end = False
        self.done.emit(session)
        if ask:
            self._release_later()

    def _drop_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
            dispose(self.scheduler)
            self.scheduler = None
