"""The report's weekly trend as a small picture, black on white: the week's average knee
feel before (dashed line, open circles) and after (solid line, filled dots) the sessions,
on the 0-10 scale, one point a week; weeks without an answer are left out, not drawn as 0.
The same numbers are in the calendar's last column, as text."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

from knee_desktop.history.report import WeekRow

DOTS_PER_MM = 300 / 25.4  # drawn at 300 dpi: crisp on paper
WIDTH_MM, HEIGHT_MM = 170.0, 38.0


def has_trend(weeks: Sequence[WeekRow]) -> bool:
    """Worth drawing: at least two weeks with an answer."""
    return sum(1 for w in weeks if w.feel_before is not None or w.feel_after is not None) >= 2


def trend_image(weeks: Sequence[WeekRow]) -> QImage:
    w, h = round(WIDTH_MM * DOTS_PER_MM), round(HEIGHT_MM * DOTS_PER_MM)
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(DOTS_PER_MM * 1000))
    image.setDotsPerMeterY(round(DOTS_PER_MM * 1000))
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont("DejaVu Sans")
    font.setPixelSize(round(2.6 * DOTS_PER_MM))
    p.setFont(font)
    plot = QRectF(10 * DOTS_PER_MM, 2 * DOTS_PER_MM, w - 12 * DOTS_PER_MM,
                  h - 9 * DOTS_PER_MM)
    _axes(p, plot, weeks)
    inner = _inner(plot)
    step = inner.width() / max(1, len(weeks) - 1)

    def at(i: int, v: float) -> QPointF:
        return QPointF(inner.left() + (i * step if len(weeks) > 1 else inner.width() / 2),
                       plot.bottom() - v / 10 * plot.height())

    for field, style, filled in (("feel_before", Qt.PenStyle.DashLine, False),
                                 ("feel_after", Qt.PenStyle.SolidLine, True)):
        points = [at(i, v) for i, wk in enumerate(weeks)
                  if (v := getattr(wk, field)) is not None]
        p.setPen(QPen(QColor("black"), 0.5 * DOTS_PER_MM, style))
        for a, b in pairwise(points):
            p.drawLine(a, b)
        p.setPen(QPen(QColor("black"), 0.4 * DOTS_PER_MM))
        p.setBrush(QColor("black") if filled else QColor("white"))
        for point in points:
            p.drawEllipse(point, 1.0 * DOTS_PER_MM, 1.0 * DOTS_PER_MM)
    p.end()
    return image


def _axes(p: QPainter, plot: QRectF, weeks: Sequence[WeekRow]) -> None:
    """The 0-10 scale at the left with light rules, and a few week dates under the plot."""
    p.setPen(QPen(QColor("#bbbbbb"), 0.2 * DOTS_PER_MM))
    for v in (0, 2, 4, 6, 8, 10):
        y = plot.bottom() - v / 10 * plot.height()
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
    p.setPen(QColor("black"))
    for v in (0, 5, 10):
        y = plot.bottom() - v / 10 * plot.height()
        p.drawText(QRectF(0, y - 2 * DOTS_PER_MM, plot.left() - DOTS_PER_MM, 4 * DOTS_PER_MM),
                   int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), str(v))
    if not weeks:
        return
    every = max(1, -(-len(weeks) // 6))
    inner = _inner(plot)
    step = inner.width() / max(1, len(weeks) - 1)
    for i in range(0, len(weeks), every):
        x = inner.left() + i * step if len(weeks) > 1 else inner.center().x()
        label = f"{weeks[i].monday.day} {weeks[i].monday:%b}"
        p.drawText(QRectF(x - 10 * DOTS_PER_MM, plot.bottom() + DOTS_PER_MM,
                          20 * DOTS_PER_MM, 5 * DOTS_PER_MM),
                   int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), label)


def _inner(plot: QRectF) -> QRectF:
    """Where the weeks go: clear of the scale's numbers at the left."""
    return plot.adjusted(4 * DOTS_PER_MM, 0, -2 * DOTS_PER_MM, 0)
