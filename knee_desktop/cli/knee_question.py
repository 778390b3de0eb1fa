"""The knee-feel question in a terminal, for `run`: asked only when stdin is a terminal,
so scripts and shortcuts never hang on it."""

from __future__ import annotations

import sys
from typing import TextIO

from knee_desktop.common.limits import KNEE_FEEL
from knee_desktop.history.feel import QUESTION, SCALE, KneeFeel, When


def ask_feel_terminal(when: When = "after", stdin: TextIO | None = None,
                      stdout: TextIO | None = None) -> KneeFeel | None:
    """Ask "How do your knees feel?" (0-10, Enter skips) and an optional note.

    Returns None without asking when stdin is not a terminal, or at end of input; a
    KneeFeel with ``score=None`` when the user skipped.
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if not stdin.isatty():
        return None
    moment = "before the session" if when == "before" else "after the session"
    prompt = f"{QUESTION} ({moment}; {SCALE}; Enter skips): "
    while True:
        answer = _ask(prompt, stdin, stdout)
        if answer is None:
            return None
        if not answer:
            return KneeFeel(None)
        if answer.isascii() and answer.isdigit() and len(answer) <= 2 \
                and int(answer) in KNEE_FEEL:
            score = int(answer)
            break
        stdout.write(f"Please type {KNEE_FEEL.describe()}, or just press Enter.\n")
    note = _ask("A note, if you like (Enter for none): ", stdin, stdout)
    return KneeFeel(score, note or "")


def _ask(prompt: str, stdin: TextIO, stdout: TextIO) -> str | None:
    stdout.write(prompt)
    stdout.flush()
    line = stdin.readline()
    if not line:
        stdout.write("\n")
        return None
    return line.strip()
