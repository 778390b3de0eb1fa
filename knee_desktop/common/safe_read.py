"""Read a user's file with limits before anything parses it.

Routine files, the settings file and history imports come from the user's disk, where a file
can be a FIFO (opening it would block forever), a link to ``/dev/zero`` (reading it never ends),
a gigabyte, or TOML that makes :mod:`tomllib` recurse or allocate without bound. Everything here
turns such a file into one :class:`InputFileError` naming the file (and the line, when known);
callers turn that into their own one-paragraph message.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from knee_desktop.common import limits
from knee_desktop.common.errors import KneeError, quote


class InputFileError(KneeError):
    """A user file that cannot be read safely, or is not what it must be."""

    def __init__(self, path: Path | str, problem: str, *, line: int | None = None,
                 field: str | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        self.field = field
        where = str(self.path) + (f", line {line}" if line is not None else "")
        what = f'field "{field}": ' if field else ""
        super().__init__(f"{where}: {what}{problem}")


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _size_text(n: int) -> str:
    return f"{n / (1 << 20):g} MiB" if n >= 1 << 20 else f"{n} bytes"


def read_bytes(path: Path | str, *, max_bytes: int) -> bytes:
    """The file's bytes, if it is a regular file (after following links) of at most
    ``max_bytes``. Never blocks on a FIFO and never reads a device."""
    path = Path(path)
    target = Path(os.path.realpath(path))
    link = f" (a link to {target})" if target != path.absolute() and path.is_symlink() else ""
    try:
        info = os.stat(path)  # follows links; opens nothing, so a device is never touched
    except OSError as exc:
        raise InputFileError(path, f"cannot be read{link} ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(path, f"is {_kind(info.st_mode)}{link}, not a regular file")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputFileError(path, f"cannot be read{link} ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)  # what was opened, should it have changed since the stat
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(path, f"is {_kind(info.st_mode)}{link}, not a regular file")
        if info.st_size > max_bytes:
            raise InputFileError(path, f"is {_size_text(info.st_size)}{link}; expected at most "
                                 f"{_size_text(max_bytes)}")
        chunks: list[bytes] = []
        got = 0
        while got <= max_bytes:
            chunk = os.read(fd, min(1 << 16, max_bytes + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > max_bytes:
            raise InputFileError(path, f"is larger than {_size_text(max_bytes)}{link}")
        return b"".join(chunks)
    except OSError as exc:
        raise InputFileError(path, f"cannot be read{link} ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def read_text(path: Path | str, *, max_bytes: int) -> str:
    """:func:`read_bytes`, decoded as UTF-8 (a clear error otherwise)."""
    raw = read_bytes(path, max_bytes=max_bytes)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(path, "is not UTF-8 text; save the file as UTF-8",
                             line=line) from None


# One token of TOML as far as the shape check needs: a whole string (so brackets, dots and
# digits inside quotes are skipped), a comment, a bracket, a key dot, a separator, a digit run.
_TOKEN = re.compile(
    r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"{3,5}'  # unrolled loops: no backtracking
    r"|'''[^']*(?:'(?!'')[^']*)*'{3,5}"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"|[\[{]|[\]}]|[.=,\n]"
    r"|[0-9_]{" + str(limits.NUMBER_MAX_DIGITS + 1) + ",}",
    re.S,
)


def check_toml_shape(text: str) -> tuple[int, str] | None:
    """The first line (and problem) where ``text`` goes past the nesting, dotted-key or
    number-length limits; ``None`` if it stays within them. Runs in linear time, before
    :mod:`tomllib`, which recurses per nesting level and is quadratic in a key's parts."""
    depth = 0
    parts = 0
    line = 1
    for m in _TOKEN.finditer(text):
        tok = m.group()
        c = tok[0]
        if c in "\"'":
            line += tok.count("\n")
        elif c == "\n":
            line += 1
            parts = 0
        elif c in "[{":
            depth += 1
            parts = 0
            if depth > limits.TOML_MAX_DEPTH:
                return line, (f"arrays or tables nested more than {limits.TOML_MAX_DEPTH} "
                              "deep; expected a flat file as the documentation shows")
        elif c in "]}":
            depth = max(0, depth - 1)
            parts = 0
        elif c == ".":
            before = text[m.start() - 1] if m.start() else ""
            after = text[m.end()] if m.end() < len(text) else ""
            if not (before.isdigit() and after.isdigit()):  # 2.5 is a number, not a key
                parts += 1
                if parts >= limits.TOML_MAX_KEY_PARTS:
                    return line, (f"a dotted key with more than {limits.TOML_MAX_KEY_PARTS} "
                                  "parts; expected short keys as the documentation shows")
        elif c in "=,":
            parts = 0
        elif c in "0123456789_":
            return line, (f"a number with more than {limits.NUMBER_MAX_DIGITS} digits; "
                          "expected a number of ordinary size")
    return None


def _too_big(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) \
        and not -limits.INT_MAX - 1 <= value <= limits.INT_MAX


def find_huge_int(data: Any) -> str | None:
    """The dotted path of the first whole number outside TOML's 64-bit range (``0x`` with
    many digits gets past the digit check); ``None`` if there is none. No recursion."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{where}.{k}" if where else str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(value, start=1))
        elif _too_big(value):
            return where
    return None


def load_toml(text: str, path: Path | str) -> dict[str, Any]:
    """Parse TOML that passed :func:`check_toml_shape`; every failure is an
    :class:`InputFileError` with the line when tomllib gives one. Numbers are left as parsed
    (``nan`` and ``inf`` included): the caller's range checks name the field. Whole numbers
    past 64 bits are refused here, as the TOML standard says."""
    shape = check_toml_shape(text)
    if shape is not None:
        raise InputFileError(path, shape[1], line=shape[0])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(m.group(1)) if m else None
        if line is None and "end of document" in msg:
            line = max(1, text.count("\n") + 1)
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        col = f" (column {m.group(2)})" if m else ""
        raise InputFileError(path, f"not valid TOML: {problem}{col}", line=line) from None
    except (RecursionError, MemoryError):
        raise InputFileError(path, "is nested too deeply or too large to read; expected a "
                             "flat file as the documentation shows") from None
    except (ValueError, OverflowError) as exc:  # e.g. int() refusing a very long number
        raise InputFileError(path, f"has a value that cannot be read ({quote(str(exc))})") \
            from None
    huge = find_huge_int(data)
    if huge is not None:
        raise InputFileError(path, "expected a number of ordinary size, got a whole number "
                             "past 64 bits", field=huge)
    return data
