"""Text from users and files, made safe to show: on a terminal (no escape sequence, no control
character reaches it) and as a name (it must have something visible in it).

Every line the command line prints goes through :func:`terminal_safe` (``cli/main.py`` wraps
stdout and stderr with :class:`TerminalFilter`), so a routine title, an imported session's
title or a file name can never move the cursor, retitle the window or hide text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# C0 controls except tab and newline, DEL, C1 controls (0x9b is a one-byte CSI on some
# terminals), and the Unicode direction overrides and isolates ("Trojan source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(m: re.Match[str]) -> str:
    c = m.group()
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def terminal_safe(text: str) -> str:
    """``text`` with every control character written out as ``\\x1b`` (or ``\\u202e``), so it
    shows as text. Lone surrogates (a file name that is not UTF-8) are written out too."""
    text = _UNSAFE.sub(_shown, text)
    if any("\ud800" <= c <= "\udfff" for c in text):
        text = "".join(f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff"
                       else (f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else c)
                       for c in text)
    return text


class TerminalFilter:
    """A text stream whose every write goes through :func:`terminal_safe` first; the rest
    (``isatty``, ``fileno``, ``encoding``…) is the wrapped stream's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(terminal_safe(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


# Categories with nothing to see: format (zero-width space and joiners, soft hyphen, BOM,
# direction marks), separators, controls, unassigned and private-use code points.
_INVISIBLE = {"Cf", "Zs", "Zl", "Zp", "Cc", "Cn", "Co", "Cs", "Mn", "Me"}
_BLANK_EXTRA = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}  # Hangul fillers, braille


def has_visible(text: str) -> bool:
    """Whether ``text`` shows at least one visible character (a title of only zero-width
    spaces, joiners or fillers shows nothing and names nothing)."""
    return any(unicodedata.category(c) not in _INVISIBLE and c not in _BLANK_EXTRA
               for c in text)
