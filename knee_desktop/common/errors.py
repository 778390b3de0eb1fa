"""User-facing errors: each carries one clear paragraph, never a traceback."""

from __future__ import annotations

from pathlib import Path


class KneeError(Exception):
    """An error whose message is meant for the user as it is."""


class RoutineError(KneeError):
    """A routine file is unreadable or invalid.

    The message names the file, the line (when known), the field and what was expected.
    """

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.field = field
        self.problem = problem
        where = str(self.path)
        if line is not None:
            where += f", line {line}"
        what = f'field "{field}": ' if field else ""
        super().__init__(f"{where}: {what}{problem}")


class SettingsError(KneeError):
    """A session setting (from the command line or the settings file) is out of range."""


def quote(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to about ``limit`` characters, so a message never repeats a huge
    value. Large ints are not converted to text in full (Python refuses past 4300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        return f"a {int(abs(value).bit_length() * 0.30103) + 1}-digit number"
    if isinstance(value, str | bytes) and len(value) > limit:
        value = value[: limit + 1]  # no need to repr megabytes
    elif isinstance(value, list | tuple | dict | set | frozenset) and len(value) > limit:
        return f"a {type(value).__name__} of {len(value)} items"
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"a {type(value).__name__} too large to show"
    return text if len(text) <= limit else text[: limit - 1] + "…"
