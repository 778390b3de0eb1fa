"""Progress, time left and the session buttons. Each button names its key."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from knee_desktop.session.engine import State
from knee_desktop.ui.text import clock_text, scaled_font

# Start's focus shows (eyes open, or someone helping): a thick ring in the focus colour.
START_STYLE = ("QPushButton#start { padding: 6px; border: 3px solid palette(mid);"
               " border-radius: 6px; background: palette(button); }"
               " QPushButton#start:hover { background: palette(light); }"
               " QPushButton#start:pressed { background: palette(mid); }"
               " QPushButton#start:focus { border: 4px solid palette(highlight); }")


def _button(text: str, name: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(name.replace("-", " ").capitalize())
    button.setToolTip(tip)
    button.setMinimumHeight(max(44, button.fontMetrics().height() * 2 + 8))
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


def _quiet_holder(progress: QProgressBar) -> QStatusBar:
    """The progress bar, set up, in a status bar of its own: Orca reads a progress bar's
    changes every 10 s ("81 percent"), over the counts, unless it sits in a status bar (its
    ignoreStatusBarProgressBars, on by default). Still read on demand (bench/labs/orca.py)."""
    progress.setObjectName("progress")
    progress.setRange(0, 100)
    progress.setTextVisible(True)
    progress.setFormat("%p% done")
    progress.setAccessibleName("Session progress")
    progress.setToolTip("How much of the session is done")
    holder = QStatusBar()
    holder.setObjectName("progress-holder")
    holder.setSizeGripEnabled(False)
    holder.setContentsMargins(0, 0, 0, 0)
    holder.addWidget(progress, 1)
    return holder


def _start_button() -> QPushButton:
    """The big Start: Space or Enter press it when it shows (it has focus then)."""
    start = _button("Start", "start", "Start the session (the voice guides you)")
    start.setFont(scaled_font(1.5, bold=True))
    start.setMinimumHeight(round(start.fontMetrics().height() * 1.6) + 10)
    start.setDefault(True)
    start.setStyleSheet(START_STYLE)
    return start


class ControlBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("control-bar")
        self.progress = QProgressBar()
        quiet = _quiet_holder(self.progress)
        self.time_left = QLabel("")
        self.time_left.setObjectName("time-left")
        self.time_left.setTextFormat(Qt.TextFormat.PlainText)
        self.time_left.setAccessibleDescription("Time left in the session, and its whole length")
        self.time_left.setToolTip("Time left in the session, and its whole length")
        self.time_left.setFont(scaled_font(1.3, bold=True))
        self.time_left.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.start = _start_button()
        self.pause = _button("Pause (Space)", "pause",
                             "Pause or go on. Key: Space, whatever has focus")
        self.skip = _button("Skip (N / →)", "skip", "Skip to the next step. Keys: N or →")
        self.repeat = _button("Repeat cue (R)", "repeat", "Say the last cue again. Key: R")
        self.stop = _button("Stop (Esc Esc)", "stop",
                            "Stop the session. Key: Esc, then Esc again to confirm")

        self.show_steps = QPushButton("Steps")
        self.show_steps.setObjectName("show-steps")
        self.show_steps.setCheckable(True)
        self.show_steps.setAccessibleName("Show steps")
        self.show_steps.setToolTip("Show or hide the list of steps (Ctrl+L)")
        self.show_steps.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        bar.addWidget(quiet, 1)
        bar.addWidget(self.time_left)
        bar.addWidget(self.show_steps)
        self.buttons = buttons = QGridLayout()
        self._columns = 0
        self._place_buttons(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QWidget()
        self.bar.setLayout(bar)
        bar.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        self._total = 0.0
        self._shown: tuple[int, int] = (-1, -1)
        self.set_state(None)

    def _place_buttons(self, columns: int) -> None:
        """Start spans the row; the four session buttons in one row, or two when narrow."""
        if columns == self._columns:
            return
        self._columns = columns
        for button in (self.start, self.pause, self.skip, self.repeat, self.stop):
            self.buttons.removeWidget(button)
        self.buttons.addWidget(self.start, 0, 0, 1, 4)
        for i, button in enumerate((self.pause, self.skip, self.repeat, self.stop)):
            row, col = divmod(i, columns)
            self.buttons.addWidget(button, 1 + row, col * (4 // columns), 1, 4 // columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        need = sum(b.minimumSizeHint().width() + 8
                   for b in (self.pause, self.skip, self.repeat, self.stop))
        self._place_buttons(4 if need <= self.width() else 2)

    def set_total(self, seconds: float) -> None:
        self._total = seconds
        self.set_position(0.0)

    def set_position(self, seconds: float) -> None:
        """Called every frame: only an actual change (a per cent, a second) touches Qt.
        Per cent, not per mille: QProgressBar repaints the window at once on each change
        of value (not at the next frame) and tells screen readers; 100 steps are enough."""
        total = max(self._total, 1e-9)
        value = math.floor(100 * min(1.0, seconds / total) + 1e-9)
        left = math.ceil(self._total - seconds - 1e-9)
        if (value, left) == self._shown:
            return
        self._shown = (value, left)
        self.progress.setValue(value)
        self.time_left.setText(f"{clock_text(left)} left of {clock_text(self._total)}")

    def set_state(self, state: State | None) -> None:
        active = state in (State.RUNNING, State.PAUSED)
        # (or would have it: a window without the focus, as just after the knee question,
        # keeps the control it will give the focus to)
        start_had_focus = self.start.hasFocus() or self.window().focusWidget() is self.start
        self.start.setEnabled(not active)
        ended = state in (State.FINISHED, State.STOPPED)
        self.start.setText("Back to routines" if ended else "Start")
        self.start.setAccessibleName("Back to routines" if ended else "Start")
        self.start.setToolTip("Choose a routine and read the safety words again" if ended
                              else "Start the session (the voice guides you)")
        for button in (self.pause, self.skip, self.repeat, self.stop):
            button.setEnabled(active)
            button.setVisible(active)  # idle: one big Start; in a session: no Start
        self.start.setVisible(not active)
        if not active:
            self.start.setFocus()  # Space or Enter presses it (ui/session/keys.py)
        elif start_had_focus:
            # Start hid with the focus on it: Pause takes it, so a screen reader follows
            # (Orca had no focused control for the session: tests/test_orca.py)
            self.pause.setFocus()
        self.bar.setVisible(state is not None)  # idle: the routine panel says the length
        self.pause.setText("Resume (Space)" if state is State.PAUSED else "Pause (Space)")
        self.pause.setAccessibleName("Resume" if state is State.PAUSED else "Pause")
