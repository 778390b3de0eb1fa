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
