"""The lower pane of the history window: the calendar of active days and the two weekly
charts, each with its words under it.

They sit side by side while the window is wide enough for all three at their readable
size, and one above the other when it is not (a half-screen window, a small laptop, a large
font); the pane then scrolls down. A chart is never squeezed over its words, and the pane
never forces the window wider than the screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from knee_desktop.ui.history.charts import ActiveDaysCalendar, FeelChart, WeeklyChart

Direction = QBoxLayout.Direction


class ChartsPane(QScrollArea):
    def __init__(self, calendar: ActiveDaysCalendar, weekly: WeeklyChart, feel: FeelChart,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("charts-pane")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        self.row = QBoxLayout(Direction.LeftToRight, inner)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.texts: list[QLabel] = []
        self._views: list[ActiveDaysCalendar | WeeklyChart | FeelChart] = [calendar, weekly,
                                                                           feel]
        for view in self._views:
            box = QVBoxLayout()
            chart = view is not calendar
            box.addWidget(view, 1 if chart else 0,
                          Qt.AlignmentFlag(0) if chart
                          else Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            text = _text_alternative(view.objectName())
            view.summary_changed.connect(text.setText)
            box.addWidget(text)
            self.texts.append(text)
            self.row.addLayout(box, 1 if chart else 0)
        self.setWidget(inner)

    def side_by_side_width(self) -> int:
        """The narrowest the pane can be with the three side by side, each readable."""
        views = sum(max(v.minimumWidth(), v.minimumSizeHint().width()) for v in self._views)
        return views + self.row.spacing() * (len(self._views) - 1)

    def stacked(self) -> bool:
        return self.row.direction() == Direction.TopToBottom

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Decided on the width left beside a vertical scroll bar, shown or not: a scroll bar
        # that comes with the stacked layout cannot flip it back and forth. (The event can
        # be the viewport's, which a scroll bar narrows: the pane's own width is used.)
        room = self.width() - self.style().pixelMetric(
            QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        wanted = Direction.LeftToRight if room >= self.side_by_side_width() \
            else Direction.TopToBottom
        if self.row.direction() != wanted:
            self.row.setDirection(wanted)
        super().resizeEvent(event)


def _text_alternative(name: str) -> QLabel:
    """The visible words under a chart or the calendar; Tab reaches them, a screen reader
    reads them."""
    label = QLabel()
    label.setObjectName(f"{name}-text")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                  | Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    label.setForegroundRole(QPalette.ColorRole.WindowText)  # the palette's: dark stays dark
    return label
