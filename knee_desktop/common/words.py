"""Small wording helpers shared by the window, the terminal and the report."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 day``, ``2 days``, ``0 days``; ``many`` for an irregular plural."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
