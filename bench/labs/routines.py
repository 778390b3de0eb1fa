"""A routine short enough to run whole in a test: a few seconds of real cues."""

from __future__ import annotations

from pathlib import Path


def routine_text(rid: str, title: str, summary: str, defaults: str, steps: str, *,
                 instructions: str = "Count.", safety: str = "[]",
                 closing: str = "Done.") -> str:
    """A small routine file for a lab or a test: one leg, no setup, the given
    ``[defaults]`` lines and ``[[steps]]`` tables (TOML text)."""
    return f'''
schema = 1
id = "{rid}"
title = "{title}"
summary = "{summary}"
instructions = "{instructions}"
safety = {safety}
setup = []
per_leg = false
switch_say = "Other leg."
closing = "{closing}"

[defaults]
{defaults.strip()}

{steps.strip()}
'''


TINY = routine_text("tiny", "Tiny", "A few counts for tests.", """
reps = 3
pause_seconds = 1
sweep_seconds = 1.0
circle_seconds = 1.0
lead_in_seconds = 0
""", """
[[steps]]
type = "move"
title = "Sweep"
movement = "sweep-left"
say = "Go."

[[steps]]
type = "still"
title = "Still"
say = "Still."
end_say = "Move."
""")


def tiny_routine(folder: Path) -> Path:
    path = folder / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return path


# A small valid routine file (the loader's tests and the fuzzers change it a line at a time).
GOOD = """\
id = "mini"
title = "Mini"
per_leg = true
switch_say = "Other leg: {leg}."

[defaults]
reps = 3

[[steps]]
type = "move"
title = "Left"
movement = "sweep-left"
say = "Wipe left {reps} times."

[[steps]]
type = "still"
title = "Still"
say = "Still for {seconds}."
end_say = "Go on."
"""
