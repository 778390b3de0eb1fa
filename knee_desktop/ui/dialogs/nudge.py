"""After a session in which the knee felt worse (and one of the two before it too): say so,
with the guide's advice, and *offer* smaller moves for the next session. Nothing changes
unless the person says yes, and then only for the next session (Settings keep their
numbers)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from knee_desktop.history.progress import Nudge, SmallerMoves

TITLE = "Your knee felt worse after the session"


def offer_smaller_moves(parent: QWidget, nudge: Nudge, moves: SmallerMoves,
                        accept: Callable[[SmallerMoves], None]) -> QMessageBox:
    """A window-modal box (nothing blocks): "Smaller moves next time" or "Keep as it is"."""
    box = QMessageBox(QMessageBox.Icon.Information, TITLE, nudge.text(), parent=parent)
    box.setObjectName("nudge-offer")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText(f"Would you like smaller moves for your next session: "
                           f"{moves.text()}? Your saved settings stay as they are.")
    smaller = box.addButton("&Smaller moves next time", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("&Keep as it is", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setAccessibleName(TITLE)

    def finished() -> None:
        if box.clickedButton() is smaller:
            accept(moves)
        box.deleteLater()
    box.finished.connect(finished)
    box.open()
    return box
