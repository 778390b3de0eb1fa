"""Before a session: choose the routine, read the safety words, preview the cue script."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from knee_desktop.plan.pose import Poser
from knee_desktop.plan.timeline import Timeline
from knee_desktop.routine.model import Routine
from knee_desktop.ui.diagram.leg_diagram import LegDiagram
from knee_desktop.ui.text import clock_text, escaped, our_html, scaled_font

PREVIEW_FROM = (1000, 420)  # the idle screen shows the picture from this viewport size
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


class RoutinePanel(QScrollArea):
    """The idle screen leads with the routine: its title, length, summary and the safety
    box, all fully shown (the panel scrolls rather than clip them in a small window); the
    script the voice will read is one toggle away."""

    routine_chosen = Signal(str)  # routine id

    def __init__(self, routines: list[Routine], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("routine-panel")
        self._viewport = self._own_viewport()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._build_picker(routines)

        self.plan = our_html(_label("session-plan", "Session plan", scaled_font(1.1)))
        self.summary = _label("summary", "About this routine", scaled_font(1.1))

        self.safety = our_html(_label("safety", "Safety: read this before you start",
                                      scaled_font(1.05)))
        self.safety.setFrameShape(QFrame.Shape.Box)
        self.safety.setLineWidth(2)
        self.safety.setMargin(8)
        self.safety.setToolTip("Read this before you start")
        self.safety.setAutoFillBackground(True)
        self.safety.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.safety.setForegroundRole(QPalette.ColorRole.Text)

        self._build_script()

        row = QHBoxLayout()  # the title is the chooser: one line, not two
        row.addWidget(self.picker)
        row.addStretch(1)

        column = QWidget()
        column.setObjectName("routine-column")
        # a readable line length on a large screen: about 75 characters
        self.column = column
        self._grow = 1.0
        layout = QVBoxLayout(column)
        self._column_layout = layout
        layout.addLayout(row)
        layout.addWidget(self.plan)
        layout.addWidget(self.safety)  # before the summary: in a small window it stays in view
        layout.addWidget(self.summary)
        layout.addWidget(self.show_script, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(0)
        page = QWidget()
        page.setObjectName("routine-page")
        # the routine's picture beside the words, when the window is large enough for it
        self.preview = LegDiagram()
        self.preview.setObjectName("routine-preview")
        self.preview.setAccessibleName("Picture of the routine")
        self.preview.setToolTip("What the session will show: the working leg highlighted")
        self.preview.setVisible(False)
        centred = QHBoxLayout(page)
        centred.addWidget(column, 3)
        centred.addWidget(self.preview, 2)
        centred.setContentsMargins(0, 0, 0, 0)
        self.setWidget(page)

    def _own_viewport(self) -> QWidget:
        """A viewport made here: the one Qt makes is a plain QWidget PySide has not seen,
        and the first such widget handed to Python makes it build the type of every
        QWidget subclass to find out which it is (~6 ms of the launch)."""
        viewport = QWidget()
        viewport.setBackgroundRole(QPalette.ColorRole.NoRole)  # as QScrollArea's own
        self.setViewport(viewport)
        return viewport

    def _build_picker(self, routines: list[Routine]) -> None:
        self.picker = QComboBox()
        self.picker.setObjectName("routine-picker")
        self.picker.setAccessibleName("Routine")
        self.picker.setToolTip("The routine to follow: choose another here")
        self.picker.setFont(scaled_font(1.6, bold=True))
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.picker.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        for routine in routines:
            self.picker.addItem(routine.title, routine.id)
        self.picker.currentIndexChanged.connect(self._chosen)

    def _build_script(self) -> None:
        """The toggle; the script's view is made when first shown (a first text view costs
        the launch ~4 ms), with the text kept meanwhile."""
        self._script: QPlainTextEdit | None = None
        self._script_text = ""
        self.show_script = QToolButton()
        self.show_script.setObjectName("show-script")
        self.show_script.setText("What the voice will say")
        self.show_script.setCheckable(True)
        self.show_script.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.show_script.setArrowType(Qt.ArrowType.RightArrow)
        self.show_script.setAccessibleName("Show what the voice will say")
        self.show_script.setToolTip("Show or hide every cue the voice will say, with its time")
        self.show_script.toggled.connect(self._toggle_script)

    @property
    def script(self) -> QPlainTextEdit:
        """Everything the voice will say, with times (hidden until the toggle shows it)."""
        if self._script is None:
            script = QPlainTextEdit()
            script.setObjectName("cue-script")
            script.setReadOnly(True)
            script.setAccessibleName("Cue script preview")
            script.setToolTip("Everything the voice will say, with the time it is said")
            script.setMinimumHeight(160)
            script.setVisible(False)
            script.setPlainText(self._script_text)
            column = self._column_layout
            column.insertWidget(column.indexOf(self.show_script) + 1, script, 1)
            self._script = script
        return self._script

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.preview.setVisible(self._viewport.width() >= PREVIEW_FROM[0]
                                and self._viewport.height() >= PREVIEW_FROM[1])
        self._grow_with_window()
        self._fit_picker()

    def _grow_with_window(self) -> None:
        """A large window gets larger words (read from a mat on the floor), up to 1.6×;
        the column keeps a readable line length of about 75 characters."""
        grow = round(min(1.6, max(1.0, self.window().height() / 640)), 1)
        if grow != self._grow or not self.column.maximumWidth() < 100000:
            self._grow = grow
            for label, factor in ((self.plan, 1.1), (self.summary, 1.1),
                                  (self.safety, 1.05)):
                label.setFont(scaled_font(factor * grow))
            self.column.setMaximumWidth(
                self.summary.fontMetrics().averageCharWidth() * 75 + 40)

    def _fit_picker(self) -> None:
        """The title is the chooser: as large as the window allows, never cut."""
        font = scaled_font(1.6 * self._grow, bold=True)
        room = self._viewport.width() - 80
        titles = [self.picker.itemText(i) for i in range(self.picker.count())]
        while font.pointSizeF() > 8 and titles and room > 0 and max(
                QFontMetrics(font).horizontalAdvance(t) for t in titles) > room:
            font.setPointSizeF(font.pointSizeF() * 0.92)
        if font != self.picker.font():
            self.picker.setFont(font)
        if titles:  # the combo box's own minimum lags a font change: say it outright
            widest = max(QFontMetrics(font).horizontalAdvance(t) for t in titles)
            self.picker.setMinimumWidth(min(widest + 60, max(80, room + 60)))

    def _toggle_script(self, shown: bool) -> None:
        self.script.setVisible(shown)
        self.show_script.setArrowType(Qt.ArrowType.DownArrow if shown
                                      else Qt.ArrowType.RightArrow)

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
        presses = any(span.kind == "press" for span in timeline.steps)
        self.preview.set_picture("thigh" if presses else "legs")
        self.preview.set_pose(Poser(timeline).ready())
        self.summary.setText(routine.summary)
        items = "".join(f"<li>{escaped(line)}</li>" for line in routine.safety
                        if "doctor" not in line.lower())
        self.safety.setText(
            "<b>Before you start</b><ul style='margin-left:-20px; margin-top:4px'>"
            f"{items}<li><b>{escaped(DOCTOR)}</b></li></ul>")
        self.plan.setText(plan_line(timeline))
        self._script_text = "\n".join(script_lines(timeline))
        if self._script is not None:
            self._script.setPlainText(self._script_text)

    def _chosen(self, index: int) -> None:
        self.routine_chosen.emit(self.current_id())


def _label(name: str, what: str, font: QFont) -> QLabel:
    """A label whose text screen readers read: an accessible name would hide the text,
    so what it is goes in the description."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # routine text: never taken for HTML
    label.setObjectName(name)
    label.setAccessibleDescription(what)
    label.setWordWrap(True)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


def plan_line(timeline: Timeline) -> str:
    """The session's length and only the settings that mean something for its steps:
    presses are not repetitions, and a routine without still pauses does not list them."""
    s = timeline.settings
    kinds = {span.kind for span in timeline.steps}
    legs = " then ".join(s.legs) + (" leg" if len(s.legs) == 1 else " legs")
    parts = [f"<b>{clock_text(timeline.duration)}</b> in all"]
    if "move" in kinds:
        parts.append(f"{s.reps} repetitions of each movement")
    presses = [span.reps for span in timeline.steps if span.kind == "press" and span.reps]
    if presses:
        parts.append(f"{presses[0]} presses on each thigh")
    if "still" in kinds:
        parts.append(f"still pauses of {s.pause_seconds:g} seconds")
    parts.append(legs)
    return " · ".join(parts)
