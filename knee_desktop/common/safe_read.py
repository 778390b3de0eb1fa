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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Budget:
    """What one file may make the TOML parser do, counted before it runs: the parts of one
    dotted key (tomllib is quadratic in them), all key parts and all tables in the file
    (headers and inline tables alike), and how deep arrays and tables nest."""

    key_parts: int = limits.TOML_MAX_KEY_PARTS
    all_parts: int = limits.TOML_MAX_ALL_PARTS
    tables: int = limits.TOML_MAX_TABLES
    depth: int = limits.TOML_MAX_DEPTH
    values: int = limits.TOML_MAX_VALUES
    tables_say: str = "tables"


class _Shape:
    """The linear pre-parse count of :func:`check_toml_shape`: where keys are (a dot in a
    key is a part, ``1.2.3 = x`` included; a dot between digits in a value is a number)."""

    def __init__(self, budget: Budget) -> None:
        self.b = budget
        self.stack: list[str] = []  # "h" table header, "a" array, "t" inline table
        self.key = True  # at a key: the start of a line, a header, after { or , in a table
        self.parts = 0
        self.all_parts = 0
        self.tables = 0
        self.values = 0

    def _table(self) -> str | None:
        self.tables += 1
        if self.tables > self.b.tables:
            return (f"more than {self.b.tables} {self.b.tables_say}; expected a file of "
                    "ordinary size as the documentation shows")
        return None

    def _part(self) -> str | None:
        self.parts += 1
        self.all_parts += 1
        if self.parts >= self.b.key_parts:
            return (f"a dotted key with more than {self.b.key_parts} parts; expected short "
                    "keys as the documentation shows")
        if self.all_parts > self.b.all_parts:
            return (f"more than {self.b.all_parts} dotted key parts in all; expected short "
                    "keys as the documentation shows")
        return None

    def _open(self, c: str) -> str | None:
        if c == "{":
            self.stack.append("t")
            self.key, self.parts = True, 0
            why = self._table()
        elif self.key and (not self.stack or self.stack[-1] == "h"):
            self.stack.append("h")  # [table] or [[array of tables]]
            self.parts = 0
            why = self._table() if len(self.stack) == 1 else None
        else:
            self.stack.append("a")
            why = None
        if why is None and sum(1 for k in self.stack if k != "h") > self.b.depth:
            why = (f"arrays or tables nested more than {self.b.depth} deep; expected a flat "
                   "file as the documentation shows")
        return why

    def token(self, tok: str, text: str, start: int, end: int) -> str | None:
        c = tok[0]
        if c == "\n":
            self.parts = 0
            if not self.stack or self.stack[-1] == "h":
                self.stack.clear()
                self.key = True
        elif c in "[{":
            return self._open(c)
        elif c in "]}":
            kind = self.stack.pop() if self.stack else ""
            self.parts = 0
            self.key = kind == "h" and bool(self.stack)
        elif c == ".":
            if self.key:
                return self._part()
            before = text[start - 1] if start else ""
            after = text[end] if end < len(text) else ""
            if not (before.isdigit() and after.isdigit()):  # 2.5 is a number, not a key
                return self._part()
        elif c in "=,":
            self.values += 1
            if self.values > self.b.values:
                return (f"more than {self.b.values} values; expected a file of ordinary size "
                        "as the documentation shows")
            self.parts = 0
            self.key = c == "," and bool(self.stack) and self.stack[-1] == "t"
        elif c in "0123456789_":
            return (f"a number with more than {limits.NUMBER_MAX_DIGITS} digits; expected a "
                    "number of ordinary size")
        return None


def check_toml_shape(text: str, budget: Budget | None = None) -> tuple[int, str] | None:
    """The first line (and problem) where ``text`` goes past the parse budget (key parts,
    tables, nesting) or the number-length limit; ``None`` if it stays within them. Runs in
    linear time, before :mod:`tomllib`, which recurses per nesting level and is quadratic in
    a key's parts."""
    shape = _Shape(budget or Budget())
    line = 1
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok[0] in "\"'":
            line += tok.count("\n")
            continue
        why = shape.token(tok, text, m.start(), m.end())
        if why is not None:
            return line, why
        if tok == "\n":
            line += 1
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


def load_toml(text: str, path: Path | str, budget: Budget | None = None) -> dict[str, Any]:
    """Parse TOML that passed :func:`check_toml_shape`; every failure is an
    :class:`InputFileError` with the line when tomllib gives one. Numbers are left as parsed
    (``nan`` and ``inf`` included): the caller's range checks name the field. Whole numbers
    past 64 bits are refused here, as the TOML standard says."""
    if text.startswith("\ufeff"):
        raise InputFileError(path, "starts with a byte-order mark (BOM, U+FEFF), which TOML "
                             "does not allow; save the file as UTF-8 without a BOM", line=1)
    shape = check_toml_shape(text, budget)
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
