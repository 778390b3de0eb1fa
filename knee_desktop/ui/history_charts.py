"""The history's charts (QtCharts) and its calendar of active days.

Both charts get their numbers already aggregated per week by SQL (:meth:`HistoryStore.weekly`),
so they cost the same for one month of use or ten years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCharts import (
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QEvent, QMargins, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPalette,
    QPen,
    QResizeEvent,
    QTextCharFormat,
)
from PySide6.QtWidgets import QCalendarWidget, QWidget

from knee_desktop.history.store import Week
from knee_desktop.ui.diagram_colours import blend, strong
from knee_desktop.ui.theme import contrast

MAX_LABELS = 9
LABEL_ROOM = 64  # pixels per date under the x axis: fewer dates in a narrow chart, none cut

Role = QPalette.ColorRole


@dataclass(frozen=True)
class ChartColours:
    """The charts' colours from the palette: lines and bars ≥ 3:1 on the background."""

    background: QColor
    text: QColor
    grid: QColor
    sessions: QColor
    minutes: QColor
    before: QColor
    after: QColor
    active_day: QColor

    @classmethod
    def of(cls, palette: QPalette) -> ChartColours:
        bg = palette.color(Role.Base)
        text = palette.color(Role.Text)
        accent = strong(palette.color(Role.Highlight), bg, text)
        other = strong(palette.color(Role.Link), bg, text)
        if contrast(other, accent) < 1.6:  # the link colour is the highlight's: use the text's
            other = text
        return cls(bg, text, blend(text, bg, 0.25), accent, other,
                   strong(blend(text, bg, 0.55), bg, text), accent,
                   blend(palette.color(Role.Highlight), bg, 0.3))


def week_labels(weeks: Sequence[Week], most: int = MAX_LABELS) -> dict[int, str]:
    """Labels for a few weeks only (the current one always): {index: "2 Mar"}."""
    step = max(1, -(-len(weeks) // max(1, most)))
    labels: dict[int, str] = {}
    for i, w in enumerate(weeks):
        if (len(weeks) - 1 - i) % step == 0:
            text = f"{w.monday.day} {w.monday:%b}"
            if text in labels.values() or (labels and w.monday.month == 1 and
                                           w.monday.day <= 7 * step):
                text += f" {w.monday:%Y}"
            labels[i] = text
    return labels


class _Chart(QChartView):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setTitle(title)
        font = QFont(chart.titleFont())
        font.setBold(True)
        chart.setTitleFont(font)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(320, 220)
        self._weeks: Sequence[Week] = ()
        self._labels = 0

    def colours(self) -> ChartColours:
        return ChartColours.of(self.palette())

    def set_weeks(self, weeks: Sequence[Week]) -> None:
        self._weeks = weeks
        self._labels = self._most_labels()
        self._draw(weeks)
        self._style()

    def _draw(self, weeks: Sequence[Week]) -> None:
        raise NotImplementedError

    def _most_labels(self) -> int:
        return max(2, min(MAX_LABELS, (self.width() - 80) // LABEL_ROOM))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._weeks and self._most_labels() != self._labels:
            self.set_weeks(self._weeks)  # dates that fit, never "15…"

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.set_weeks(self._weeks)

    def _style(self) -> None:
        """Background, words, axes and grid from the palette (dark stays dark)."""
        c = self.colours()
        chart = self.chart()
        chart.setBackgroundBrush(QBrush(c.background))
        chart.setTitleBrush(QBrush(c.text))
        chart.legend().setLabelColor(c.text)
        for axis in chart.axes():
            axis.setLabelsBrush(QBrush(c.text))
            axis.setTitleBrush(QBrush(c.text))
            axis.setLinePenColor(c.grid)
            axis.setGridLineColor(c.grid)
        self.setBackgroundBrush(QBrush(c.background))

    def _clear(self) -> QChart:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        return chart

    def _x_axis(self, weeks: Sequence[Week]) -> QCategoryAxis:
        """Week i is at x = i; a date under a few of them (a bar axis would need a label
        under every bar, and elides them all at 26 weeks)."""
        axis = QCategoryAxis()
        axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        axis.setRange(-0.5, max(len(weeks), 1) - 0.5)
        axis.setStartValue(-0.5)
        for i, text in week_labels(weeks, self._labels or MAX_LABELS).items():
            axis.append(text, float(i))
        axis.setGridLineVisible(False)
        font = QFont(axis.labelsFont())
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.85))
        axis.setLabelsFont(font)
        return axis


class WeeklyChart(_Chart):
    """Sessions per week (bars, left axis) and minutes of exercise (line, right axis)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Sessions and minutes per week", parent)
        self.setObjectName("weekly-chart")

    def _draw(self, weeks: Sequence[Week]) -> None:
        chart = self._clear()
        c = self.colours()
        bars = QBarSet("Sessions")
        bars.setColor(c.sessions)
        bars.setBorderColor(c.sessions)
        bars.append([float(w.sessions) for w in weeks])
        series = QBarSeries()
        series.setBarWidth(0.7)
        series.append(bars)
        minutes = QLineSeries()
        minutes.setName("Minutes")
        minutes.setPen(QPen(c.minutes, 2))
        for i, w in enumerate(weeks):
            minutes.append(float(i), float(w.minutes or 0.0))
        chart.addSeries(series)
        chart.addSeries(minutes)

        x = self._x_axis(weeks)
        left = QValueAxis()
        left.setLabelFormat("%d")
        left.setRange(0, max(4, max((w.sessions for w in weeks), default=0)))
        left.setTickCount(5)
        left.setTitleText("sessions")
        left.applyNiceNumbers()
        right = QValueAxis()
        right.setLabelFormat("%d")
        right.setRange(0, max(10.0, max((w.minutes or 0 for w in weeks), default=0) * 1.1))
        right.setTitleText("minutes")
        right.setGridLineVisible(False)
        right.applyNiceNumbers()
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(left, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
        series.attachAxis(x)
        series.attachAxis(left)
        minutes.attachAxis(x)
        minutes.attachAxis(right)


class FeelChart(_Chart):
    """Average knee feel per week, before and after the sessions (0 = no pain)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Knee feel, weekly average (0 = no pain)", parent)
        self.setObjectName("feel-chart")

    def _draw(self, weeks: Sequence[Week]) -> None:
        chart = self._clear()
        c = self.colours()
        x = self._x_axis(weeks)
        y = QValueAxis()
        y.setRange(0, 10)
        y.setTickCount(6)
        y.setLabelFormat("%d")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for name, colour, field, style in (
                ("Before", c.before, "feel_before", Qt.PenStyle.DashLine),
                ("After", c.after, "feel_after", Qt.PenStyle.SolidLine)):
            line = QLineSeries()
            line.setName(name)
            line.setPen(QPen(colour, 2, style))
            dots = QScatterSeries()
            dots.setMarkerSize(6)
            dots.setColor(colour)
            dots.setBorderColor(colour)
            for i, w in enumerate(weeks):
                value: float | None = getattr(w, field)
                if value is not None:  # weeks without an answer are left out, not zero
                    line.append(float(i), float(value))
                    dots.append(float(i), float(value))
            for series in (line, dots):
                chart.addSeries(series)
                series.attachAxis(x)
                series.attachAxis(y)
            chart.legend().markers(dots)[0].setVisible(False)


class ActiveDaysCalendar(QCalendarWidget):
    """A month calendar with the days you exercised shaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("active-days")
        self.setGridVisible(False)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self._format = QTextCharFormat()
        self._format.setFontWeight(QFont.Weight.Bold)
        self.days: set[date] = set()
        self._shade()

    def _shade(self) -> None:
        """Active days: the palette's highlight, faint, under the palette's text."""
        c = ChartColours.of(self.palette())
        self._format.setBackground(QBrush(c.active_day))
        self._format.setForeground(QBrush(c.text))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "days"):
            self._shade()
            self.set_days(sorted(self.days))

    def set_days(self, days: Sequence[date]) -> None:
        self.setDateTextFormat(QDate(), QTextCharFormat())  # clears every day's format
        self.days = set(days)
        for d in days:
            self.setDateTextFormat(QDate(d.year, d.month, d.day), self._format)
