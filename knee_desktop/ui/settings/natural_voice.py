"""Settings → "Natural voice: choose a voice file…": a Piper voice the user already has.

The choice is stored as the voice setting ``"piper:/path/to/voice.onnx"``; the speech layer
renders with it (speech/natural.py) and the Preview button plays it like any voice. Nothing
is downloaded: docs/voice.md says where to get a voice and which licences to check.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QFileDialog, QPushButton, QWidget

from knee_desktop.speech.natural import PREFIX, model_of


def natural_label(voice_id: str) -> str | None:
    """The combo box text for a natural voice, or None for a pyttsx3 voice."""
    model = model_of(voice_id)
    if model is None:
        return None
    missing = "" if model.is_file() else " (file not found)"
    return f"Natural voice: {model.stem}{missing}"


def natural_voice_button(combo: QComboBox, parent: QWidget) -> QPushButton:
    """A button that lets the user pick a ``.onnx`` voice file and selects it in ``combo``."""
    button = QPushButton("Natural voice: choose a voice file…")
    button.setObjectName("natural-voice")
    button.setAccessibleName("Natural voice: choose a voice file")
    button.setToolTip("Use a Piper voice file (.onnx, with its .onnx.json beside it) that you "
                      "have on this computer. Needs the optional onnxruntime package "
                      "(pip install 'knee-desktop[natural]').")

    def choose() -> None:
        path, _ = QFileDialog.getOpenFileName(parent, "Choose a Piper voice file", str(Path.home()),
                                              "Piper voices (*.onnx)")
        if path:
            voice_id = f"{PREFIX}{path}"
            index = combo.findData(voice_id)
            if index < 0:
                combo.addItem(natural_label(voice_id) or voice_id, voice_id)
                index = combo.count() - 1
            combo.setCurrentIndex(index)

    button.clicked.connect(choose)
    return button
