"""The history window: every session in a sortable table, its details, a streak, a calendar
of active days and weekly charts. Embeddable (a QWidget) or a window of its own.

Everything is read from the store in a few SQL queries (one table scan, two aggregates);
the table model formats only the rows on screen, so years of use open as fast as a week.

By keyboard: Tab leaves the table (no trap: arrows move in it), Esc and Ctrl+W close the
window, the History menu (Alt+H) has Report for your physio…, Export… and Import…; each
chart and the calendar have a text summary under them (also their accessible description).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QItemSelection, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenuBar,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from knee_desktop.common.words import plural
from knee_desktop.history.store import (
    HistoryError,
    HistoryStore,
    Row,
    SessionRecord,
    current_streak,
)
from knee_desktop.ui.history.charts import ActiveDaysCalendar, FeelChart, WeeklyChart
from knee_desktop.ui.history.charts_pane import ChartsPane
from knee_desktop.ui.history.details import details_html
from knee_desktop.ui.history.files import HistoryFiles
from knee_desktop.ui.history.header import (
    COLUMN_SAMPLES,
    DEFAULT_SIZE,
    charts_box,
    fill_routines,
    nudge_label,
    show_nudge,
    week_text,
)
from knee_desktop.ui.history.model import HistoryTableModel, muted_colours
from knee_desktop.ui.history.report_dialog import ReportDialog
from knee_desktop.ui.screen_room import fitted
from knee_desktop.ui.text import our_html

RANGES = (("Last 3 months", 13), ("Last 6 months", 26), ("Last year", 52),
          ("Last 2 years", 104))


class HistoryWindow(QWidget):
    """``deleted(int)`` is emitted with the id of a session the user deleted."""

    deleted = Signal(int)

    def __init__(self, store: HistoryStore | None = None, parent: QWidget | None = None,
                 *, today: date | None = None, weekly_target: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history")
        self.setWindowTitle("Session history")
        self.store = store or HistoryStore()
        self._today = today
        self.weekly_target = weekly_target  # the setting; None: from the last month
        self.confirm_box: QMessageBox | None = None
        self.report_dialog: ReportDialog | None = None
        self.nudge = nudge_label()

        top = self._build_top()

        self._build_table()

        details_box = self._build_details()

        self.calendar = ActiveDaysCalendar()
        self.weekly_chart = WeeklyChart()
        self.feel_chart = FeelChart()
        self.charts = ChartsPane(self.calendar, self.weekly_chart, self.feel_chart)
        self.chart_texts = self.charts.texts

        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(self.table)
        upper.addWidget(details_box)
        upper.setStretchFactor(0, 2)
        upper.setStretchFactor(1, 1)
        upper.setSizes([690, 310])  # the table's columns whole at 1000 px
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(charts_box(self.charts, self.range, self.routine))
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([320, 330])  # the charts' words in view at the default size

        self.files = HistoryFiles(self, self.store, self._tell, self.refresh)
        layout = QVBoxLayout(self)
        layout.setMenuBar(self._build_menu())
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.nudge)
        layout.addWidget(split, 1)
        self.resize(fitted(self, QSize(*DEFAULT_SIZE)))
        self.refresh()

    def _build_details(self) -> QWidget:
        self.details = QTextBrowser()
        self.details.setObjectName("details")
        self.details.setOpenLinks(False)
        self.details.setAccessibleName("Session details")
        self.details.setTabChangesFocus(True)
        details_box = QWidget()
        details_layout = QVBoxLayout(details_box)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(self.details, 1)
        details_layout.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignRight)
        return details_box

    def _build_table(self) -> None:
        self.model = HistoryTableModel(parent=self)
        self.table = QTableView()
        self.table.setObjectName("sessions")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setAccessibleName("Sessions")
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        pad = self.fontMetrics().horizontalAdvance("00")  # the cell's own margins
        for column, sample in enumerate(COLUMN_SAMPLES):  # the longest usual text, whole
            self.table.setColumnWidth(column, self.fontMetrics().horizontalAdvance(sample) + pad)
        # The routine's name gives way in a narrow window (whole in its tooltip and the
        # details), so the columns that differ from row to row stay in view.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.ask_delete)

    def _build_top(self) -> QHBoxLayout:
        self.summary = our_html(QLabel())  # streak and counts: no user text in it
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)  # two lines in a narrow window, never cut
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #fff4d6; color: #5a3d00;"
                                  " padding: 6px; border-radius: 4px; }")
        self.banner.hide()
        self.range = QComboBox()
        self.range.setObjectName("range")
        for label, weeks in RANGES:
            self.range.addItem(label, weeks)
        self.range.setCurrentIndex(1)
        self.range.setAccessibleName("Chart range")
        self.range.currentIndexChanged.connect(self._refresh_charts)
        self.routine = QComboBox()
        self.routine.setObjectName("chart-routine")
        self.routine.setAccessibleName("Routine in the charts")
        self.routine.currentIndexChanged.connect(self._refresh_charts)
        self.report_button = QPushButton("&Report for your physio…")
        self.report_button.setObjectName("report")
        self.report_button.clicked.connect(self.open_report)
        self.delete_button = QPushButton("Delete session…")
        self.delete_button.setObjectName("delete")
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(self.ask_delete)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.report_button, 0, Qt.AlignmentFlag.AlignTop)
        return top

    def _build_menu(self) -> QMenuBar:
        bar = QMenuBar(self)
        menu = bar.addMenu("&History")
        self.export_action = QAction("&Export…", self)
        self.export_action.setToolTip("Save the history as JSON (everything) or CSV")
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.files.ask_export)
        self.import_action = QAction("&Import…", self)
        self.import_action.setToolTip("Merge a JSON export into this history")
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.files.ask_import)
        self.report_action = QAction("&Report for your physio…", self)
        self.report_action.setToolTip("Save or print one or two pages for your "
                                      "physiotherapist or doctor")
        self.report_action.setShortcut(QKeySequence("Ctrl+P"))
        self.report_action.triggered.connect(self.open_report)
        self.close_action = QAction("&Close", self)
        self.close_action.setShortcuts([QKeySequence("Ctrl+W"), QKeySequence("Esc")])
        self.close_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.close_action.triggered.connect(self.close)
        for action in (self.report_action, self.export_action, self.import_action,
                       self.close_action):
            self.addAction(action)  # their shortcuts work with the menu closed
        menu.addAction(self.report_action)
        menu.addSeparator()
        menu.addAction(self.export_action)
        menu.addAction(self.import_action)
        menu.addSeparator()
        menu.addAction(self.close_action)
        return bar

    # ---- reading the store -----------------------------------------------------------
    def today(self) -> date:
        return self._today or self.store.now_wall().date()

    def refresh(self) -> None:
        """Read everything again (after a session, an import, a delete)."""
        selected = self.selected_id()
        try:
            rows = self.store.rows()
            days = self.store.active_days()
        except HistoryError as exc:
            rows, days = [], []
            self._tell(str(exc))
        self.model.set_rows(rows)
        self.calendar.set_days(days)
        fill_routines(self.routine, rows)
        self._summarise(rows, days)
        show_nudge(self.nudge, rows)
        self._refresh_charts()
        if self.store.messages:
            self._tell(" ".join(self.store.messages))
        if rows:
            self.select(selected if selected is not None and self.model.row_of(selected) >= 0
                        else self.model.row_at(0).id)
        else:
            self._show_details(None)

    def _refresh_charts(self) -> None:
        weeks = int(self.range.currentData())
        try:
            per_week = self.store.weekly(weeks, today=self.today(),
                                         routine=self.routine.currentData())
        except HistoryError as exc:
            per_week = []
            self._tell(str(exc))
        self.weekly_chart.set_weeks(per_week)
        self.feel_chart.set_weeks(per_week)

    def _summarise(self, rows: list[Row], days: list[date]) -> None:
        if not rows:
            self.summary.setText("<b>No sessions yet.</b> Each session you do is kept here.")
            return
        streak = current_streak(days, self.today())
        hours = sum(r.exercise_seconds for r in rows) / 3600
        streak_text = (f"<b>Current streak: {plural(streak, 'day')} in a row</b>"
                       if streak else "<b>No streak right now</b> – a session today starts one")
        self.summary.setText(
            f"{week_text(rows, self.weekly_target, self.today())}<br>{streak_text}"
            f" &nbsp;·&nbsp; {plural(len(rows), 'session')} &nbsp;·&nbsp; {hours:.1f} hours of"
            f" exercise &nbsp;·&nbsp; {plural(len(days), 'active day')}")

    def set_weekly_target(self, target: int | None) -> None:
        """The setting changed: the header follows."""
        self.weekly_target = target
        self._summarise([self.model.row_at(i) for i in range(self.model.rowCount())],
                        sorted(self.calendar.days))

    def open_report(self) -> None:
        """The report dialog: period, routine, then save as PDF or print."""
        routines = [(self.routine.itemData(i), self.routine.itemText(i))
                    for i in range(1, self.routine.count())]
        dialog = ReportDialog(self.store, self.weekly_target, routines, self._tell, self,
                              today=self._today)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "report_dialog", None))
        self.report_dialog = dialog
        dialog.open()

    def _tell(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.show()

    # ---- selection and details ---------------------------------------------------------
    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).id if rows else None

    def select(self, session_id: int) -> None:
        row = self.model.row_of(session_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        sid = self.selected_id()
        self.delete_button.setEnabled(sid is not None)
        record = None
        if sid is not None:
            try:
                record = self.store.session(sid)
            except HistoryError as exc:
                self._tell(str(exc))
        self._show_details(record)

    def _show_details(self, rec: SessionRecord | None) -> None:
        if rec is None:
            grey = muted_colours(self.details.palette())[0].name()
            self.details.setHtml(f"<p style='color:{grey}'>Choose a session to see its steps."
                                 "</p>")
            return
        self.details.setHtml(details_html(rec, self.model.row_at(
            self.model.row_of(rec.id)) if rec.id is not None and
            self.model.row_of(rec.id) >= 0 else None, self.details.palette()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the details' quiet words recoloured
            self._selection_changed(QItemSelection(), QItemSelection())

    # ---- deleting ----------------------------------------------------------------------
    def ask_delete(self) -> None:
        """Ask for confirmation (a window-modal box, so nothing blocks), then delete."""
        sid = self.selected_id()
        if sid is None:
            return
        row = self.model.row_at(self.model.row_of(sid))
        box = QMessageBox(QMessageBox.Icon.Warning, "Delete session",
                          f"Delete the session of {row.started:%A %d %B %Y at %H:%M} "
                          f"({row.title})?", parent=self)
        box.setInformativeText("Its steps, knee feel and note are deleted too. This cannot "
                               "be undone.")
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.setObjectName("confirm-delete")
        self.confirm_box = box

        def finished() -> None:
            self.confirm_box = None
            box.deleteLater()
            if box.clickedButton() is delete:
                self.delete_session(sid)
        box.finished.connect(finished)
        box.open()

    def delete_session(self, session_id: int) -> None:
        try:
            self.store.delete(session_id)
        except HistoryError as exc:
            self._tell(str(exc))
            return
        row = self.model.row_of(session_id)
        self.model.remove_session(session_id)
        self.deleted.emit(session_id)
        if self.model.rowCount():
            self.select(self.model.row_at(min(row, self.model.rowCount() - 1)).id)
        self._summarise_from_store()

    def _summarise_from_store(self) -> None:
        try:
            days = self.store.active_days()
        except HistoryError:
            return
        self.calendar.set_days(days)
        self._summarise([self.model.row_at(i) for i in range(self.model.rowCount())], days)
        self._refresh_charts()
