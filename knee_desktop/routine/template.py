"""Routine text: words with ``{name}`` placeholders, and nothing more.

Not :meth:`str.format`: a routine file is user input, and format's conversions (``{leg!r}``),
format specs (``{leg:>1000000000}``, which takes half a minute and gigabytes) and attribute
or index access (``{leg.__class__}``) have no place in spoken words. Here a placeholder is a
lower-case name in braces, ``{{`` and ``}}`` are literal braces, and anything else in braces
is an error found when the file is loaded. Checking and filling run in linear time.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from knee_desktop.common.errors import quote

# Every placeholder the app knows; which text may use which is the loader's table.
PLACEHOLDERS = ("leg", "reps", "seconds", "presses", "n")

_PART = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[a-z_]+")


def _allowed_text(allowed: Collection[str]) -> str:
    return ", ".join("{" + a + "}" for a in sorted(allowed)) or "no placeholders"


def problem(text: str, allowed: Collection[str]) -> str | None:
    """What is wrong with the placeholders in ``text`` (naming the first bad one), or
    ``None`` if it uses only ``allowed`` names."""
    for m in _PART.finditer(text):
        token = m.group()
        if token in ("{{", "}}"):
            continue
        inner = m.group(1)
        if inner is None:  # a brace that opens or closes nothing
            near = quote(text[max(0, m.start() - 10): m.start() + 20])
            return (f'a lone "{token}" (near {near}); placeholders look like {{leg}}, and a '
                    f'brace is written twice: "{token}{token}"')
        if not _NAME.fullmatch(inner):
            shown = quote("{" + inner + "}")
            return (f"placeholder {shown} is not allowed: only a plain name in braces, like "
                    "{leg}, with no !conversion, :format, .attribute or [index]; this text "
                    f"may use {_allowed_text(allowed)}")
        if inner not in allowed:
            return (f"unknown placeholder {{{inner}}}; this text may use "
                    f"{_allowed_text(allowed)}")
    return None


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` replaced by ``values[name]`` and ``{{``/``}}`` made single.

    The text must have passed :func:`problem` with names that ``values`` holds; a name that is
    missing is left as written, so filling can never fail in the middle of a session."""
    def one(m: re.Match[str]) -> str:
        token = m.group()
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        inner = m.group(1)
        return values.get(inner, token) if inner is not None else token

    return _PART.sub(one, text)


def plain(text: str) -> str:
    """A text with no placeholders, as it is shown and spoken (``{{`` becomes ``{``)."""
    return fill(text, {})
