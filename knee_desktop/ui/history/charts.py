"""The history's charts (QtCharts) and its calendar of active days.

Both charts get their numbers already aggregated per week by SQL (:meth:`HistoryStore.weekly`),
so they cost the same for one month of use or ten years. Each chart and the calendar also
say what they show in words (:meth:`summary`, kept as the accessible description, and shown
as text by the history window) for anyone who cannot see the picture.
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
from PySide6.QtCore import QDate, QEvent, QMargins, Qt, Signal
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

from knee_desktop.common.limits import KNEE_FEEL
from knee_desktop.history.store import Week
from knee_desktop.ui.theme import Role, blend, contrast, strong

MAX_LABELS = 9
LABEL_ROOM = 64  # pixels per date under the x axis: fewer dates in a narrow chart, none cut


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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _week(w: Week) -> str:
    return f"the week of {w.monday.day} {w.monday:%B %Y}"


def weekly_summary(weeks: Sequence[Week]) -> str:
    """The weekly chart in words: totals, the busiest week, this week."""
    if not weeks:
        return "Sessions and minutes per week: no weeks to show."
    sessions = sum(w.sessions for w in weeks)
    minutes = sum(w.minutes or 0.0 for w in weeks)
    active = sum(1 for w in weeks if w.sessions)
    text = (f"Sessions and minutes per week, the last {_plural(len(weeks), 'week')}: "
            f"{_plural(sessions, 'session')}, {minutes:.0f} minutes of exercise, "
            f"sessions in {active} of the weeks.")
    if sessions:
        best = max(weeks, key=lambda w: (w.sessions, w.monday))
        text += f" Most: {_plural(best.sessions, 'session')} in {_week(best)}."
    last = weeks[-1]
    return text + (f" This week: {_plural(last.sessions, 'session')}, "
                   f"{last.minutes or 0.0:.0f} minutes.")


def feel_summary(weeks: Sequence[Week]) -> str:
    """The knee-feel chart in words: the averages before and after, and the latest week."""
    answered = [w for w in weeks if w.feel_before is not None or w.feel_after is not None]
    head = "Knee feel, weekly average, 0 = no pain"
    if not answered:
        return f"{head}: no answers in these {_plural(len(weeks), 'week')}."

    def mean(field: str) -> str:
        values = [v for w in answered if (v := getattr(w, field)) is not None]
        return f"{sum(values) / len(values):.1f}" if values else "not asked"

    def show(v: float | None) -> str:
        return "not asked" if v is None else f"{v:.1f}"

    last = answered[-1]
    return (f"{head}: answered in {len(answered)} of {_plural(len(weeks), 'week')}; on "
            f"average {mean('feel_before')} before and {mean('feel_after')} after. Latest, "
            f"{_week(last)}: {show(last.feel_before)} before, {show(last.feel_after)} after.")


class _Chart(QChartView):
    summary_changed = Signal(str)

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
        self._fit_font()
        self.setAccessibleName(title)
        self._summary = ""
        self._weeks: Sequence[Week] = ()
        self._labels = 0

    def summary(self) -> str:
        return self._summary

    def _set_summary(self, text: str) -> None:
        if text == self._summary:
            return  # a redraw for a resize or the palette: nothing new to say
        self._summary = text
        self.setAccessibleDescription(text)
        self.summary_changed.emit(text)

    def colours(self) -> ChartColours:
        return ChartColours.of(self.palette())

    def set_weeks(self, weeks: Sequence[Week]) -> None:
        self._weeks = weeks
        self._labels = self._most_labels()
        self._set_summary(self._summary_of(weeks))
        self._draw(weeks)
        self._style()

    def _summary_of(self, weeks: Sequence[Week]) -> str:
        raise NotImplementedError

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
        elif event.type() == QEvent.Type.FontChange:
            self._fit_font()

    def _fit_font(self) -> None:
        """The narrowest and lowest a chart can be with its title, its axis numbers and
        their titles whole: 252×196 px at the usual 14 px line, more with a larger font."""
        line = self.fontMetrics().height()
        self.setMinimumSize(18 * line, 14 * line)

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

    def _summary_of(self, weeks: Sequence[Week]) -> str:
        return weekly_summary(weeks)

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
        super().__init__("Knee feel per week", parent)  # the scale on its axis: short
        # enough for a chart at its narrowest, where a longer title was cut to "…"
        self.setObjectName("feel-chart")

    def _summary_of(self, weeks: Sequence[Week]) -> str:
        return feel_summary(weeks)

    def _draw(self, weeks: Sequence[Week]) -> None:
        chart = self._clear()
        c = self.colours()
        x = self._x_axis(weeks)
        y = QValueAxis()
        y.setRange(KNEE_FEEL.lo, KNEE_FEEL.hi)
        y.setTickCount(6)
        y.setLabelFormat("%d")
        y.setTitleText("0 = no pain")
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
    """A month calendar with the days you exercised shaded; :meth:`summary` lists them for
    the month on show."""

    summary_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("active-days")
        self.setAccessibleName("Active days calendar")
        for name, text in (("qt_calendar_prevmonth", "Previous month"),
                           ("qt_calendar_nextmonth", "Next month"),
                           ("qt_calendar_calendarview", "Days of the month, active days bold"),
                           ("qt_calendar_monthbutton", "Month"),
                           ("qt_calendar_yearbutton", "Year")):
            part = self.findChild(QWidget, name)
            if part is not None:
                part.setAccessibleName(text)
        self._summary = ""
        self.currentPageChanged.connect(lambda _y, _m: self._update_summary())
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
        self._update_summary()

    def summary(self) -> str:
        return self._summary

    def _update_summary(self) -> None:
        year, month = self.yearShown(), self.monthShown()
        shown = sorted(d.day for d in self.days if (d.year, d.month) == (year, month))
        name = f"{date(year, month, 1):%B %Y}"
        if shown:
            text = (f"{name}: sessions on {_plural(len(shown), 'day')}: "
                    f"{', '.join(str(d) for d in shown)}.")
        else:
            text = f"{name}: no sessions."
        self._summary = text
        self.setAccessibleDescription(text)
        self.summary_changed.emit(text)
