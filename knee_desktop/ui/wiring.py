"""Connect the main window to the rest of the app: history, knee feel, settings, about.

The window exposes seams (menu actions, ``controller.observers``, ``before_session``,
``session_ended``); this module is the one place that plugs the other parts into them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from knee_desktop.history.feel import KneeFeel
from knee_desktop.history.recorder import HistoryRecorder
from knee_desktop.prefs import user_settings as us
from knee_desktop.runtime.scheduler import CueScheduler
from knee_desktop.session.engine import STOPPED_SAY, Session, State
from knee_desktop.speech.base import NoAudioVoice
from knee_desktop.ui.a11y import Announcer
from knee_desktop.ui.about import AboutDialog
from knee_desktop.ui.knee_feel import ask_knee_feel
from knee_desktop.ui.settings_dialog import edit_settings

if TYPE_CHECKING:
    from knee_desktop.desktop.tray import ReminderController
    from knee_desktop.runtime.preview import VoicePreview
    from knee_desktop.ui.history_window import HistoryWindow
    from knee_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


@dataclass
class Wiring:
    """What the window was wired to; kept so settings changes can reach it."""

    window: MainWindow
    settings: us.UserSettings
    recorder: HistoryRecorder | None = None
    feel_before: KneeFeel | None = None
    history: HistoryWindow | None = None
    reminder: ReminderController | None = None
    silent_ok: bool = False  # the user agreed to a session with no sound
    preview: VoicePreview | None = None
    announcer: Announcer | None = None  # screen readers: follows settings.who_speaks

    # ---- history ---------------------------------------------------------------------
    def ask_before(self) -> bool:
        """Before a session started from the window (not ``--start``): can it be heard, and
        how do the knees feel? False: do not start."""
        self.feel_before = None
        if isinstance(self.window.voice, NoAudioVoice) and not self.silent_ok:
            answer = QMessageBox.question(
                self.window, "No sound",
                f"{self.window.voice.reason}\n\nStart without any voice? You would have to "
                "watch the screen.")
            if answer != QMessageBox.StandardButton.Yes:
                return False
            self.silent_ok = True
        if self.settings.knee_feel:
            feel = ask_knee_feel(self.window, when="before", speak=self.window.voice.say)
            if feel is None:  # Escape: the user chose not to start now (and heard so)
                return False
            self.feel_before = feel
        return True

    def attach_recorder(self, session: Session, scheduler: CueScheduler) -> None:
        feel = self.feel_before or KneeFeel(None)
        self.feel_before = None
        recorder = HistoryRecorder.attach(session, feel_before=feel.score, note=feel.note)
        recorder.problem.connect(self.tell)
        recorder.recovered.connect(self.tell)
        recorder.notice.connect(self.tell)
        self.recorder = recorder

    def session_ended(self, session: Session) -> None:
        """Let the last words finish, ask how the knees feel, then release the output."""
        recorder, self.recorder = self.recorder, None
        finished = session.state is State.FINISHED
        last_words = (session.timeline.events[-1].text or "") if finished else STOPPED_SAY
        wait = 0.5 + (self.window.voice.duration(last_words) or 0.0)
        QTimer.singleShot(int(wait * 1000), lambda: self._after(recorder))

    def _after(self, recorder: HistoryRecorder | None) -> None:
        if recorder is not None:
            if self.settings.knee_feel:
                recorder.keep_after(ask_knee_feel(self.window, when="after",
                                                  speak=self.window.voice.say)
                                    or KneeFeel(None))
            recorder.detach()
        if self.history is not None:
            self.history.refresh()
        if not self.window.controller.active:
            # An idle window keeps no audio stream (and no feeding timer) open; the next
            # session's voice.plan() opens it again.
            self.window.voice.close()

    def tell(self, message: str) -> None:
        """Show and say it: the user may have their eyes closed."""
        self.window.statusBar().showMessage(message)
        self.window.voice.say(message)

    def open_history(self) -> None:
        from knee_desktop.ui.history_window import HistoryWindow

        if self.history is None:
            self.history = HistoryWindow()
            self.history.setWindowTitle("History · Knee routine")
            self.history.resize(1000, 700)
        else:
            self.history.refresh()
        self.history.show()
        self.history.raise_()
        self.history.activateWindow()

    # ---- settings and about --------------------------------------------------------------
    def open_settings(self) -> None:
        from knee_desktop.runtime.preview import VoicePreview

        if self.preview is None:
            self.preview = VoicePreview(self._preview_tempo, self.tell, self.window)
        edit_settings(self.window, preview=self.preview, on_saved=self.settings_saved)

    def _preview_tempo(self) -> float:
        """Seconds between the sample counts: the sweep tempo the next session would use."""
        timeline = self.window.timeline
        return timeline.settings.sweep_seconds if timeline is not None else 2.0

    def settings_saved(self, new: us.UserSettings, changes: us.Changes) -> None:
        self.settings = new
        if changes.replan:
            self.window.set_plan_settings(new.to_plan_settings())
        if changes.reminder and self.reminder is not None:
            from knee_desktop.ui.app import apply_reminder

            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_reminder(app, self.reminder, new.reminder)

    def open_about(self) -> None:
        app = QApplication.instance()
        icon = app.windowIcon() if isinstance(app, QApplication) else None
        AboutDialog(self.window, icon=icon).open()


def wire_window(window: MainWindow, settings: us.UserSettings) -> Wiring:
    wiring = Wiring(window, settings)
    wiring.announcer = Announcer(window, lambda: wiring.settings.who_speaks)
    window.before_session = wiring.ask_before
    window.controller.observers.append(wiring.attach_recorder)
    window.session_ended.connect(wiring.session_ended)
    window.connect_action(window.history_action, wiring.open_history)
    window.connect_action(window.settings_action, wiring.open_settings)
    window.connect_action(window.about_action, wiring.open_about)
    voice = window.voice
    before = voice.reason if isinstance(voice, NoAudioVoice) else " ".join(voice.notes)
    if before:  # said on screen at once: no one hears a warning once their eyes are closed
        box = QMessageBox(QMessageBox.Icon.Warning, "About the voice", before,
                          QMessageBox.StandardButton.Ok, window)
        box.setAccessibleName("About the voice")
        box.open()
        window.statusBar().showMessage(before)
    return wiring
