"""Small text helpers shared by the widgets."""

from __future__ import annotations

import math

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication


def clock_text(seconds: float) -> str:
    """``75.2`` → ``"1:16"`` (rounded up: time left never shows 0:00 too early)."""
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"


BASE_SCALE = 1.25  # the window's text is larger than the desktop's: read from the floor


def scaled_font(factor: float = 1.0, bold: bool = False) -> QFont:
    """The application font, made ``BASE_SCALE * factor`` larger."""
    font = QFont(QApplication.font())
    font.setPointSizeF(max(font.pointSizeF(), 9.0) * BASE_SCALE * factor)
    font.setBold(bold)
    return font
