"""Export… and Import… for the history window: file dialogs around ``history.io``.

Every outcome is told in words: a success in the window's banner, a failure in a message box
that names the file and what went wrong (never a traceback, and a failed import adds
nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from knee_desktop.common.errors import KneeError
from knee_desktop.common.safe_write import UnsafeTarget, atomic_file
from knee_desktop.history import io as history_io
from knee_desktop.history.store import HistoryError, HistoryStore

JSON_FILTER = "History export, JSON (*.json)"
CSV_FILTER = "Spreadsheet, CSV (*.csv)"


class HistoryFiles:
    """Export and import for ``parent``'s store; ``tell`` shows a success, ``done`` is called
    after an import added sessions (to refresh the window)."""

    def __init__(self, parent: QWidget, store: HistoryStore, tell: Callable[[str], None],
                 done: Callable[[], None]) -> None:
        self.parent = parent
        self.store = store
        self.tell = tell
        self.done = done
        self.message_box: QMessageBox | None = None  # the last problem shown (tests read it)

    # ---- with dialogs ----------------------------------------------------------------
    def ask_export(self) -> None:
        start = str(Path.home() / "knee-history.json")
        name, chosen = QFileDialog.getSaveFileName(self.parent, "Export history", start,
                                                   f"{JSON_FILTER};;{CSV_FILTER}")
        if name:
            path = Path(name)
            if not path.suffix:
                path = path.with_suffix(".csv" if chosen == CSV_FILTER else ".json")
            self.export_to(path)

    def ask_import(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.parent, "Import history", str(Path.home()),
                                              f"{JSON_FILTER};;All files (*)")
        if name:
            self.import_from(Path(name))

    # ---- the work ----------------------------------------------------------------------
    def export_to(self, path: Path) -> bool:
        """JSON, or CSV when the name ends in .csv. Written to a temporary file first, so a
        failed export leaves no half file behind."""
        try:
            count = self.store.count()
            # The file dialog asked before replacing a file; a link, a FIFO or a device is
            # never written, and a failed export leaves nothing behind.
            with atomic_file(path, replace=True, what="The export file", force_hint="",
                             make_folder=False) as out:
                if path.suffix.lower() == ".csv":
                    history_io.dump_csv(self.store.sessions(), out)
                else:
                    history_io.dump_json(self.store, out)
        except UnsafeTarget as exc:
            self.problem("Export failed", f"{exc} Nothing was exported.")
            return False
        except OSError as exc:
            self.problem("Export failed",
                         f"Cannot write {path}: {exc.strerror or exc}. Nothing was exported; "
                         "choose another folder or free some space.")
            return False
        except HistoryError as exc:
            self.problem("Export failed", f"{exc} Nothing was written to {path}.")
            return False
        self.tell(f"Exported {count} session{'s' if count != 1 else ''} to {path}.")
        return True

    def import_from(self, path: Path) -> bool:
        try:
            added, total = history_io.import_into(self.store, path)
        except (KneeError, HistoryError) as exc:
            self.problem("Import failed", str(exc))
            return False
        present = total - added
        self.tell(f"Imported {added} session{'s' if added != 1 else ''} from {path}; "
                  f"{present} {'were' if present != 1 else 'was'} already there.")
        self.done()
        return True

    def problem(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                          QMessageBox.StandardButton.Ok, self.parent)
        box.setObjectName("history-file-problem")
        box.setAccessibleName(title)
        box.setAccessibleDescription(text)
        self.message_box = box
        box.open()
