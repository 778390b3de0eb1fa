"""Where each key of a routine file is written, for messages that name the line."""

from __future__ import annotations

import re


def key_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """Map (table, [index,] key) paths to the line where they are written.

    tomllib reports line numbers only for syntax errors; this lets a validation error
    point at the line too. Keys inside multi-line strings are not mistaken for keys.
    """
    lines: dict[tuple[str | int, ...], int] = {}
    counters: dict[str, int] = {}
    prefix: tuple[str | int, ...] = ()
    in_multiline = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        quotes = line.count('"""') + line.count("'''")
        if in_multiline:
            in_multiline = quotes % 2 == 0
            continue
        if m := re.match(r"^\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]", line):
            name = m.group(1)
            counters[name] = counters.get(name, 0) + 1
            prefix = (name, counters[name])
            lines.setdefault(prefix, number)
        elif m := re.match(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]", line):
            prefix = (m.group(1),)
            lines.setdefault(prefix, number)
        elif m := re.match(r"^([A-Za-z0-9_-]+)\s*=", line):
            lines.setdefault((*prefix, m.group(1)), number)
        if quotes % 2 == 1:
            in_multiline = True
    return lines
