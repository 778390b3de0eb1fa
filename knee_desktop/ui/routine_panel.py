"""Before a session: choose the routine, read the safety words, preview the cue script."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from knee_desktop.plan.timeline import Timeline
from knee_desktop.routine.model import Routine
from knee_desktop.ui.text import clock_text, scaled_font

DOCTOR = "This is not a replacement for your doctor. If you have questions, ask them."


def script_lines(timeline: Timeline) -> list[str]:
    """The spoken script with times, counts folded ("One … Ten") so it reads quickly."""
    lines: list[str] = []
    run: list[str] = []
    run_at = 0.0
    for event in timeline.events:
        if not event.text:
            continue
        if event.kind in ("rep", "count"):
            if not run:
                run_at = event.t
            run.append(event.text.rstrip("."))
            continue
        if run:
            lines.append(f"{clock_text(run_at)}   {run[0]} … {run[-1]}")
            run = []
        lines.append(f"{clock_text(event.t)}   {event.text}")
    if run:
        lines.append(f"{clock_text(run_at)}   {run[0]} … {run[-1]}")
    return lines


class RoutinePanel(QWidget):
    routine_chosen = Signal(str)  # routine id

    def __init__(self, routines: list[Routine], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("routine-panel")
        self.picker = QComboBox()
        self.picker.setObjectName("routine-picker")
        self.picker.setAccessibleName("Routine")
        self.picker.setToolTip("Choose the routine to follow")
        for routine in routines:
            self.picker.addItem(routine.title, routine.id)
        self.picker.currentIndexChanged.connect(self._chosen)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleDescription("About this routine")

        self.safety = QLabel()
        self.safety.setObjectName("safety")
        self.safety.setWordWrap(True)
        self.safety.setFrameShape(QFrame.Shape.Box)
        self.safety.setLineWidth(2)
        self.safety.setMargin(10)
        self.safety.setAccessibleDescription("Safety: read this before you start")
        self.safety.setToolTip("Read this before you start")
        self.safety.setFont(scaled_font(1.1))

        self.plan = QLabel()
        self.plan.setAccessibleDescription("Session plan")
        self.plan.setWordWrap(True)

        self.script = QPlainTextEdit()
        self.script.setObjectName("cue-script")
        self.script.setReadOnly(True)
        self.script.setAccessibleName("Cue script preview")
        self.script.setToolTip("Everything the voice will say, with the time it is said")

        heading = QLabel("What the voice will say")
        heading.setBuddy(self.script)
        pick = QLabel("&Routine")
        pick.setBuddy(self.picker)

        layout = QVBoxLayout(self)
        layout.addWidget(pick)
        layout.addWidget(self.picker)
        layout.addWidget(self.summary)
        layout.addWidget(self.safety)
        layout.addWidget(self.plan)
        layout.addWidget(heading)
        layout.addWidget(self.script, 1)

    def current_id(self) -> str:
        return str(self.picker.currentData())

    def select(self, routine_id: str) -> bool:
        index = self.picker.findData(routine_id)
        if index < 0:
            return False
        self.picker.setCurrentIndex(index)
        return True

    def add(self, routine: Routine) -> None:
        """A routine from a file given on the command line."""
        self.picker.blockSignals(True)
        self.picker.addItem(routine.title, routine.id)
        self.picker.setCurrentIndex(self.picker.count() - 1)
        self.picker.blockSignals(False)

    def show_routine(self, routine: Routine, timeline: Timeline) -> None:
        self.summary.setText(routine.summary)
        items = "".join(f"<li>{html.escape(line)}</li>" for line in routine.safety
                        if "doctor" not in line.lower())
        self.safety.setText(
            "<b>Before you start</b><ul style='margin-left:-20px'>"
            f"{items}<li><b>{html.escape(DOCTOR)}</b></li></ul>")
        s = timeline.settings
        legs = " then ".join(s.legs) + (" leg" if len(s.legs) == 1 else " legs")
        self.plan.setText(
            f"<b>{clock_text(timeline.duration)}</b> in all · {s.reps} repetitions of each "
            f"movement · still pauses of {s.pause_seconds:g} seconds · {legs}")
        self.script.setPlainText("\n".join(script_lines(timeline)))

    def _chosen(self, index: int) -> None:
        self.routine_chosen.emit(self.current_id())
