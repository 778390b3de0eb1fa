"""The one session driver, used by `knee-desktop run` and by the window.

It owns a session's :class:`Session`, its :class:`CueScheduler` and the voice, and does everything
a session does apart from drawing it: plays each cue on its beat; speaks the controls'
confirmations and every prompt, one voice at a time (``one_voice``): an answer the person asked for
holds the session's clock while it is heard, then the session goes on after a breath from where the
person last heard it; after the end, waits for the last words, asks the knee question through the
injected *asker* and closes the history record (the *recorder factory*). Its public controls
(toggle_pause, pause, resume, skip, repeat, where_am_i, request_stop, stop) are the single entry
points for keys, media keys, the terminal and spoken commands. Views only follow its Signals.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from knee_desktop.history.feel import KneeFeel, When
from knee_desktop.plan.timeline import EventKind, StepSpan, Timeline, compile_timeline
from knee_desktop.runtime import status
from knee_desktop.runtime.audio_unavailable import AudioUnavailable
from knee_desktop.runtime.driver_seams import Asker, Recorder, RecorderFactory
from knee_desktop.runtime.one_voice import COUNTS, Heard, Speaker
from knee_desktop.runtime.prompts import CONFIRM_QUIT as CONFIRM_QUIT
from knee_desktop.runtime.prompts import CONFIRM_STOP, LAST_STEP, PROMPTS
from knee_desktop.runtime.prompts import GOING_ON as GOING_ON
from knee_desktop.runtime.qt_workarounds import dispose
from knee_desktop.runtime.scheduler import CueScheduler
from knee_desktop.runtime.timers import QtTimers, Timers
from knee_desktop.runtime.voice_base import Voice
from knee_desktop.session.engine import Cue, Session, State

if TYPE_CHECKING:
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.routine.model import Routine
    from knee_desktop.speech.render import Progress

STOP_CONFIRM_SECONDS = 5.0  # a second Esc within this long stops the session
TAIL_SECONDS = 0.5  # after the last words are heard, before the question and the end
START_GAP_SECONDS = 0.3  # between a prompt still being heard and a session's first words

class SessionDriver(QObject):
    started = Signal(object)  # Session: recorder attached, before the first cue
    state_changed = Signal(object)  # State
    step_started = Signal(object)  # StepSpan
    cue = Signal(object)  # Cue, as it is played
    played = Signal(object, float, object)  # Cue, handed over at (clock), heard at or None
    dropped = Signal(object)  # Cue, too late: skipped
    announced = Signal(str)  # a control's spoken confirmation (pause, skip, stop, …)
    spoken = Signal(str)  # every phrase handed to the voice
    stop_armed = Signal(bool)  # Esc pressed once: waiting for the second (False: not now)
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
        self.heard = Heard()  # this session's cues, as far as they will be heard
        self.speaker = Speaker(voice, self.timers, self._forget, self)
        self.floor = self.speaker.floor
        self.recorder_factory = recorder
        self.asker = asker
        self.ask_after_stop = ask_after_stop
        self.idle_hint = ""  # said after "No session is running." (the window: how to start)
        self.session: Session | None = None
        self.scheduler: CueScheduler | None = None
        self.recorder: Recorder | None = None
        self._stop_armed_at: float | None = None
        self._holding = 0  # questions waiting for an answer: keep the output open
        self._open_end = False  # ended, not yet concluded
        self._ending = self.timers.timer("session-end", self._end_tick, self)
        self._release = self.timers.timer("prompt-release", self._release_tick, self)
        self._starting = self.timers.timer("session-start", self._begin, self)
        self._stop_window = self.timers.timer("stop-window", self._disarm, self)
        self.use_voice(voice)

    def use_voice(self, voice: Voice) -> None:
        """Speak with ``voice`` from now on; given before anything is said (the window's
        launch makes its real voice after the first frame: ui/app/launch.py)."""
        self.voice = self.speaker.voice = self.speaker.floor.voice = voice
        voice.problem.connect(self.message.emit)
        voice.outage.connect(self.outage.emit)
        voice.tell.connect(self.say)  # the sound back or moved: one voice at a time

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
        return self.floor.heard_until

    def position(self) -> float:
        return self.session.position() if self.session else 0.0

    # ---- getting ready ---------------------------------------------------------------
    def plan(self, routine: Routine, settings: PlanSettings,
             progress: Progress | None = None) -> tuple[Timeline, list[str]]:
        """Render every phrase the session and its prompts may say; the fitted timeline."""
        return self.voice.plan(routine, settings, progress,
                               extra=self.extra_phrases(routine, settings))

    def timeline(self, routine: Routine, settings: PlanSettings,
                 progress: Progress | None = None) -> tuple[Timeline, list[str]]:
        """The timeline :meth:`plan` would give, without opening the output (ready screen)."""
        return self.voice.timeline(routine, settings, progress,
                                   extra=self.extra_phrases(routine, settings))

    @staticmethod
    def extra_phrases(routine: Routine, settings: PlanSettings) -> list[str]:
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
        self.speaker.scheduler, self.speaker.restart = scheduler, None
        self.heard = Heard()
        if self.recorder_factory is not None:
            self.recorder = self.recorder_factory(session, feel_before or KneeFeel(None))
        self.started.emit(session)
        # A prompt still being heard (the knee question's read-back) finishes first.
        begin = self.floor.heard_until + START_GAP_SECONDS
        self._starting.start_at(max(self.clock.now(), begin))
        if begin <= self.clock.now():
            self._begin()
        return session

    def _begin(self) -> None:
        self._starting.stop()
        if self.scheduler is not None and self.state is State.READY:
            self.scheduler.start()

    def toggle_pause(self) -> None:
        """Space: pause, or go on."""
        self.resume() if self.state is State.PAUSED else self.pause()

    def pause(self) -> None:
        """A count cut by the pause is said again on going on; one not yet begun begins paused."""
        self._begin()  # (does nothing once begun)
        if self.scheduler and self.state is State.RUNNING:
            self._disarm()
            self.scheduler.pause(self.speaker.make_room())

    def resume(self) -> None:
        if self.scheduler and self.state is State.PAUSED:
            self._disarm()
            self.scheduler.resume()

    def skip(self) -> None:
        if self.scheduler and self.session and self.active:
            self._disarm()
            if self.session.current_step.index + 1 >= len(self.session.timeline.steps):
                self._on_announce(LAST_STEP)
                return
            self.speaker.make_room()
            self.scheduler.skip()

    def repeat(self) -> None:
        """The last full instruction again, then the last count if one came after it. What
        is said again counts as heard: a still pause's instruction restarts its timing, a
        phrase cut short by this very key is not said a third time."""
        if not self.active or not self._open_output():
            return
        self._disarm()
        cut = self.speaker.hold()
        cues = self.heard.last(cut)
        session = self.session
        if cues and session is not None and session.held \
                and cues[-1].event.step == session.current_step.index \
                and (cues[-1] in cut or cues[-1].event.kind not in COUNTS):
            event = cues[-1].event
            self.speaker.restart = (event.t + self.floor.length(event.text or ""),
                                    cues[-1].index + 1)
        self._place([(c.event.text or "", c.event.kind) for c in cues])

    def where_am_i(self) -> str:
        """Say (and return) where the session is: leg, step, count or seconds, time left."""
        session = self.session
        if not self._open_output():
            return ""
        self._disarm()
        if not self.ending:  # the closing words are not cut: the answer waits for them
            self.speaker.hold()  # first: the answer says where the person is when heard
        if session is None or not self.active:
            words = [status.NO_SESSION, *([self.idle_hint] if self.idle_hint else [])]
        else:
            words = status.pieces(session.timeline, session.position(),
                                  session.current_step, self.heard.rep)
        self._place([(w, "say") for w in words], untimed=session is None or not self.active)
        return " ".join(words)

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
        self._stop_window.start_at(now + within)
        self._on_announce(confirm)
        self.stop_armed.emit(True)
        return False

    def stop(self) -> None:
        self._begin()  # started and stopped at once: recorded, as the user saw it begin
        if self.scheduler and self.active:
            self._disarm()
            self.speaker.make_room()
            self.scheduler.stop()

    def close(self) -> None:
        """The app is quitting: stop (recorded as stopped), close the record without
        asking, release the output; no timer is left running."""
        self.stop()
        self._conclude(ask=False)
        self._release.stop()
        self.speaker.stop()
        self._drop_scheduler()
        self.voice.close()

    @contextmanager
    def holding(self) -> Iterator[None]:
        """A question on screen (the close dialog): the session stays held until it is
        answered, whatever is said meanwhile."""
        self.speaker.questions += 1
        try:
            yield
        finally:
            self.speaker.questions -= 1
            self.speaker.go_on_later()

    # ---- prompts ---------------------------------------------------------------------
    def say(self, text: str) -> None:
        """Speak an untimed phrase now, session or not, one voice at a time: what is
        sounding makes room, and a running session holds while it is heard."""
        if self._open_output():
            self.speaker.hold()
            self._place([(text, "say")], untimed=True)

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

    # ---- one voice at a time (runtime/one_voice.py) -----------------------------------
    def _forget(self, unheard: int) -> None:
        self.heard.forget(unheard, self.session.current_step.index if self.session else -1)

    def _place(self, phrases: Sequence[tuple[str, EventKind]], untimed: bool = False) -> None:
        for text, _kind in phrases:
            self.spoken.emit(text)
        self.speaker.place(phrases, untimed)
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
            self._release.start_at(max(self.floor.heard_until, self.clock.now()) + TAIL_SECONDS)

    def _release_tick(self) -> None:
        if self.active or self.ending or self._holding:
            return
        if self.floor.heard_until + TAIL_SECONDS > self.clock.now() + 1e-6:
            self._release_later()
            return
        self.voice.close()

    def _disarm(self) -> None:
        self._stop_window.stop()
        if self._stop_armed_at is not None:
            self._stop_armed_at = None
            self.stop_armed.emit(False)

    def _on_cue(self, cue: Cue) -> None:
        event = cue.event
        handed = self.clock.now()
        heard: float | None = None
        if event.text or not self.voice.speaks:  # tones stand for text-less beats too
            heard = self.floor.place_cue(cue)
        if event.text:
            self.spoken.emit(event.text)
        self.heard.add(cue)
        self.played.emit(cue, handed, heard)
        self.cue.emit(cue)

    def _on_announce(self, text: str) -> None:
        self.say(text)
        self.announced.emit(text)

    def _on_step_started(self, span: StepSpan) -> None:
        self.heard.rep = 0
        self.step_started.emit(span)

    def _on_state(self, state: State) -> None:
        if state in (State.PAUSED, State.STOPPED):
            self.speaker.make_room()
        self.state_changed.emit(state)
        if state in (State.FINISHED, State.STOPPED):
            self._disarm()
            self._open_end = True
            self.ended.emit(self.session)
            # Checked once the confirmation that follows this change has been handed over.
            self._ending.start_at(self.clock.now())

    def _end_tick(self) -> None:
        """After the end: wait for the last words on the clock, then ask and close."""
        wait_until = self.floor.heard_until + TAIL_SECONDS
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
            self.scheduler = self.speaker.scheduler = None
