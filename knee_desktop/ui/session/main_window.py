"""The main window: puts the panels together and follows the session driver.

Seams for the rest of the app:
- ``voice_factory``: called once, when the window is made (``--silent``: SilentVoice; the
  real voice otherwise, wired in ``ui/app/launch.py: voice_factory_for``); closed with the window;
- ``driver``: the session driver (``runtime/driver.py``); its recorder factory and knee
  question asker are plugged in by ``ui/app/wiring.py``;
- ``session_ended``: a session finished or was stopped;
- ``history_action``, ``settings_action``, ``about_action``: menu actions, disabled until
  :meth:`connect_action` gives them something to do;
- :meth:`set_plan_settings`: the saved settings (or the command line's) for new sessions.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from knee_desktop.common.errors import KneeError
from knee_desktop.desktop.inhibit import ScreenSaverInhibitor
from knee_desktop.history.feel import KneeFeel
from knee_desktop.plan.pose import Pose
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import StepSpan, Timeline, compile_timeline
from knee_desktop.routine.loader import Catalog
from knee_desktop.routine.model import Routine
from knee_desktop.runtime.audio_unavailable import AudioUnavailable
from knee_desktop.runtime.driver import CONFIRM_QUIT, GOING_ON, SessionDriver
from knee_desktop.runtime.timers import QtTimers, Timers
from knee_desktop.runtime.voice_base import Voice
from knee_desktop.session.clock import Clock
from knee_desktop.session.engine import Cue, Session, State
from knee_desktop.speech.clip import ClipError
from knee_desktop.ui.screen_room import fitted
from knee_desktop.ui.session.controller import SessionController
from knee_desktop.ui.session.controls import ControlBar
from knee_desktop.ui.session.keys import SessionKeys
from knee_desktop.ui.session.routine_panel import RoutinePanel
from knee_desktop.ui.session.session_panel import SessionView, StepList, after_words
from knee_desktop.ui.text import scaled_font

DEFAULT_SIZE = QSize(1120, 640)  # fits 1280×720 and 1366×768 with a panel and title bar
DEFAULT_ROUTINE = "windshield-wiper"  # the guide's own routine comes up first
STATE_WORDS = {
    State.PAUSED: "PAUSED: press Space to go on",
    State.FINISHED: "FINISHED: well done",
    State.STOPPED: "STOPPED",
}


class MainWindow(QMainWindow):
    session_started = Signal(object)  # Session
    session_ended = Signal(object)  # Session, finished or stopped
    state_shown = Signal(object)  # State: its words shown, before the focus moves (a11y.py)
    closed = Signal()  # the window closed (after asking, if a session was running)

    def __init__(self, catalog: Catalog, voice_factory: Callable[[], Voice], *,
                 clock: Clock | None = None, settings: PlanSettings | None = None,
                 inhibitor: ScreenSaverInhibitor | None = None,
                 timers: Timers | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main-window")
        self.setWindowTitle("Knee routine")
        self.catalog = catalog
        self.plan_settings = settings or PlanSettings()
        self._once: PlanSettings | None = None  # a launch's one-off options, next session only
        self.voice = voice_factory()  # the lead wires the real voice; tests pass a fake
        self.driver = SessionDriver(self.voice, timers or QtTimers(clock), parent=self)
        self.controller = SessionController(self.driver, inhibitor, self)
        self.routine: Routine | None = None
        self.timeline: Timeline | None = None
        self._extra: dict[str, Routine] = {}
        # Called before a session started with the Start button (not --start): the
        # knee-feel question goes here (its answer into feel_before). False cancels.
        self.before_session: Callable[[], object] | None = None
        self.feel_before: KneeFeel | None = None

        self.setFont(scaled_font())

        self.routine_panel = RoutinePanel(list(catalog.routines.values()))
        self.session_view = SessionView()
        self.steps = StepList()
        self.controls = ControlBar()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.routine_panel)
        self.pages.addWidget(self.session_view)
        self.steps.setVisible(False)  # behind the "Steps" toggle: the session fills the window
        middle = QHBoxLayout()
        middle.addWidget(self.pages, 1)
        middle.addWidget(self.steps, 0)
        central = QWidget()
        layout = QVBoxLayout(central)
        self.sound_banner = QLabel()  # no sound (server gone): stays until it is back
        self.sound_banner.setObjectName("soundBanner")
        self.sound_banner.setTextFormat(Qt.TextFormat.PlainText)  # a device's name, say
        self.sound_banner.setWordWrap(True)
        self.sound_banner.setStyleSheet("#soundBanner { background: palette(alternate-base);"
                                        " border-left: 6px solid #d98c1f; padding: 8px;"
                                        " font-weight: bold; }")
        self.sound_banner.setVisible(False)
        layout.addWidget(self.sound_banner)
        layout.addLayout(middle, 1)
        layout.addWidget(self.controls)
        # the window is never forced taller than the screen by a moment's long words: the
        # screens fit from 640×480 (tests/test_screen_fit.py checks nothing is clipped)
        central.setMinimumSize(320, 240)
        self.setCentralWidget(central)
        self._build_menu()
        self._connect()
        self.resize(default_size(self))
        first = DEFAULT_ROUTINE if DEFAULT_ROUTINE in catalog.routines \
            else self.routine_panel.current_id()
        self.choose_routine(first)

    def _connect(self) -> None:
        self.routine_panel.routine_chosen.connect(self.choose_routine)
        c = self.controls
        c.start.clicked.connect(self._start_clicked)
        d = self.driver
        c.pause.clicked.connect(d.toggle_pause)
        c.skip.clicked.connect(d.skip)
        c.repeat.clicked.connect(d.repeat)
        c.stop.clicked.connect(d.stop)
        self.controller.frame.connect(self._on_frame)
        d.cue.connect(self._on_cue)
        d.step_started.connect(self._on_step)
        d.state_changed.connect(self._on_state)
        d.stop_armed.connect(self._on_stop_armed)
        d.started.connect(self.session_started)
        d.ended.connect(self.session_ended)
        d.message.connect(self._on_voice_problem)
        d.outage.connect(self._on_outage)
        self.keys = SessionKeys(self, d, start=c.start)  # attached while shown (showEvent)

    # ---- seams -------------------------------------------------------------------------
    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&Routine")
        self.history_action = QAction("&History…", self)
        self.settings_action = QAction("&Settings…", self)
        self.about_action = QAction("&About", self)
        self.where_action = QAction("&Where am I?", self)
        self.where_action.setShortcut(QKeySequence("I"))
        self.where_action.setToolTip("Say the leg, step, count and time left (key I)")
        self.where_action.triggered.connect(self.driver.where_am_i)
        self.quit_action = quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        for action, tip in ((self.history_action, "Past sessions and how your knee felt"),
                            (self.settings_action, "Repetitions, pauses, tempo, voice"),
                            (self.about_action, "About knee-desktop")):
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.setEnabled(False)
        menu.addAction(self.history_action)
        menu.addAction(self.settings_action)
        menu.addAction(self.where_action)
        menu.addSeparator()
        menu.addAction(quit_action)
        view = self.menuBar().addMenu("&View")
        self.steps_action = QAction("Show &steps", self)
        self.steps_action.setCheckable(True)
        self.steps_action.setShortcut(QKeySequence("Ctrl+L"))
        self.steps_action.setToolTip("Show or hide the list of steps beside the session")
        self.steps_action.toggled.connect(self.steps.setVisible)
        self.controls.show_steps.toggled.connect(self.steps_action.setChecked)
        self.steps_action.toggled.connect(self.controls.show_steps.setChecked)
        self.full_screen_action = QAction("&Full screen", self)
        self.full_screen_action.setCheckable(True)
        self.full_screen_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.full_screen_action.setToolTip("Fill the screen with the session (F11)")
        self.full_screen_action.toggled.connect(
            lambda on: self.showFullScreen() if on else self.showNormal())
        view.addAction(self.steps_action)
        view.addAction(self.full_screen_action)
        self.menuBar().addMenu("&Help").addAction(self.about_action)

    def use_voice(self, voice: Voice, refit: bool = True) -> None:
        """Speak with ``voice`` (a launch makes the real one after the window's first
        frame: ui/app/launch.py); the ready screen is fitted to it, unless the caller
        renders its clips in the background first (ui/app/voice_switch.py)."""
        self.voice = voice
        self.driver.use_voice(voice)
        if refit and self.routine is not None and not self.driver.active:
            self.choose_routine(self.routine.id)

    def connect_action(self, action: QAction, slot: Callable[[], object]) -> None:
        action.triggered.connect(slot)
        action.setEnabled(True)

    def set_plan_settings(self, settings: PlanSettings) -> None:
        self.plan_settings = settings.validate()
        if not self.driver.active and self.routine is not None:
            self.choose_routine(self.routine.id)

    def plan_once(self, settings: PlanSettings) -> None:
        """Settings for the next session only (``--start --reps 3``): once it has started,
        the ready screen shows the saved settings again."""
        self._once = settings.validate()
        if not self.driver.active and self.routine is not None:
            self.choose_routine(self.routine.id)

    def next_settings(self) -> PlanSettings:
        return self._once or self.plan_settings

    # ---- before a session -------------------------------------------------------------
    def choose_routine(self, routine_id: str) -> None:
        if self.driver.active:
            return
        routine = self._extra.get(routine_id) or self.catalog.get(routine_id)
        self.routine = routine
        with QSignalBlocker(self.routine_panel.picker):  # else it chose it again (twice at launch)
            known = self.routine_panel.select(routine.id)
        if not known:
            self._extra[routine.id] = routine  # a routine file named on the command line
            self.routine_panel.add(routine)
        self.timeline = self._ready_timeline(self.routine)
        self.routine_panel.show_routine(self.routine, self.timeline)
        presses = any(span.kind == "press" for span in self.timeline.steps)
        self.session_view.diagram.set_picture("thigh" if presses else "legs")
        self.steps.set_steps(self.timeline.steps)
        self.controls.set_total(self.timeline.duration)
        self.pages.setCurrentWidget(self.routine_panel)
        self.controls.set_state(None)

    def _ready_timeline(self, routine: Routine) -> Timeline:
        """The timeline the session will play (fitted to the voice's cached clips), so the
        ready screen shows the running session's duration; estimates if that fails."""
        try:
            timeline, _notes = self.driver.timeline(routine, self.next_settings())
        except (KneeError, ClipError) as exc:
            self._on_voice_problem(str(exc))
            return compile_timeline(routine, self.next_settings())
        return timeline

    def _start_clicked(self) -> None:
        """Start; after a session ended, first back to the routine and its safety words.
        The voice is made ready first, so the knee question and its read-back are heard at
        once and the session's first words wait for them."""
        if self.pages.currentWidget() is self.session_view and self.routine is not None:
            self.choose_routine(self.routine.id)
        elif not self.driver.active and self.prepare_session():
            if self.before_session is not None and self.before_session() is False:
                return
            self.begin_session()

    def start_session(self) -> Session | None:
        if self.driver.active or not self.prepare_session():
            return None
        return self.begin_session()

    def prepare_session(self) -> bool:
        """Render what the session and its prompts say; open the output."""
        if self.routine is None:
            return False
        try:
            self.timeline, notes = self.driver.plan(self.routine, self.next_settings())
        except (KneeError, AudioUnavailable) as exc:
            self._on_voice_problem(str(exc))
            return False
        for note in notes:
            self._on_voice_problem(note)
        return True

    def begin_session(self) -> Session:
        assert self.timeline is not None
        self.steps.set_steps(self.timeline.steps)
        self.controls.set_total(self.timeline.duration)
        self.session_view.set_instruction(self.timeline.title)
        self.session_view.set_count("")
        self.session_view.set_status("")
        self.pages.setCurrentWidget(self.session_view)
        feel, self.feel_before = self.feel_before, None
        self._once = None  # used: the next ready screen is the saved settings' again
        session = self.driver.start(self.timeline, feel_before=feel)
        # Focus on Pause, where it stays for the session: not on the step list, whose
        # current row changes every step (a screen reader would speak each over the voice).
        self.controls.pause.setFocus()
        return session

    # ---- following the session ---------------------------------------------------------
    def _on_frame(self, position: float) -> None:
        poser = self.controller.poser
        if poser is not None and self.driver.state is not State.STOPPED:
            self.session_view.show_pose(poser(position))
        self.controls.set_position(position)

    def _on_cue(self, cue: Cue) -> None:
        event = cue.event
        if event.kind == "rep":
            self.session_view.set_count(f"{event.rep} of {self._reps_in(event.step)}")
        elif event.kind == "count":
            self.session_view.set_count(str(event.rep))
        elif event.kind == "press":
            self.session_view.set_count(f"{event.rep} of {self._reps_in(event.step)}")
            self.session_view.set_instruction(event.text or "")
        elif event.text:
            self.session_view.set_instruction(event.text)
            if event.kind in ("still", "rest", "switch", "end"):
                self.session_view.set_count("")

    def _reps_in(self, step: int) -> int | str:
        span = self.timeline.steps[step] if self.timeline else None
        return span.reps if span is not None and span.reps else "?"

    def _on_step(self, span: StepSpan) -> None:
        self.steps.set_current(span.index)
        self.session_view.set_instruction(span.title)
        self.session_view.set_count("")

    def _on_state(self, state: State) -> None:
        # the count gives up its room before the bigger Start comes back: no growing window
        self.session_view.set_over(state in (State.FINISHED, State.STOPPED))
        self.session_view.set_status(STATE_WORDS.get(state, ""))
        self.state_shown.emit(state)
        self.controls.set_state(state)
        if state is State.FINISHED:  # the status line says it; the words keep the rest
            self.session_view.set_instruction(after_words(self.session_view.instruction.text()))
            self.session_view.set_count("")
        if state is State.STOPPED:  # say it once; no stale words, count or ring
            self.session_view.set_instruction("")
            self.session_view.set_count("")
            self.session_view.show_pose(Pose("end", None, step_title="Stopped"))
        self.routine_panel.picker.setEnabled(state not in (State.RUNNING, State.PAUSED))
        if state is State.FINISHED:
            self.steps.set_current(len(self.timeline.steps) if self.timeline else 0)

    def _on_stop_armed(self, armed: bool) -> None:
        session = self.driver.session
        if armed:
            self.session_view.set_status("Press Esc again to stop")
        elif session is not None:
            self.session_view.set_status(STATE_WORDS.get(session.state, ""))

    def _on_voice_problem(self, text: str) -> None:
        self.statusBar().showMessage(text)

    def _on_outage(self, text: str) -> None:
        """The banner (its text is its accessible name); a screen reader is told at once."""
        self.sound_banner.setText(text)
        self.sound_banner.setAccessibleName(text or "Sound")
        self.sound_banner.setVisible(bool(text))
        if text:  # (QAccessible's types are made when first needed: ~1 ms of a launch)
            from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

            event = QAccessibleAnnouncementEvent(self.sound_banner, text)
            event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
            QAccessible.updateAccessibility(event)

    def showEvent(self, event: QShowEvent) -> None:
        self.keys.attach()  # shown (again, e.g. from the tray after a close): keys work
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing (or Ctrl+Q) during a session asks first, aloud and on screen; a session
        stopped this way is recorded as stopped."""
        if self.driver.active and not self.confirm_stop_and_close():
            event.ignore()
            return
        self.controller.close()
        self.driver.close()
        self.keys.detach()
        super().closeEvent(event)
        self.closed.emit()

    def confirm_stop_and_close(self) -> bool:
        with self.driver.holding():  # the session waits for the answer
            self.driver.say(CONFIRM_QUIT)
            answer = QMessageBox.question(
                self, "Stop the session?", "A session is running. Stop it and close?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            self.driver.say(GOING_ON)
            return False
        self.driver.stop()
        return True


def default_size(window: QWidget) -> QSize:
    """:data:`DEFAULT_SIZE`, or less on a screen too small for it (panels, title bar)."""
    return fitted(window, DEFAULT_SIZE)
