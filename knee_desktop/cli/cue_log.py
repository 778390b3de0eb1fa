"""``run --cue-log FILE``: one JSON object a line per cue (``due``, ``played``, ``heard``,
``kind``, ``text``; ``"dropped": true`` for a cue too late after a stall), and a line for each
spoken command and what the app said to it."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import IO, Any

from knee_desktop.session.engine import Cue


class CueLog:
    """``--cue-log``: opened before the session (a bad path is a message, not a crash); a
    write that fails (a full disk, /dev/full) is said once and logging stops, the session
    goes on."""

    def __init__(self, path: str, force: bool = False) -> None:
        from knee_desktop.common.safe_write import open_stream

        self.path = path
        # A new file, or with --force a regular file emptied; never a link, FIFO or device.
        self.file: IO[str] | None = open_stream(path, replace=force, what="--cue-log")

    def write(self, cue: Cue, played: float, heard: float | None, **extra: Any) -> None:
        if self.file is None:
            return
        row = {"due": round(cue.due, 6), "played": round(played, 6),
               "heard": None if heard is None else round(heard, 6),
               "kind": cue.event.kind, "text": cue.event.text, "t": round(cue.event.t, 3),
               **extra}
        try:
            self.file.write(json.dumps(row) + "\n")
            self.file.flush()
        except OSError as exc:
            print(f"knee-desktop: the cue log {self.path} could not be written "
                  f"({exc.strerror or exc}); cue logging stopped.", file=sys.stderr)
            self.close()

    def event(self, **row: Any) -> None:
        """A line that is not a cue (a spoken command and what the app said to it)."""
        if self.file is not None:
            with contextlib.suppress(OSError):
                self.file.write(json.dumps(row) + "\n")
                self.file.flush()

    def close(self) -> None:
        if self.file is not None:
            file, self.file = self.file, None
            with contextlib.suppress(OSError):
                file.close()
