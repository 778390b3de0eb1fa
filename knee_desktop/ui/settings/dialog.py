"""The Settings dialog: voice, tempo and pauses, which leg, the knee question, the reminder.

The installed voices come from ``knee-desktop voices --json`` run in a worker process
(:class:`VoiceLister`) with a time limit: a speech engine that hangs cannot freeze the window.
Each of voice, rate and volume has a Preview button that calls the injected
``preview(text, voice, rate, volume)``; without one, the buttons are disabled and say why.

On Save the dialog writes the settings file and emits :attr:`SettingsDialog.saved` with the
new settings and the :class:`~knee_desktop.prefs.user_settings.Changes`, so the caller
re-renders speech only when the voice changed and re-plans only when the session changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from knee_desktop.common import limits
from knee_desktop.common.errors import KneeError
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.prefs import user_settings as us
from knee_desktop.prefs.user_settings import UserSettings
from knee_desktop.routine.model import Defaults
from knee_desktop.runtime.preview import SAMPLE
from knee_desktop.speech.voices import InstalledVoice
from knee_desktop.ui.screen_room import within
from knee_desktop.ui.settings.listening import beside, listen_box
from knee_desktop.ui.settings.natural_voice import natural_label, natural_voice_button
from knee_desktop.ui.settings.reminder_choice import ReminderChoice, describe
from knee_desktop.ui.settings.theme_choice import theme_row
from knee_desktop.ui.settings.voice_compare import VoiceCompare, preview_seconds
from knee_desktop.ui.settings.voice_lister import VOICE_TIMEOUT_MS, VoiceLister
from knee_desktop.ui.settings.voice_order import fill_voices
from knee_desktop.ui.settings.weekly_target import WeeklyTarget, usual_target

log = logging.getLogger(__name__)

Preview = Callable[[str, str, int, float], object]
"""``preview(text, voice_id, rate_wpm, volume_0_to_1)``: speak ``text`` once, without blocking."""

PREVIEW_TEXT = SAMPLE  # the routine's first instruction and four counts
ROUTINE_OWN = "Routine's own"


class SettingsDialog(QDialog):
    saved = Signal(object, object)  # the new UserSettings, the Changes from the old ones

    def __init__(self, settings: UserSettings, preview: Preview | None = None,
                 parent: QWidget | None = None, *,
                 voice_command: Sequence[str] | None = None,
                 voice_timeout_ms: int = VOICE_TIMEOUT_MS) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self._original = settings
        self._preview = preview

        # The groups scroll on a screen too low for them; Save and Cancel stay in view.
        self.page = QWidget()
        page_layout = QVBoxLayout(self.page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self._voice_group())
        page_layout.addWidget(self._session_group())
        page_layout.addWidget(self._reminder_group())
        self.page_area = QScrollArea()
        self.page_area.setObjectName("settings-page")
        self.page_area.setFrameShape(QFrame.Shape.NoFrame)
        self.page_area.setWidgetResizable(True)
        self.page_area.setWidget(self.page)
        self._layout = layout = QVBoxLayout(self)
        layout.addWidget(self.page_area, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        for button, name, tip in (
            (QDialogButtonBox.StandardButton.Save, "Save",
             "Save these settings; they apply to the next session"),
            (QDialogButtonBox.StandardButton.Cancel, "Cancel", "Close without saving"),
            (QDialogButtonBox.StandardButton.RestoreDefaults, "Restore defaults",
             "Put every setting back to its default (not saved until you press Save)"),
        ):
            describe(self.buttons.button(button), name, tip)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.set_settings(UserSettings()))
        row, self.theme = theme_row(self)  # beside the buttons: it applies at once
        row.addWidget(self.buttons, 1)
        layout.addLayout(row)

        self.set_settings(settings)
        self.resize(self.sizeHint())  # not Qt's default for a window: two thirds of the screen
        self.lister = VoiceLister(voice_command, voice_timeout_ms, self)
        self.lister.listed.connect(self._on_voices)
        self.lister.failed.connect(self._on_voices_failed)
        self.finished.connect(lambda _result: self.lister.stop())
        self.finished.connect(lambda _result: self.compare.stop())
        self.lister.start()

    def sizeHint(self) -> QSize:
        """Every setting in view (a scroll area alone asks for less), or the screen's room."""
        margins = self._layout.contentsMargins()
        page = self.page.sizeHint()
        wanted = QSize(page.width() + margins.left() + margins.right(),
                       page.height() + self._layout.spacing()
                       + self.buttons.sizeHint().height() + margins.top() + margins.bottom())
        most = within(self, wanted)
        if most.height() < wanted.height():  # its scroll bar beside the page, not over it
            bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
            most = within(self, QSize(wanted.width() + bar, most.height()))
        return most

    # --- building ------------------------------------------------------------------------

    def _preview_button(self, what: str) -> QPushButton:
        button = QPushButton("Preview")
        button.setAccessibleName(f"Preview the {what}")
        if self._preview is None:
            button.setEnabled(False)
            button.setToolTip("Preview is not available in this version of the app.")
        else:
            button.setToolTip(f"Say an instruction and a few counts with this {what}")
            button.clicked.connect(self.preview)
        return button

    def _voice_group(self) -> QGroupBox:
        box = QGroupBox("Voice")
        form = QFormLayout(box)
        self.voice = QComboBox()
        self.voice.setMinimumContentsLength(40)
        self.voice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        describe(self.voice, "Voice", "The voice that speaks the cues, with its language")
        self.voice_status = QLabel("Looking for the installed voices…")
        self.voice_status.setAccessibleDescription("Voice list status")
        self.voice_status.setWordWrap(True)
        self.rate = QSpinBox()
        self.rate.setRange(int(limits.RATE.lo), int(limits.RATE.hi))
        self.rate.setSingleStep(10)
        self.rate.setSuffix(" words per minute")
        describe(self.rate, "Speech rate", "How fast the voice speaks (the engine's usual "
                  "speed is 200 words per minute)")
        self.volume = QSpinBox()
        self.volume.setRange(round(limits.VOLUME.lo * 100), round(limits.VOLUME.hi * 100))
        self.volume.setSingleStep(5)
        self.volume.setSuffix(" %")
        describe(self.volume, "Volume", "How loud the voice is, from 0 to 100 percent")
        self.tones = QCheckBox("Tones instead of speech for the counts")
        describe(self.tones, "Tones instead of speech",
                  "Play a short tone on each count instead of speaking the number")

        for label, widget, what in (("&Voice:", self.voice, "voice"),
                                    ("&Rate:", self.rate, "speech rate"),
                                    ("V&olume:", self.volume, "volume")):
            row = QHBoxLayout()
            row.addWidget(widget, 1)
            row.addWidget(self._preview_button(what))
            buddy = QLabel(label)
            buddy.setBuddy(widget)
            form.addRow(buddy, row)
        form.addRow("", self.voice_status)
        self.compare = VoiceCompare(self.voice, self._preview, lambda: (
            self.rate.value(), self.volume.value() / 100), preview_seconds(self._preview))
        form.addRow("", self.compare.beside(natural_voice_button(self.voice, self)))
        form.addRow("", self.compare)
        self.listen = listen_box(self)
        form.addRow("", beside(self.tones, self.listen))
        return box

    def _optional(self, spin: QAbstractSpinBox, name: str, tip: str,
                  usual: str) -> QAbstractSpinBox:
        """A spin box whose lowest value reads "Routine's own" (meaning: not set)."""
        spin.setSpecialValueText(f"{ROUTINE_OWN} (usually {usual})")
        spin.setAccelerated(True)
        return describe(spin, name, f"{tip}. At the bottom of the range: the routine's "
                         "own value.")  # type: ignore[return-value]

    @staticmethod
    def _seconds(key: str, step: float) -> QDoubleSpinBox:
        lo, hi = limits.PLAN[key].lo, limits.PLAN[key].hi
        spin = QDoubleSpinBox()
        spin.setDecimals(1)
        spin.setRange(lo - step, hi)  # the extra step below is "Routine's own"
        spin.setSingleStep(step)
        spin.setSuffix(" s")
        return spin

    def _session_group(self) -> QGroupBox:
        box = QGroupBox("Session")
        form = QFormLayout(box)
        self.sweep = self._seconds("sweep_seconds", 0.1)
        d = Defaults()
        self._optional(self.sweep, "Seconds per sweep",
                       "How long one windshield-wiper sweep takes", f"{d.sweep_seconds:g} s")
        self.circle = self._seconds("circle_seconds", 0.1)
        self._optional(self.circle, "Seconds per circle", "How long one foot circle takes",
                       f"{d.circle_seconds:g} s")
        self.pause = self._seconds("pause_seconds", 0.5)
        self._optional(self.pause, "Still pause",
                       "How long each still pause lasts (the guide says 10 seconds)",
                       f"{d.pause_seconds:g} s")
        self.reps = QSpinBox()
        self.reps.setRange(0, int(limits.PLAN["reps"].hi))  # 0: "Routine's own"
        self._optional(self.reps, "Repetitions",
                       "How many sweeps or circles of each kind (the guide says 10); "
                       "the massage's presses keep the routine's own number",
                       f"{d.reps}")
        self.lead_in = self._seconds("lead_in_seconds", 1)
        self._optional(self.lead_in, "Lead-in", "Seconds to get ready before the first move",
                       f"{d.lead_in_seconds:g} s")
        self.leg = QComboBox()
        for text, value in (("Both legs", "both"), ("Left leg only", "left"),
                            ("Right leg only", "right")):
            self.leg.addItem(text, value)
        describe(self.leg, "Legs", "Exercise both legs, or only one")
        self.first_leg = QComboBox()
        self.first_leg.addItem("Left leg first", "left")
        self.first_leg.addItem("Right leg first", "right")
        describe(self.first_leg, "First leg", "With both legs: which leg goes first")
        self.leg.currentIndexChanged.connect(
            lambda _i: self.first_leg.setEnabled(self.leg.currentData() == "both"))
        self.knee_feel = QCheckBox("Ask how my knee feels after each session")
        describe(self.knee_feel, "Knee-feel question",
                  "At the end, ask how your knee feels and keep the answer in the history")
        self.who_speaks = QComboBox()
        for text, value in (("Automatic: the app alone while a screen reader runs", "auto"),
                            ("The app's voice only", "app"),
                            ("Both: the app's voice and screen reader announcements", "both")):
            self.who_speaks.addItem(text, value)
        describe(self.who_speaks, "Who speaks",
                  "Screen readers: whether counts, instructions and pauses are also announced "
                  "to your screen reader, which could talk over the voice's count")
        for label, widget in (("S&weep:", self.sweep), ("&Circle:", self.circle),
                              ("&Still pause:", self.pause), ("Re&petitions:", self.reps),
                              ("&Lead-in:", self.lead_in), ("Le&gs:", self.leg),
                              ("&First leg:", self.first_leg), ("W&ho speaks:", self.who_speaks)):
            form.addRow(label, widget)
        form.addRow("", self.knee_feel)
        return box

    def _reminder_group(self) -> QGroupBox:
        box = QGroupBox("Daily reminder and weekly target")
        self.weekly_target = WeeklyTarget(usual_target())  # History, report, reminder
        self.reminder = ReminderChoice(beside=self.weekly_target)
        self.reminder_on, self.reminder_time = self.reminder.on, self.reminder.time
        QVBoxLayout(box).addWidget(self.reminder)
        return box

    # --- values --------------------------------------------------------------------------

    def set_settings(self, s: UserSettings) -> None:
        self._select_voice(s.voice)
        self.rate.setValue(s.rate)
        self.volume.setValue(round(s.volume * 100))
        self.tones.setChecked(s.tones)
        p = s.plan
        for spin, value in ((self.sweep, p.sweep_seconds), (self.circle, p.circle_seconds),
                            (self.pause, p.pause_seconds), (self.lead_in, p.lead_in_seconds)):
            spin.setValue(spin.minimum() if value is None else value)
        self.reps.setValue(0 if p.reps is None else p.reps)
        self.leg.setCurrentIndex(self.leg.findData(p.leg))
        self.first_leg.setCurrentIndex(self.first_leg.findData(p.first_leg))
        self.first_leg.setEnabled(p.leg == "both")
        self.knee_feel.setChecked(s.knee_feel)
        self.listen.setChecked(s.listen)
        self.who_speaks.setCurrentIndex(max(0, self.who_speaks.findData(s.who_speaks)))
        self.theme.set_value(s.theme, saved=s is self._original)
        self.reminder.set_value(s.reminder)
        self.weekly_target.set_value(s.weekly_target)

    def settings(self) -> UserSettings:
        """The settings as the controls show them (validated)."""

        def seconds(spin: QDoubleSpinBox) -> float | None:
            lo = spin.minimum() + spin.singleStep()
            return None if spin.value() < lo - 1e-9 else round(spin.value(), 1)

        return UserSettings(
            voice=str(self.voice.currentData() or ""),
            rate=self.rate.value(),
            volume=self.volume.value() / 100,
            tones=self.tones.isChecked(),
            plan=PlanSettings(reps=self.reps.value() or None, pause_seconds=seconds(self.pause),
                              sweep_seconds=seconds(self.sweep),
                              circle_seconds=seconds(self.circle),
                              lead_in_seconds=seconds(self.lead_in), leg=self.leg.currentData(),
                              first_leg=self.first_leg.currentData()),
            knee_feel=self.knee_feel.isChecked(),
            who_speaks=self.who_speaks.currentData(),
            listen=self.listen.isChecked(), listen_explained=self._original.listen_explained,
            theme=self.theme.value(),
            reminder=self.reminder.value(),
            weekly_target=self.weekly_target.value(),
        ).validate()

    def accept(self) -> None:
        try:
            new = self.settings()
            us.save(new)
        except (KneeError, OSError) as exc:
            QMessageBox.warning(self, "Settings not saved", f"The settings were not saved: {exc}")
            return
        self.saved.emit(new, us.changes(self._original, new))
        super().accept()

    def preview(self) -> None:
        if self._preview is None:
            return
        self._preview(PREVIEW_TEXT, str(self.voice.currentData() or ""), self.rate.value(),
                      self.volume.value() / 100)

    # --- voices --------------------------------------------------------------------------

    def _select_voice(self, voice_id: str) -> None:
        index = self.voice.findData(voice_id)
        if index < 0:
            self.voice.addItem(natural_label(voice_id) or f"{voice_id or 'Default voice'}",
                               voice_id)
            index = self.voice.count() - 1
        self.voice.setCurrentIndex(index)

    def _on_voices(self, voices: list[InstalledVoice], default: str) -> None:
        chosen = str(self.voice.currentData() or "")
        status = fill_voices(self.voice, voices, default, chosen, named=natural_label)
        self._select_voice(chosen)
        self.voice_status.setText(status)
        self.compare.set_voices(voices)

    def _on_voices_failed(self, message: str) -> None:
        self.voice_status.setText(f"{message} Your chosen voice is kept.")
