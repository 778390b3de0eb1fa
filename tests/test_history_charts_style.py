"""The history's charts follow the palette (dark stays dark, high contrast stays readable)
and show only as many dates as fit their width, so none is cut to "15…"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCharts import QCategoryAxis
from PySide6.QtGui import QPalette

from knee_desktop.history.store import Week
from knee_desktop.ui.history.charts import LABEL_ROOM, FeelChart, WeeklyChart
from knee_desktop.ui.theme import PALETTE_NAMES, contrast, named_palette

WEEKS = [Week(date(2026, 6, 1) + timedelta(weeks=i), i % 5, 8.5 * (i % 5),
              6 - i * 0.2, 4 - i * 0.15) for i in range(26)]


@pytest.mark.parametrize("name", PALETTE_NAMES)
def test_charts_take_their_colours_from_the_palette(qtbot, name):
    palette = named_palette(name)
    for kind in (WeeklyChart, FeelChart):
        chart = kind()
        qtbot.addWidget(chart)
        chart.setPalette(palette)
        chart.set_weeks(WEEKS)
        base = palette.color(QPalette.ColorRole.Base)
        assert chart.chart().backgroundBrush().color() == base
        assert contrast(chart.chart().titleBrush().color(), base) >= 4.5
        for axis in chart.chart().axes():
            assert contrast(axis.labelsBrush().color(), base) >= 4.5
        c = chart.colours()
        for line in (c.sessions, c.minutes, c.before, c.after):
            assert contrast(line, base) >= 3.0, (name, line.name())


@pytest.mark.parametrize("width", [330, 480, 900])
def test_only_the_dates_that_fit_are_labelled(qtbot, width):
    chart = WeeklyChart()
    qtbot.addWidget(chart)
    chart.resize(width, 260)
    chart.set_weeks(WEEKS)
    x = next(a for a in chart.chart().axes() if isinstance(a, QCategoryAxis))
    labels = x.categoriesLabels()
    assert 2 <= len(labels) <= max(2, (width - 80) // LABEL_ROOM)
    assert all("…" not in label for label in labels)
    chart.resize(900, 260)  # wider: more dates
    x = next(a for a in chart.chart().axes() if isinstance(a, QCategoryAxis))
    assert len(x.categoriesLabels()) >= len(labels)
