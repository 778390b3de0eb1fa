"""Small text helpers shared by the widgets."""

from __future__ import annotations

import math


def clock_text(seconds: float) -> str:
    """``75.2`` → ``"1:16"`` (rounded up: time left never shows 0:00 too early)."""
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"
