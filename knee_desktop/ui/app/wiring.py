"""Connect the main window to the rest of the app: history, knee feel, settings, about,
the reminder and quitting.

The window exposes seams (menu actions, ``driver``, ``before_session``, ``session_ended``);
this module is the one place that plugs the other parts into them. The session itself,
its last words, the question after it and its record are the driver's
(``runtime/driver.py``); here are only the window's answers to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from knee_desktop.common.app_command import app_command
from knee_desktop.common.errors import KneeError
from knee_desktop.prefs import user_settings as us
from knee_desktop.runtime.voice_base import NoAudioVoice

# What a window opened later, a session or its end needs is imported when it is needed:
# the window shows before the history, settings and about rooms, the reminder's tray and
# the voice switch are loaded.
if TYPE_CHECKING:
    from knee_desktop.desktop.tray import ReminderController
    from knee_desktop.history.feel import KneeFeel, When
    from knee_desktop.history.progress import SmallerMoves
    from knee_desktop.history.records import Row
    from knee_desktop.history.store import HistoryStore
    from knee_desktop.prefs.user_settings import Reminder
    from knee_desktop.runtime.driver_seams import Recorder
    from knee_desktop.runtime.preview import VoicePreview
    from knee_desktop.session.engine import Session
    from knee_desktop.ui.app.a11y import Announcer
    from knee_desktop.ui.app.listening import WindowListening
    from knee_desktop.ui.app.voice_switch import VoiceSwitch
    from knee_desktop.ui.history.window import HistoryWindow
    from knee_desktop.ui.session.main_window import MainWindow

log = logging.getLogger(__name__)


@dataclass
class Wiring:
    """What the window was wired to; kept so settings changes can reach it."""

    window: MainWindow
    settings: us.UserSettings
    history: HistoryWindow | None = None
    reminder: ReminderController | None = None
    silent_ok: bool = False  # the user agreed to a session with no sound
    preview: VoicePreview | None = None
    announcer: Announcer | None = None  # screen readers: follows settings.who_speaks
    listening: WindowListening | None = None  # spoken commands: follows settings.listen
    _voice_switch: VoiceSwitch | None = None

    @property
    def voice_switch(self) -> VoiceSwitch:
        """Renders a voice changed in Settings (made when first needed)."""
        if self._voice_switch is None:
            from knee_desktop.ui.app.voice_switch import VoiceSwitch

            self._voice_switch = VoiceSwitch(self.window)
        return self._voice_switch

    # ---- the session ---------------------------------------------------------------------
    def ask_before(self) -> bool:
        """Before a session started from the window (not ``--start``): can it be heard, and
        how do the knees feel? False: do not start."""
        self.window.feel_before = None
        if isinstance(self.window.voice, NoAudioVoice) and not self.silent_ok:
            answer = QMessageBox.question(
                self.window, "No sound",
                f"{self.window.voice.reason}\n\nStart without any voice? You would have to "
                "watch the screen.")
            if answer != QMessageBox.StandardButton.Yes:
                return False
            self.silent_ok = True
        if self.settings.knee_feel:
            feel = self.window.driver.ask("before")
            if feel is None:  # Escape: the user chose not to start now (and heard so)
                return False
            self.window.feel_before = feel
        return True

    def ask_feel(self, when: When, say: Callable[[str], None]) -> KneeFeel | None:
        """The driver's asker: the dialog, spoken through the driver's voice."""
        from knee_desktop.ui.dialogs.knee_feel import ask_knee_feel

        if not self.settings.knee_feel:
            return None
        announcer = self.announcer
        if announcer is None:
            return ask_knee_feel(self.window, when=when, speak=say)
        announcer.decide()  # a screen reader reads the dialog: the voice does not ask too

        def speak(text: str) -> None:  # the answer said back, for the screen reader too
            say(text)
            announcer.announce(text)

        return ask_knee_feel(self.window, when=when, speak=speak,
                             ask_aloud=not announcer.screen_reader)

    def record(self, session: Session, feel: KneeFeel) -> Recorder:
        """The driver's recorder: the user's history file."""
        from knee_desktop.history.recorder import HistoryRecorder

        recorder = HistoryRecorder.attach(session, feel_before=feel.score, note=feel.note)
        recorder.problem.connect(self.tell)
        recorder.recovered.connect(self.tell)
        recorder.notice.connect(self.tell)
        recorder.unsaved_at_end.connect(self.tell)
        return recorder

    @property
    def recorder(self) -> Recorder | None:
        return self.window.driver.recorder

    def session_done(self, session: Session) -> None:
        if self.history is not None:
            self.history.refresh()
        self.after_session(session)

    def after_session(self, session: Session,
                      store: HistoryStore | None = None) -> QMessageBox | None:
        """The safety nudge, said and shown, when this session felt meaningfully worse
        after than before and so did another of the last three; smaller moves offered."""
        from knee_desktop.history.progress import nudge_after, smaller_moves
        from knee_desktop.ui.dialogs.nudge import offer_smaller_moves

        found = nudge_after(self._rows(store))
        if found is None:
            return None
        self.tell(found.text())
        s = session.timeline.settings
        moves = smaller_moves({"reps": s.reps, "sweep": s.sweep_seconds,
                               "circle": s.circle_seconds})
        return offer_smaller_moves(self.window, found, moves, self.smaller_next_time)

    def smaller_next_time(self, moves: SmallerMoves) -> None:
        """Accepted: the next session only, with fewer repetitions and a slower tempo."""
        plan = replace(self.window.next_settings(), reps=moves.reps,
                       sweep_seconds=moves.sweep_seconds, circle_seconds=moves.circle_seconds)
        self.window.plan_once(plan)
        self.tell(f"Your next session has smaller moves: {moves.text()}.")

    @staticmethod
    def _rows(store: HistoryStore | None = None) -> list[Row]:
        """The history's sessions, oldest first, without damaged ones ([] if unreadable)."""
        from knee_desktop.history.records import HistoryError
        from knee_desktop.history.store import HistoryStore

        store = store or HistoryStore(read_only=True)
        try:
            return [r for r in reversed(store.rows()) if not r.damaged]
        except HistoryError:
            return []
        finally:
            store.close()

    def reminder_body(self) -> str:
        """The reminder's words, with how the week is going against the weekly target."""
        from knee_desktop.desktop.tray import BODY as REMINDER_BODY
        from knee_desktop.history.records import local_now
        from knee_desktop.history.report import week_words

        days = [r.started.date() for r in self._rows() if r.legs_done]
        week = week_words(days, self.settings.weekly_target, local_now().date())
        return f"{week} {REMINDER_BODY}"

    def follow_screen_readers(self) -> None:
        """Announcements for a screen reader, as ``settings.who_speaks`` says (it asks the
        desktop whether one runs; a launch does this after the window's first frame)."""
        from knee_desktop.ui.app.a11y import Announcer

        self.announcer = Announcer(self.window, lambda: self.settings.who_speaks)

    def tell_about_voice(self) -> None:
        """What the user must know about the voice (no sound, the chosen voice missing),
        shown at once and said: no one hears a warning once their eyes are closed."""
        voice = self.window.voice
        before = voice.reason if isinstance(voice, NoAudioVoice) else " ".join(voice.notes)
        if not before:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "About the voice", before,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)  # (it may come before a launch's guard)
        box.setAccessibleName("About the voice")
        box.open()
        self.window.statusBar().showMessage(before)
        if not isinstance(voice, NoAudioVoice) and voice.speaks:
            self.window.driver.say(before)  # e.g. the chosen voice is missing: the default says

    def tell(self, message: str) -> None:
        """Show and say it: the user may have their eyes closed."""
        self.window.driver.tell(message)

    # ---- quitting ------------------------------------------------------------------------
    def window_closed(self) -> None:
        """Quit, unless the reminder lives on in a tray icon the user can see."""
        tray = self.reminder.tray if self.reminder is not None else None
        if tray is not None and tray.isVisible():
            return
        if self.history is not None:
            self.history.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    # ---- other windows -------------------------------------------------------------------
    def open_history(self) -> None:
        from knee_desktop.ui.history.window import HistoryWindow

        if self.history is None:
            self.history = HistoryWindow(weekly_target=self.settings.weekly_target)
            self.history.setWindowTitle("History · Knee routine")
            self.history.resize(1000, 720)
        else:
            self.history.refresh()
        self.history.show()
        self.history.raise_()
        self.history.activateWindow()

    def open_settings(self) -> None:
        from knee_desktop.runtime.preview import VoicePreview
        from knee_desktop.ui.settings.opening import edit_settings

        if self.preview is None:
            self.preview = VoicePreview(self._preview_tempo, self.tell, self.window)
        edit_settings(self.window, preview=self.preview, on_saved=self.settings_saved)

    def _preview_tempo(self) -> float:
        """Seconds between the sample counts: the sweep tempo the next session would use."""
        timeline = self.window.timeline
        return timeline.settings.sweep_seconds if timeline is not None else 2.0

    def settings_saved(self, new: us.UserSettings, changes: us.Changes) -> None:
        self.settings = new if self.listening is None else self.listening.apply(new)
        if changes.rerender_speech:
            self.voice_switch.change(new)  # rendered in the background, used next session
        if changes.replan:
            self.window.set_plan_settings(new.to_plan_settings())
        if self.history is not None and "weekly_target" in changes.fields:
            self.history.set_weekly_target(new.weekly_target)
        if changes.reminder and self.reminder is not None:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_reminder(app, self.reminder, new.reminder)

    def open_about(self) -> None:
        from knee_desktop.ui.dialogs.about import AboutDialog

        app = QApplication.instance()
        icon = app.windowIcon() if isinstance(app, QApplication) else None
        AboutDialog(self.window, icon=icon).open()


def start_reminder(app: QApplication, reminder: Reminder,
                   open_window: Callable[[], None]) -> ReminderController:
    """The daily reminder, following the saved settings (it does nothing while off).

    With the reminder on and a tray available, closing the window leaves the app in the
    tray; call :func:`apply_reminder` again after the settings change.
    """
    from knee_desktop.desktop.tray import ReminderController

    controller = ReminderController(app.windowIcon(), parent=app)
    controller.open_requested.connect(open_window)
    apply_reminder(app, controller, reminder)
    return controller


def apply_reminder(app: QApplication, controller: ReminderController,
                   reminder: Reminder) -> None:
    from knee_desktop.prefs.reminder import set_autostart

    controller.apply(reminder)
    app.setQuitOnLastWindowClosed(controller.tray is None)
    try:
        set_autostart(reminder.enabled, app_command("--tray"))
    except (OSError, KneeError) as exc:
        log.warning("could not update the login entry for the reminder: %s", exc)


def wire_window(window: MainWindow, settings: us.UserSettings,
                rest_later: bool = False) -> Wiring:
    """Plug the history, the knee question and the rooms into ``window``; then, unless the
    caller does it later (a launch, after the window's first frame, once its real voice is
    made), the screen-reader announcements and what must be known about the voice."""
    wiring = Wiring(window, settings)
    window.before_session = wiring.ask_before
    driver = window.driver
    driver.recorder_factory = wiring.record
    driver.asker = wiring.ask_feel
    driver.done.connect(wiring.session_done)
    window.closed.connect(wiring.window_closed)
    window.connect_action(window.history_action, wiring.open_history)
    window.connect_action(window.settings_action, wiring.open_settings)
    window.connect_action(window.about_action, wiring.open_about)
    if not rest_later:
        wiring.follow_screen_readers()
        wiring.tell_about_voice()
    return wiring
