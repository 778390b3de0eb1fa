"""History → Report for your physio…: choose the period and the routine, then save a PDF or
print it. The same report as `knee-desktop report` (``printout.pdf``); nothing is sent
anywhere. Every outcome is said in words (the window's banner, or a message box naming the
file and the problem)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from knee_desktop.common.errors import KneeError
from knee_desktop.common.words import plural
from knee_desktop.history.records import local_now
from knee_desktop.history.report import Report, build, period_of, read
from knee_desktop.history.store import HistoryError, HistoryStore
from knee_desktop.printout.pdf import layout_of, paint, paper_of, write_pdf

PERIODS = ((4, "The last 4 weeks"), (8, "The last 8 weeks"), (12, "The last 12 weeks"),
           (26, "The last 26 weeks"), (0, "Since a date"))
PDF_FILTER = "PDF (*.pdf)"


class ReportDialog(QDialog):
    def __init__(self, store: HistoryStore, target: int | None, routines: list[tuple[str, str]],
                 tell: Callable[[str], None], parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report-dialog")
        self.setWindowTitle("Report for your physio")
        self.store, self.target, self.tell = store, target, tell
        self._today = today
        self.problem_box: QMessageBox | None = None
        self.print_dialog: QPrintDialog | None = None
        self.period = QComboBox()
        for weeks, words in PERIODS:
            self.period.addItem(words, weeks)
        self.period.setCurrentIndex(2)
        self.since = QDateEdit()
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("d MMM yyyy")
        self.since.setDate(QDate(self.today().year, self.today().month, 1))
        self.since.setEnabled(False)
        self.period.currentIndexChanged.connect(
            lambda _i: self.since.setEnabled(self.period.currentData() == 0))
        self.routine = QComboBox()
        self.routine.addItem("All routines", None)
        for routine_id, title in routines:
            self.routine.addItem(title, routine_id)
        self.paper = QComboBox()
        self.paper.addItem("A4", "a4")
        self.paper.addItem("Letter", "letter")
        self.paper.setCurrentIndex(self.paper.findData(paper_of()))
        form = QFormLayout()
        for text, widget in (("&Period:", self.period), ("&From:", self.since),
                             ("&Routine:", self.routine), ("P&aper:", self.paper)):
            form.addRow(text, widget)
        about = QLabel("One or two pages for your physiotherapist or doctor: your routines "
                       "and settings, sessions per week against your weekly target, a "
                       "calendar, your knee feel, what was skipped or stopped, your notes and "
                       "the guide's safety words. Made on this computer; nothing is sent "
                       "anywhere.")
        about.setWordWrap(True)
        about.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = QPushButton("&Save as PDF…")
        self.print_button = QPushButton("&Print…")
        for button in (self.save_button, self.print_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.ask_save)
        self.print_button.clicked.connect(self.ask_print)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def today(self) -> date:
        return self._today or self.store.now_wall().date()

    def report(self) -> Report:
        """The report of the chosen period and routine (HistoryError if unreadable)."""
        weeks = int(self.period.currentData())
        d = self.since.date()
        since = date(d.year(), d.month(), d.day()) if weeks == 0 else None
        period = period_of(self.today(), weeks or None, since)
        records, began = read(self.store, period)
        return build(records, period, target=self.target, made=local_now(),
                     routine=self.routine.currentData(), began=began)

    # ---- saving ----------------------------------------------------------------------
    def ask_save(self) -> None:
        start = str(Path.home() / f"knee-report-{self.today():%Y-%m-%d}.pdf")
        name, _ = QFileDialog.getSaveFileName(self, "Save the report", start, PDF_FILTER)
        if name:
            path = Path(name)
            self.save_to(path if path.suffix else path.with_suffix(".pdf"))

    def save_to(self, path: Path) -> bool:
        """Write the PDF (the file dialog already asked before replacing a file; a link or a
        device is still never replaced)."""
        try:
            report = self.report()
            pages = write_pdf(report, path, force=True, paper=self.paper.currentData())
        except (KneeError, HistoryError) as exc:
            self.problem("The report was not saved", str(exc))
            return False
        self.tell(f"Saved the report ({plural(pages, 'page')}, "
                  f"{plural(report.total, 'session')}) to {path}.")
        return True

    # ---- printing --------------------------------------------------------------------
    def ask_print(self) -> None:
        """The system's print dialog, window-modal (nothing blocks); printed on OK."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(layout_of(self.paper.currentData()))
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the report")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.print_dialog = dialog  # with its printer, alive until it closes
        dialog.accepted.connect(lambda: self.print_to(printer))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()

    def print_to(self, printer: QPrinter) -> bool:
        try:
            pages = paint(self.report(), printer)
        except (KneeError, HistoryError) as exc:
            self.problem("The report was not printed", str(exc))
            return False
        self.tell(f"Sent the report ({plural(pages, 'page')}) to the printer.")
        return True

    def problem(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("report-problem")
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_box = box
        box.open()
