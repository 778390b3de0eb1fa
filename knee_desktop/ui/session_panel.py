"""During a session: the big instruction and count, the state line, the leg diagram, and
the list of steps with the current one marked (by a mark and words, not colour alone)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from knee_desktop.plan.timeline import StepSpan
from knee_desktop.ui.leg_diagram import LegDiagram
from knee_desktop.ui.text import scaled_font


def _set(label: QLabel, text: str) -> None:
    if label.text() != text:  # a frame-rate caller must not cause relayouts
        label.setText(text)


class SessionView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("session-view")
        self.instruction = QLabel("Press Start when you are lying comfortably.")
        self.instruction.setObjectName("instruction")
        self.instruction.setWordWrap(True)
        self.instruction.setFont(scaled_font(2.0, bold=True))
        self.instruction.setAccessibleDescription("Current instruction: what the voice said last")
        self.instruction.setToolTip("What the voice said last")
        self.instruction.setMinimumHeight(self.instruction.fontMetrics().height() * 2 + 8)
        self.instruction.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        self.count = QLabel("")
        self.count.setObjectName("count")
        self.count.setFont(scaled_font(3.0, bold=True))
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.count.setAccessibleDescription("Count: the repetition just counted, of how many")
        self.count.setToolTip("The repetition just counted, of how many")
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance("10 of 10"))

        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setFont(scaled_font(1.3, bold=True))
        self.status.setAccessibleDescription("Session state: paused, stopping or finished")
        self.status.setToolTip("Paused, stopping or finished")
        self.status.setMinimumHeight(self.status.fontMetrics().height())  # no jumps

        self.diagram = LegDiagram()

        top = QHBoxLayout()
        top.addWidget(self.instruction, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.diagram, 1)

    def set_instruction(self, text: str) -> None:
        _set(self.instruction, text)

    def set_count(self, text: str) -> None:
        _set(self.count, text)

    def set_status(self, text: str) -> None:
        _set(self.status, text)


class StepList(QListWidget):
    """The session's steps; done ones ticked, the current one marked "▶ … (now)" in bold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("step-list")
        self.setAccessibleName("Steps")
        self.setToolTip("The steps of the session; the current one is marked ▶")
        self.setFont(scaled_font(1.05))
        self.setMinimumWidth(190)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._spans: tuple[StepSpan, ...] = ()
        self._current = -1

    def set_steps(self, spans: tuple[StepSpan, ...]) -> None:
        self._spans = spans
        self._current = -1
        self.clear()
        for span in spans:
            self.addItem(QListWidgetItem(self._text(span, "")))

    def _text(self, span: StepSpan, mark: str) -> str:
        leg = f"{span.leg.capitalize()}: " if span.leg and span.kind not in ("lead-in", "end") \
            else ""
        reps = f" ({span.reps})" if span.reps else ""
        suffix = "  (now)" if mark == "▶" else ""
        return f"{mark or '  '} {leg}{span.title}{reps}{suffix}"

    def set_current(self, index: int) -> None:
        if index == self._current:
            return
        self._current = index
        for i, span in enumerate(self._spans):
            item = self.item(i)
            mark = "▶" if i == index else ("✓" if index >= 0 and i < index else "")
            item.setText(self._text(span, mark))
            font = item.font()
            font.setBold(i == index)
            item.setFont(font)
        if 0 <= index < self.count():
            self.setCurrentRow(index)
            self.scrollToItem(self.item(index), QListWidget.ScrollHint.PositionAtCenter)

    def current(self) -> int:
        return self._current
