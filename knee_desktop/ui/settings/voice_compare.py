"""Settings → the chosen voice's licence, and "Compare the voices": the same real sentence
and counts in each installed clean voice, one after another, so the user chooses by ear.

Voices listed by ``knee-desktop voices --json`` carry a licence note when they come from
another engine (festival, flite, a Piper voice file: its MODEL_CARD lines); it is shown
under the voice box whenever such a voice is chosen, before it is ever used. The
comparison plays the default voice and every voice with a licence note (the other
engines' voices: espeak's 131 languages are not all worth hearing), each introduced by its
number, which the status line names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from knee_desktop.speech.natural import licence_lines, model_of
from knee_desktop.speech.voices import InstalledVoice

SAMPLE = "Lower your leg slowly. One. Two. Three. Four."
GAP_MS = 1500  # silence between two voices (VoiceCompare.gap_ms)
Speak = Callable[[str, str, int, float], object]


def sample_for(number: int) -> str:
    return f"Voice {number}. {SAMPLE}"


class VoiceCompare(QWidget):
    """The licence line of the voice chosen in ``combo`` and the voice being compared (the
    widget, hidden while both are empty), and the compare button (:meth:`beside`)."""

    def __init__(self, combo: QComboBox, speak: Speak | None,
                 settings: Callable[[], tuple[int, float]],
                 seconds_per_phrase: Callable[[], float] = lambda: 2.0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = combo
        self.speak = speak
        self.settings = settings  # (rate, volume) chosen in the dialog
        self.seconds_per_phrase = seconds_per_phrase
        self.gap_ms = GAP_MS
        self.names: dict[str, str] = {}
        self.licences: dict[str, str] = {}
        self.queue: list[tuple[int, str, str]] = []  # (number, voice id, its name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.licence = QLabel()
        self.licence.setObjectName("voice-licence")
        self.licence.setWordWrap(True)
        self.licence.setTextFormat(Qt.TextFormat.PlainText)  # a MODEL_CARD is not ours
        self.licence.setAccessibleName("The chosen voice's licence")
        layout.addWidget(self.licence)
        self.button = QPushButton("Compare the voices…")
        self.button.setObjectName("compare-voices")
        self.button.setAccessibleName("Compare the voices")
        self.button.setToolTip("Play the same sentence and counts in each clean voice "
                               "installed, one after another; the line below names each")
        self.button.setEnabled(speak is not None)
        self.button.clicked.connect(self.start)
        layout.addWidget(self.button)
        self.now = QLabel()
        self.now.hide()  # shown while voices are compared
        self.now.setObjectName("compare-now")
        self.now.setWordWrap(True)
        self.now.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.now)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.next)
        combo.currentIndexChanged.connect(self.show_licence)

    def beside(self, other: QWidget) -> QWidget:
        """``other`` and the compare button in one row (the dialog has no height to spare)."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(other, 1)
        layout.addWidget(self.button)
        return row

    def _fit(self) -> None:
        self.setVisible(not (self.licence.isHidden() and self.now.isHidden()))

    def set_voices(self, voices: Sequence[InstalledVoice]) -> None:
        self.licences = {v.id: v.licence for v in voices if v.licence}
        self.names = {v.id: v.name for v in voices}
        self.show_licence()

    def licence_of(self, voice_id: str) -> str:
        if voice_id in self.licences:
            return self.licences[voice_id]
        model = model_of(voice_id)
        return licence_lines(model) if model is not None else ""

    def show_licence(self) -> None:
        text = self.licence_of(str(self.combo.currentData() or ""))
        self.licence.setText(f"Licence: {text}" if text else "")
        self.licence.setVisible(bool(text))
        self._fit()

    def candidates(self) -> list[tuple[str, str]]:
        """(voice id, name): the default voice, then each other engine's voice."""
        return [("", "the default voice"),
                *((vid, self.names.get(vid, vid)) for vid in self.licences)]

    def start(self) -> None:
        self.queue = [(k + 1, vid, name) for k, (vid, name) in enumerate(self.candidates())]
        self.next()

    def stop(self) -> None:
        self.timer.stop()
        self.queue = []
        self.now.hide()
        self._fit()

    def next(self) -> None:
        if not self.queue or self.speak is None:
            self.now.setText("Compared every voice. Choose one above and Save." if
                             self.now.text() else "")
            return
        number, vid, name = self.queue.pop(0)
        self.now.setText(f"Voice {number}: {name}")
        self.now.show()
        self._fit()
        rate, volume = self.settings()
        text = sample_for(number)
        self.speak(text, vid, rate, volume)  # renders (cached after once), then plays
        phrases = text.count(".")
        self.timer.start(round(phrases * self.seconds_per_phrase() * 1000) + self.gap_ms)


def preview_seconds(speak: Speak | None) -> Callable[[], float]:
    """Seconds between two phrases of a preview: the preview's own tempo when it has one
    (runtime/preview.VoicePreview.tempo), else 2."""
    tempo = getattr(speak, "tempo", None)
    return (lambda: float(tempo())) if callable(tempo) else (lambda: 2.0)
