"""Words painted in the diagram: fitted to their box (smaller, or wrapped), never cut, and
written down so a test can check every one of them.

A painted word is not a QLabel: nothing lays it out or says when it does not fit. Each one
goes through :func:`draw_fitted`, which tries the asked pixel size, then smaller ones down
to :data:`SMALLEST`, and records where it was drawn, where it had to go and whether it fit.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter

SMALLEST = 10  # px: below this, words are not readable on any screen


@dataclass(frozen=True)
class PaintedText:
    text: str
    box: QRectF  # where it was asked to go
    needed: QRectF  # where it went, at the size it got
    pixels: int

    @property
    def fits(self) -> bool:
        return self.box.adjusted(-1, -1, 1, 1).contains(self.needed)


def fitted_font(base: QFont, box: QRectF, flags: int, text: str, pixels: float,
                bold: bool) -> tuple[QFont, QRectF]:
    """The largest font from ``pixels`` down whose text fits ``box``, and its rectangle."""
    font = QFont(base)
    font.setBold(bold)
    size = max(SMALLEST, int(pixels))
    while True:
        font.setPixelSize(size)
        needed = QFontMetricsF(font).boundingRect(box, flags, text)
        if (needed.width() <= box.width() + 0.5 and needed.height() <= box.height() + 0.5) \
                or size <= SMALLEST:
            return font, needed
        size = max(SMALLEST, int(size * 0.9))


def draw_fitted(p: QPainter, base: QFont, box: QRectF, flags: int, text: str, pixels: float,
                bold: bool = False, log: list[PaintedText] | None = None) -> None:
    font, needed = fitted_font(base, box, flags, text, pixels, bold)
    p.setFont(font)
    p.drawText(box, flags, text)
    if log is not None:
        log.append(PaintedText(text, QRectF(box), needed, font.pixelSize()))


ALIGN_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
