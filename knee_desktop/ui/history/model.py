"""The history table's model: one row per session, sorted in Python on plain keys.

Sorting happens in :meth:`HistoryTableModel.sort` on precomputed keys (no proxy model calling
``data()`` for every comparison), so 10,000 rows sort in milliseconds; ``data()`` formats
only the rows on screen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from knee_desktop.history.store import Row
from knee_desktop.ui.theme import blend, readable_on, strong

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Date", "Routine", "Exercise", "Legs", "Completion", "Knees")
STATE_ORDER = {"completed": 0, "stopped": 1, "interrupted": 2, None: 3}
_AMBERS = (QColor("#9a5b00"), QColor("#f0a830"))  # for light, for dark backgrounds


def muted_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """(grey, amber): for a stopped and an interrupted session, and the details' quiet
    words, readable (4.5:1) on the table's rows and the details of any palette; fixed
    greys and ambers were 3.7:1 on the dark and high-contrast themes' black."""
    role = QPalette.ColorRole
    text, base, alternate = (palette.color(role.Text), palette.color(role.Base),
                             palette.color(role.AlternateBase))
    darker = min(base, alternate, key=lambda c: abs(c.lightness() - text.lightness()))
    grey = strong(blend(text, darker, 0.6), darker, text, need=4.5)
    return grey, readable_on(darker, *_AMBERS)


def duration_text(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    if minutes >= 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def legs_text(row: Row) -> str:
    done = [leg for leg in row.legs_done.split(",") if leg]
    if not done:
        return "none"
    if len(done) == 2:
        return "both"
    return f"{done[0]} only" if row.legs_planned > 1 else done[0]


def completion_text(row: Row, short: bool = False) -> str:
    """"Stopped at foot circles, clockwise (8/25 steps)"; short, for the table: "Stopped ·
    8/25 steps" (where it stopped is in the tooltip and the details)."""
    if row.damaged:  # values no reader can show (an older version or another tool wrote it)
        return "Damaged record (kept as found)"
    if row.end_state == "completed":
        return "Completed"
    share = f" ({row.steps_done}/{row.steps_planned} steps)" if row.steps_planned else ""
    where = f" at {row.at_title.lower()}" if row.at_title else ""
    if short:  # "steps" is in the column's tooltip and the details
        where, share = "", f" · {row.steps_done}/{row.steps_planned}" if share else ""
    if row.end_state == "stopped":
        return f"Stopped{where}{share}"
    if row.end_state == "interrupted":
        return f"Interrupted{where}{share}"
    return "In progress"


def feel_text(row: Row) -> str:
    if row.feel_before is None and row.feel_after is None:
        return ""
    before = "–" if row.feel_before is None else str(row.feel_before)
    after = "–" if row.feel_after is None else str(row.feel_after)
    return f"{before} → {after}"


def _sort_key(row: Row, column: int) -> Any:
    if column == 0:
        return row.started.timestamp()
    if column == 1:
        return (row.title.casefold(), row.started.timestamp())
    if column == 2:
        return row.exercise_seconds
    if column == 3:
        return (len([leg for leg in row.legs_done.split(",") if leg]), row.legs_done)
    if column == 4:
        done = row.steps_done / row.steps_planned if row.steps_planned else 0.0
        return (STATE_ORDER.get(row.end_state, 3), -done)
    # Knees: by the feel after, then before; sessions without an answer last.
    return (row.feel_after is None, row.feel_after or 0, row.feel_before or 0)


class HistoryTableModel(QAbstractTableModel):
    def __init__(self, rows: list[Row] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = rows or []
        self._sorted = (0, Qt.SortOrder.DescendingOrder)
        self._muted: tuple[int, tuple[QColor, QColor]] | None = None  # per palette

    # ---- the data --------------------------------------------------------------------
    def set_rows(self, rows: list[Row]) -> None:
        """Replace every row, keeping the current sort order."""
        self.beginResetModel()
        self._rows = list(rows)
        column, order = self._sorted
        self._sort_rows(column, order)
        self.endResetModel()

    def row_at(self, index: int) -> Row:
        return self._rows[index]

    def row_of(self, session_id: int) -> int:
        for i, row in enumerate(self._rows):
            if row.id == session_id:
                return i
        return -1

    def remove_session(self, session_id: int) -> None:
        i = self.row_of(session_id)
        if i >= 0:
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._rows[i]
            self.endRemoveRows()

    # ---- Qt's model interface --------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return ("Knee feel before → after (0 = no pain, 10 = the worst)"
                    if section == 5 else None)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 1:
                return row.title  # shown as text (ui.plain_text.PlainTextStyle)
            if column == 2:
                return f"Exercise {duration_text(row.exercise_seconds)}, paused " \
                       f"{duration_text(row.paused_seconds)}"
            if column == 4:
                return completion_text(row)
            if column == 5 and row.note:
                return row.note
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            grey, amber = self._muted_colours()
            if row.end_state == "interrupted":
                return amber
            if row.end_state != "completed":
                return grey
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def _muted_colours(self) -> tuple[QColor, QColor]:
        """:func:`muted_colours` of the app's palette, worked out once per palette (each
        repaint asks for every row on screen)."""
        palette = QGuiApplication.palette()
        if self._muted is None or self._muted[0] != palette.cacheKey():
            self._muted = (palette.cacheKey(), muted_colours(palette))
        return self._muted[1]

    @staticmethod
    def _display(row: Row, column: int) -> str:
        if column == 0:
            return f"{row.started:%a} {row.started.day} {row.started:%b %Y %H:%M}"
        if column == 1:
            return row.title
        if column == 2:
            return duration_text(row.exercise_seconds)
        if column == 3:
            return legs_text(row)
        if column == 4:
            return completion_text(row, short=True)
        text = feel_text(row)
        return text + ("  ✎" if row.note else "")

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [(self._rows[i.row()].id, i.column()) for i in before]
        self._sort_rows(column, order)
        where = {row.id: n for n, row in enumerate(self._rows)}
        self.changePersistentIndexList(
            before, [self.index(where[sid], col) for sid, col in ids])
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        self._sorted = (column, order)
        self._rows.sort(key=lambda r: _sort_key(r, column),
                        reverse=order == Qt.SortOrder.DescendingOrder)
