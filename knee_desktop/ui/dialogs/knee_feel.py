"""The "How do your knees feel?" dialog: 0-10 by number keys or buttons, Enter skips.

Keys, designed for someone lying down with eyes closed:
- 0, 2-9 answer at once, from anywhere in the dialog while the note is empty (a digit
  typed into a note that has text stays in the note);
- 1 waits a moment for a 0 (then it is 10); Enter, any other key or a pause of
  :data:`ONE_WAIT_MS` makes it 1;
- Enter with nothing chosen asks once (spoken) and skips on the second Enter;
- Escape: after a session it skips; *before* one it cancels the start, and says so (a
  session must never start by surprise).
With a mouse: click a number (it is only chosen), type a note if you like, then Save.
The voice asks the question when the dialog opens (unless ``ask_aloud`` is False: a
screen reader reads the dialog itself, and two voices would ask at once) and always says
the answer back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from knee_desktop.common.limits import KNEE_FEEL
from knee_desktop.history.feel import (
    QUESTION,
    SCALE,
    KneeFeel,
    When,
    spoken_answer,
    spoken_question,
)

Speak = Callable[[str], None]
ONE_WAIT_MS = 1200
ASK_SKIP = ("Nothing chosen yet. Press a number from zero to ten, "
            "or press Enter again to skip.")
CANCELLED = "Not started. Press Start when you are ready."

# From green (no pain) through amber to red: the buttons' lower edge, and the chosen one.
_COLOURS = ["#2e7d32", "#558b2f", "#7c9a1e", "#9e9d24", "#c0a000", "#d39200", "#e07b00",
            "#e65100", "#d84315", "#c62828", "#a31515"]


class KneeFeelDialog(QDialog):
    """Ask once; ``answered(KneeFeel)`` is emitted and the dialog closes. After it closed,
    :attr:`feel` is the answer (``score=None``: skipped), or :attr:`cancelled` is True
    (Escape or closing on the "before" question: the session is not started)."""

    answered = Signal(object)  # KneeFeel

    def __init__(self, parent: QWidget | None = None, *, when: When = "after",
                 speak: Speak | None = None, note: str = "", ask_aloud: bool = True) -> None:
        super().__init__(parent)
        self.ask_aloud = ask_aloud
        self.setObjectName("knee-feel")
        self.setWindowTitle("Knee feel")
        self.when = when
        self.speak = speak
        self.feel: KneeFeel | None = None
        self.cancelled = False
        self._asked_skip = False
        self._pending_one = False
        self._one_timer = QTimer(self)
        self._one_timer.setObjectName("knee-feel-one")
        self._one_timer.setSingleShot(True)
        self._one_timer.setInterval(ONE_WAIT_MS)
        self._one_timer.timeout.connect(self._one_timed_out)

        title = QLabel(QUESTION)
        title.setObjectName("question")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        moment = "Before the session" if when == "before" else "After the session"
        scale = QLabel(f"{moment}. {SCALE}.")

        row = self._score_buttons()

        self.note = QLineEdit(note)
        self.note.setObjectName("note")
        self.note.setPlaceholderText("A note, if you like: how it felt, what you changed")
        self.note.setAccessibleName("Note")
        self.note.setAccessibleDescription(
            "Optional. While it is empty, number keys still answer the question.")
        self.note.installEventFilter(self)
        escape = "cancels the start" if when == "before" else "skips"
        self.hint = hint = QLabel(
            f"Press 0–9 to answer, or 1 then 0 for 10. Enter twice skips; Esc {escape}.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.WindowText)  # not a fixed grey

        actions = self._actions(hint)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(scale)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addLayout(actions)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _actions(self, hint: QLabel) -> QHBoxLayout:
        self.skip_button = QPushButton("Skip")
        self.skip_button.setAutoDefault(False)
        self.skip_button.clicked.connect(self.skip)
        self.save_button = QPushButton("Save")
        self.save_button.setAutoDefault(False)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._save_clicked)
        actions = QHBoxLayout()
        actions.addWidget(hint, 1)
        actions.addWidget(self.skip_button)
        actions.addWidget(self.save_button)
        return actions

    def _score_buttons(self) -> QHBoxLayout:
        self.buttons = QButtonGroup(self)
        self.buttons.setExclusive(True)
        row = QHBoxLayout()
        row.setSpacing(4)
        for n in range(int(KNEE_FEEL.lo), int(KNEE_FEEL.hi) + 1):
            b = QPushButton(str(n))
            b.setCheckable(True)
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the dialog, not a button
            b.setMinimumSize(40, 40)
            b.setAccessibleName(f"{n} of 10")
            c = _COLOURS[n]
            # text and background from palette roles (readable in dark and high contrast);
            # the scale's colour only marks the lower edge, the number says it
            b.setStyleSheet(
                "QPushButton { border: 1px solid palette(mid);"
                f" border-bottom: 4px solid {c}; border-radius: 4px;"
                " background: palette(button); color: palette(button-text); font-size: 15px; }"
                "QPushButton:checked { background: palette(highlight);"
                " color: palette(highlighted-text); font-weight: bold; }")
            self.buttons.addButton(b, n)
            row.addWidget(b)
        self.buttons.idClicked.connect(self._clicked)
        return row

    # ---- asking and answering ----------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.setFocus()
        if self.speak is not None and self.feel is None and self.ask_aloud:
            self.speak(spoken_question(self.when))

    def answer(self, score: int | None) -> None:
        """Close with ``score`` (None: skipped) and the note as typed."""
        if self.feel is not None or self.cancelled:
            return
        self._one_timer.stop()
        self._pending_one = False
        self.feel = KneeFeel(score, self.note.text().strip())
        if self.speak is not None:
            self.speak(spoken_answer(self.feel))
        self.answered.emit(self.feel)
        if score is None:
            self.reject()
        else:
            self.accept()

    def skip(self) -> None:
        self.answer(None)

    def cancel(self) -> None:
        """Escape: before a session, do not start it (and say so); after one, skip."""
        if self.when != "before":
            self.skip()
            return
        if self.feel is not None or self.cancelled:
            return
        self._one_timer.stop()
        self._pending_one = False
        self.cancelled = True
        if self.speak is not None:
            self.speak(CANCELLED)
        self.reject()

    def _enter(self) -> None:
        if self._pending_one:
            self.answer(1)
        elif self.buttons.checkedId() >= 0:
            self.answer(self.buttons.checkedId())
        elif not self._asked_skip:  # one slip of the finger must not lose the answer
            self._asked_skip = True
            self.hint.setText("Nothing chosen yet: press 0–10, or Enter again to skip.")
            if self.speak is not None:
                self.speak(ASK_SKIP)
        else:
            self.skip()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Digits, Enter and Escape in the empty note field answer the question."""
        if (watched is self.note and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)):
            key = event.key()
            empty = not self.note.text()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape) or (
                    empty and Qt.Key.Key_0 <= key <= Qt.Key.Key_9
                    and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
                self.keyPressEvent(event)
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._enter()
            return
        if key == Qt.Key.Key_Escape:
            self.cancel()
            return
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9:
            self._digit(key - Qt.Key.Key_0)
            return
        if self._pending_one:  # any other key settles a pending 1
            self.answer(1)
            return
        super().keyPressEvent(event)

    def _digit(self, d: int) -> None:
        if self._pending_one:
            self.answer(10 if d == 0 else 1)
        elif d == 1:
            self._pending_one = True
            self._check(1)
            self._one_timer.start()
        else:
            self.answer(d)

    def _one_timed_out(self) -> None:
        if self._pending_one:
            self.answer(1)

    def _clicked(self, n: int) -> None:
        self._one_timer.stop()
        self._pending_one = False
        self.save_button.setEnabled(True)
        self.save_button.setDefault(True)

    def _save_clicked(self) -> None:
        self.answer(self.buttons.checkedId() if self.buttons.checkedId() >= 0 else None)

    def _check(self, n: int) -> None:
        button = self.buttons.button(n)
        if button is not None:
            button.setChecked(True)

    def done(self, result: int) -> None:
        self._one_timer.stop()
        if self.feel is None and not self.cancelled:
            # Closed by the window manager: like Escape, and said aloud all the same.
            if self.when == "before":
                self.cancelled = True
                if self.speak is not None:
                    self.speak(CANCELLED)
            else:
                self.feel = KneeFeel(None, self.note.text().strip())
                if self.speak is not None:
                    self.speak(spoken_answer(self.feel))
                self.answered.emit(self.feel)
        super().done(result)


def ask_knee_feel(parent: QWidget | None = None, *, when: When = "after",
                  speak: Speak | None = None, ask_aloud: bool = True) -> KneeFeel | None:
    """Ask and wait (a modal dialog); ``score`` is None if skipped. None: the "before"
    question was cancelled (Escape), so the session must not start."""
    dialog = KneeFeelDialog(parent, when=when, speak=speak, ask_aloud=ask_aloud)
    dialog.exec()
    feel = None if dialog.cancelled else dialog.feel or KneeFeel(None)
    dialog.deleteLater()
    return feel
