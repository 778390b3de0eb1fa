"""`run --listen`: spoken commands for a terminal session (docs/voice.md, "Listening").

Prints that it listens and what to say, each command heard ("(heard: pause)"), and, with
``--cue-log``, logs each command with the first words the app said in answer (the
recorded test and the benchmark read them).
"""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from knee_desktop.common.errors import KneeError

if TYPE_CHECKING:
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.runtime.driver import SessionDriver
    from knee_desktop.runtime.voice_commands import VoiceCommands


class EventLog(Protocol):
    def event(self, **row: object) -> None: ...


def start_listening(driver: SessionDriver, saved: UserSettings,
                    cue_log: EventLog | None = None) -> VoiceCommands:
    """Spoken commands for this session; the first time, the app says what it does. Each
    command carried out is printed, and logged with the first words said in answer."""
    from knee_desktop.prefs.user_settings import save
    from knee_desktop.runtime.listener import Listener
    from knee_desktop.runtime.voice_commands import SPOKEN, VoiceCommands

    commands = VoiceCommands(driver, Listener(driver))
    commands.listener.status.connect(
        lambda state: print(f"Listening: {state}.", file=sys.stderr))
    print(f"Say: {', '.join(SPOKEN[:-1])}. The microphone's sound stays on this computer and "
          "is never saved.", file=sys.stderr)
    pending: list[str] = []

    def done(command: str) -> None:
        print(f"        (heard: {command})", flush=True)
        pending[:] = [command]

    def answered(text: str) -> None:
        if pending and cue_log is not None:
            said = commands.listener.last
            cue_log.event(command=pending[0], answer=text, at=round(time.monotonic(), 4),
                          spoken=None if said is None else [said.start, said.end])
        pending.clear()

    commands.done.connect(done)
    driver.spoken.connect(answered)
    commands.begin(explain=not saved.listen_explained)
    if not saved.listen_explained:
        with contextlib.suppress(OSError, KneeError):
            save(replace(saved, listen_explained=True))
    return commands
