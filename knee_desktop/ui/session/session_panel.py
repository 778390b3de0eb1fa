"""During a session: which leg doing what, the big count (or the still pause's seconds),
the instruction and the state line in a column beside the large leg diagram, and the list
of steps with the current one marked (by a mark and words, not colour alone).

The sizes follow the window (a person on the floor reads it from 3 m): the count's digits
are :data:`COUNT_SHARE` of the window's height, the words take the room that is left in
their column, and nothing is cut (tests/test_painted_text.py, tests/test_screen_fit.py)."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from knee_desktop.plan.pose import Pose
from knee_desktop.plan.timeline import StepSpan
from knee_desktop.ui.diagram.leg_diagram import LegDiagram
from knee_desktop.ui.text import scaled_font


def _set(label: QLabel, text: str) -> None:
    if label.text() != text:  # a frame-rate caller must not cause relayouts
        label.setText(text)


COUNT_SHARE = 0.16  # the count's digits: this share of the window's height (goal: ≥ 12 %)
INSTRUCTION_SHARE = 0.055  # the instruction's largest font size, a share of the height
STEP_SHARE = 0.045  # the step line's ("LEFT LEG · wipe to the left") largest font size
SIDE = 0.4  # the words' column beside the picture, as a share of the width
WIDEST = "10 of 10"  # the count's longest text (a hold's seconds say "s" if "seconds" is wider)


def fit_lines(label: QLabel, width: int, lines: int, largest: int, smallest: int) -> int:
    """The largest pixel size from ``largest`` down to ``smallest`` at which the label's
    text wraps to at most ``lines`` lines in ``width``."""
    font = QFont(label.font())
    size = largest
    while size > smallest:
        font.setPixelSize(size)
        metrics = QFontMetrics(font)
        rect = metrics.boundingRect(0, 0, max(1, width), 100000,
                                    Qt.TextFlag.TextWordWrap, label.text() or "Ag")
        if rect.height() <= lines * metrics.lineSpacing() + 1:
            break
        size = max(smallest, int(size * 0.92))
    return size


def fit_height(label: QLabel, width: int, height: int, largest: int, smallest: int) -> int:
    """The largest pixel size from ``largest`` down to ``smallest`` at which the label's
    text, wrapped in ``width``, is at most ``height`` high."""
    font = QFont(label.font())
    size = largest
    while size > smallest:
        font.setPixelSize(size)
        rect = QFontMetrics(font).boundingRect(0, 0, max(1, width), 100000,
                                               Qt.TextFlag.TextWordWrap, label.text() or "Ag")
        if rect.height() <= height:
            break
        size = max(smallest, int(size * 0.92))
    return size


class CountLabel(QLabel):
    """"3 of 10" or "7 seconds": the number at full size, the rest at :data:`OF_SHARE` of
    it, on one baseline, so the number can be large without the line getting long."""

    OF_SHARE = 0.45

    @classmethod
    def split(cls, text: str) -> tuple[str, str]:
        number, space, rest = text.partition(" ")
        return number, (space + rest) if space else ""

    @classmethod
    def small_font(cls, font: QFont) -> QFont:
        small = QFont(font)
        if font.pixelSize() > 0:
            small.setPixelSize(max(8, round(font.pixelSize() * cls.OF_SHARE)))
        else:
            small.setPointSizeF(max(6.0, font.pointSizeF() * cls.OF_SHARE))
        return small

    @classmethod
    def advance(cls, font: QFont, text: str) -> int:
        number, rest = cls.split(text)
        return (QFontMetrics(font).horizontalAdvance(number)
                + QFontMetrics(cls.small_font(font)).horizontalAdvance(rest))

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        return QSize(self.advance(self.font(), self.text()) + margins.left() + margins.right()
                     + 2, QFontMetrics(self.font()).height() + margins.top()
                     + margins.bottom())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        number, rest = self.split(self.text())
        if not number:
            return
        p = QPainter(self)
        p.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect()
        metrics = QFontMetrics(self.font())
        baseline = rect.top() + (rect.height() - metrics.height()) // 2 + metrics.ascent()
        p.setFont(self.font())
        p.drawText(rect.left(), baseline, number)
        p.setFont(self.small_font(self.font()))
        p.drawText(rect.left() + metrics.horizontalAdvance(number), baseline, rest)
        p.end()


def words_label(name: str, scale: float, tip: str, description: str) -> QLabel:
    """A bold, wrapped label of the words' column; its width is the column's."""
    label = QLabel("")
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # routine text: never taken for HTML
    label.setWordWrap(True)
    label.setFont(scaled_font(scale, bold=True))
    label.setAccessibleDescription(description)
    label.setToolTip(tip)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    return label


class SessionView(QWidget):
    """The session mode: the words' column (step line, count, instruction, state) beside
    the picture (above it in a tall window); the count's digits are :data:`COUNT_SHARE` of
    the window's height."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("session-view")
        self.instruction = words_label("instruction", 2.0, "What the voice said last",
                                       "Current instruction: what the voice said last")
        self.instruction.setText("Press Start when you are lying comfortably.")
        self.count = CountLabel("")
        self.count.setObjectName("count")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.count.setFont(scaled_font(3.0, bold=True))
        self.count.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.count.setAccessibleDescription("Count: the repetition just counted, of how many")
        self.count.setToolTip("The repetition just counted, of how many")
        self.count.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.status = words_label("status", 1.3, "Paused, stopping or finished",
                                  "Session state: paused, stopping or finished")
        self.step = words_label("step", 1.3, "Which leg, doing what", "Which leg, doing what")

        self.diagram = LegDiagram()
        self._count_text = ""
        self._countdown: int | None = None
        self._unit = "seconds"  # "7 seconds", "7 sec" or "7 s": the longest that fits

        words = QVBoxLayout()
        words.setSpacing(6)
        words.addStretch(1)
        words.addWidget(self.step)
        words.addWidget(self.count)
        words.addWidget(self.instruction)
        words.addWidget(self.status)
        words.addStretch(2)
        self.words = QWidget()
        self.words.setLayout(words)
        words.setContentsMargins(0, 0, 0, 0)
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.addWidget(self.words, 2)
        self.box.addWidget(self.diagram, 3)
        self._fitted: tuple[int, int, str, str, str] = (0, 0, "", "", "")
        self.diagram.setMinimumSize(140, 90)

    def set_instruction(self, text: str) -> None:
        _set(self.instruction, text)
        self._fit()

    def set_count(self, text: str) -> None:
        self._count_text = text
        if self._countdown is None:
            _set(self.count, text)

    def show_pose(self, pose: Pose) -> None:
        """The picture at a moment, the step line above it, and in a still pause or a
        rest the seconds left in the count's place (the number one glances at)."""
        self.diagram.set_pose(pose)
        caption = self.diagram.caption()
        if caption != self.step.text():
            self.step.setText(caption)
            self.step.setVisible(bool(caption))
            self._fit()
        held = pose.seconds_left if pose.kind in ("still", "rest") else None
        if held != self._countdown:
            self._countdown = held
            unit = "second" if held == 1 and self._unit == "seconds" else self._unit
            _set(self.count, self._count_text if held is None else f"{held} {unit}")

    def set_over(self, over: bool) -> None:
        """A session ended: no count any more, its room goes to the words and the picture."""
        self.count.setVisible(not over)

    def set_status(self, text: str) -> None:
        _set(self.status, text)
        self.status.setVisible(bool(text))  # no empty line taking the picture's room

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Sizes follow the window: the count from its height, the step line and the
        instruction as large as their column lets them be, never cut."""
        top = self.window()
        height = max(1, top.height())
        key = (self.width(), height, self.instruction.text(), self.status.text(),
               self.step.text())
        if key == self._fitted:
            return
        self._fitted = key
        count_font = QFont(self.count.font())
        count_font.setPixelSize(100)
        cap = max(0.5, QFontMetricsF(count_font).tightBoundingRect("0123456789").height() / 100)
        pixels = max(12, int(COUNT_SHARE * height / cap))
        count_font.setPixelSize(pixels)
        widest = CountLabel.advance(count_font, WIDEST)
        wide = self.width() >= 1.15 * self.height()  # the words beside the picture
        self.box.setDirection(QBoxLayout.Direction.LeftToRight if wide
                              else QBoxLayout.Direction.TopToBottom)
        self.box.setStretch(0, int(SIDE * 100) if wide else 0)
        self.box.setStretch(1, int((1 - SIDE) * 100) if wide else 1)
        column = int(self.width() * (SIDE if wide else 1.0)) - 4
        if widest > column:  # never wider than its column: scale down, never clip
            count_font.setPixelSize(max(12, int(pixels * column / widest)))
        self.count.setFont(count_font)
        self._unit = next((u for u in ("seconds", "sec") if CountLabel.advance(
            count_font, f"10 {u}") <= column), "s")
        self.count.setFixedHeight(QFontMetrics(count_font).height())
        if wide:
            self._fill_column(column, height)
            return
        base = QFontMetrics(scaled_font(1.3, bold=True)).height()
        self._fit_words(self.step, column, 2, max(base, int(STEP_SHARE * height)), base)
        base = QFontMetrics(scaled_font(1.6, bold=True)).height()
        self._fit_words(self.instruction, column, 2,
                        max(base, int(INSTRUCTION_SHARE * height)), base)

    def _fill_column(self, column: int, height: int) -> None:
        """Beside the picture: the step line and the instruction share what the count
        leaves of the column, each as large as fits (at most its share of the height)."""
        status = self.status.sizeHint().height() if self.status.text() else 0
        room = max(20, self.height() - self.count.height() - status
                   - 4 * self.box.spacing() - 12)
        step_room = min(int(0.3 * room), 2 * int(STEP_SHARE * height * 1.3))
        for label, share, space in ((self.step, STEP_SHARE, step_room),
                                    (self.instruction, INSTRUCTION_SHARE, None)):
            if space is None:
                space = room - (self.step.minimumHeight() if self.step.text() else 0)
            size = fit_height(label, column, space, max(14, int(share * height)), 10)
            font = QFont(label.font())
            font.setPixelSize(size)
            label.setFont(font)
            label.setMinimumHeight(min(space, QFontMetrics(font).boundingRect(
                0, 0, max(1, column), 100000, Qt.TextFlag.TextWordWrap,
                label.text() or "Ag").height() + 4))

    @staticmethod
    def _fit_words(label: QLabel, column: int, lines: int, largest: int, base: int) -> None:
        size = fit_lines(label, column, lines, largest, max(14, int(base * 0.55)))
        font = QFont(label.font())
        font.setPixelSize(size)
        label.setFont(font)
        # the lines of the largest size, whatever the words: the picture does not jump
        # when they wrap or when longer words take a smaller size
        roomy = QFont(font)
        roomy.setPixelSize(largest)
        metrics = QFontMetrics(roomy)
        label.setMinimumHeight(lines * max(metrics.lineSpacing(), metrics.height()) + 6)


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
        self._same_highlight()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._same_highlight()

    def _same_highlight(self) -> None:
        """The current step keeps the palette's full highlight when the list has no focus
        (some styles' paler inactive highlight read 3.7:1)."""
        palette = self.palette()
        group = QPalette.ColorGroup
        changed = False
        for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText):
            active = palette.color(group.Active, role)
            if palette.color(group.Inactive, role) != active:
                palette.setColor(group.Inactive, role, active)
                changed = True
        if changed:
            self.setPalette(palette)

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


def after_words(text: str) -> str:
    """The closing words without the sentences that repeat "finished" (the status line
    says that once): "That is the end of the session. Well done. Lie there…" → "Lie there…"."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    kept = [s for s in sentences if s and not re.search(r"\b(end of|well done|finish)",
                                                         s, re.IGNORECASE)]
    return " ".join(kept)
