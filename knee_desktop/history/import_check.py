"""Reading an import file with limits, and checking every value before anything is written.

A value is accepted only if every reader (the table, ``--json``, ``--csv``, the window) can
read it back: times in a sane range, finite numbers, whole numbers that fit, text that is
valid Unicode, settings that are plain JSON. A problem raises ``ImportProblem`` naming the
session, step and field; the caller adds the file name. Nothing is written before all of the
file has passed.
"""

from __future__ import annotations

import json
import math
import os
import stat
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from knee_desktop.common import limits
from knee_desktop.common.errors import KneeError
from knee_desktop.history.queries import MAX_STEP_MS
from knee_desktop.history.records import MAX_OFFSET, SessionRecord, StepRecord

MAX_FILE_BYTES = 64 * 1024 * 1024  # ten years of daily sessions is about 20 MB
MAX_DEPTH = 8  # nesting inside "settings"
MAX_SETTINGS_CHARS = 64 * 1024
MAX_COUNT = 1_000_000  # reps, step numbers, steps planned
MAX_SECONDS = 366 * 24 * 3600.0  # planned or paused seconds of one session
MAX_STEP_SECONDS = MAX_STEP_MS / 1000
STEP_KINDS = ("lead-in", "say", "move", "still", "rest", "press", "switch", "end")
LEGS = ("left", "right")
TEXT_LIMITS = {"routine": 200, "title": 500, "at_title": 500, "movement": 100,
               "note": limits.NOTE_CHARS}
MAX_SETTINGS_INT = 2 ** 53  # whole numbers in settings (SQLite holds < 2**63; JS 2**53)
# Dates an import may carry: well inside what every reader shows (records.EARLIEST..LATEST),
# so a step a week after its session's start is still readable.
FIRST_DATE = datetime(2000, 1, 1, tzinfo=UTC)
LAST_DATE = datetime(2100, 1, 1, tzinfo=UTC)


class ImportProblem(ValueError):
    """One value of the file is not acceptable; the message names where."""


class Bad:
    """A JSON number no reader can hold (NaN, Infinity, huge): kept as a marker while
    parsing so the check can say which field had it."""

    def __init__(self, text: str) -> None:
        self.text = text if len(text) <= 24 else f"{text[:20]}… ({len(text)} digits)"

    def __repr__(self) -> str:
        return self.text


def read_bounded(path: Path) -> str:
    """The text of ``path`` if it is a regular file of at most MAX_FILE_BYTES (FIFOs and
    devices are refused without blocking). KneeError with the reason otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise KneeError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise KneeError(f"Cannot import {path}: it is not a regular file (expected a "
                            "JSON file made by `knee-desktop history --json`).")
        if info.st_size > MAX_FILE_BYTES:
            raise KneeError(f"Cannot import {path}: it is {info.st_size:,} bytes; a history "
                            f"export is at most {MAX_FILE_BYTES:,}.")
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise KneeError(f"Cannot import {path}: it grew beyond {MAX_FILE_BYTES:,} bytes.")
    except OSError as exc:
        raise KneeError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    finally:
        os.close(fd)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KneeError(f"{path} is not a knee-desktop history export (not UTF-8 text: "
                        f"{exc.reason} at byte {exc.start}).") from exc


def parse(text: str, path: Path) -> Any:
    """JSON with NaN and Infinity kept as :class:`Bad` markers (numbers too big for a field
    are refused by the field's check: no per-number hook, which would cost seconds)."""
    try:
        return json.loads(text, parse_constant=Bad)
    except RecursionError:
        raise KneeError(f"{path} is not a knee-desktop history export (nested too "
                        "deeply).") from None
    except ValueError as exc:
        raise KneeError(f"{path} is not a knee-desktop history export (not JSON: "
                        f"{str(exc)[:200]}).") from None


def _text_ok(value: str) -> bool:
    """Whether ``value`` can be stored as UTF-8 (a lone surrogate cannot). A NUL can: the
    export writes it as \\u0000, so a session that holds one comes back."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Fields:
    """Checked access to one JSON object, with errors that say where."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise ImportProblem(f"{where}: expected an object")
        self.data = data
        self.where = where

    def fail(self, key: str, expected: str, value: Any = None) -> ImportProblem:
        got = "" if value is None else f", got {_show(value)}"
        return ImportProblem(f'{self.where}: field "{key}": expected {expected}{got}')

    def text(self, key: str, required: bool = True, default: str | None = None) -> Any:
        value = self.data.get(key)
        if value is None and not required:
            return default
        limit = TEXT_LIMITS.get(key, 500)
        if value is None:
            raise ImportProblem(f'{self.where}: field "{key}" is missing')
        if not isinstance(value, str):
            raise self.fail(key, "a string", value)
        if len(value) > limit:
            raise self.fail(key, f"at most {limit:,} characters", f"{len(value):,}")
        if not _text_ok(value):
            raise self.fail(key, "text without broken characters (a lone surrogate)")
        return value

    def whole(self, key: str, lo: int, hi: int, required: bool = False,
              default: int | None = None) -> Any:
        value = self.data.get(key)
        if value is None and not required:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise self.fail(key, f"a whole number from {lo:,} to {hi:,}", value)
        return value

    def number(self, key: str, lo: float, hi: float, default: float = 0.0) -> float:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not lo <= value <= hi:
            raise self.fail(key, f"a number from {lo:g} to {hi:g}", value)
        return float(value)

    def choice(self, key: str, allowed: tuple[str, ...], required: bool = False) -> Any:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if value not in allowed:
            raise self.fail(key, f"one of {', '.join(allowed)}", value)
        return value

    def time(self, key: str, required: bool = True) -> datetime | None:
        text = self.data.get(key)
        if text is None and not required:
            return None
        if text is None:
            raise ImportProblem(f'{self.where}: field "{key}" is missing')
        if not isinstance(text, str):
            raise self.fail(key, "an ISO 8601 date and time as a string", text)
        try:
            when = datetime.fromisoformat(text)
            if when.tzinfo is None:
                when = when.astimezone()
            offset = when.utcoffset() or timedelta(0)
            ok = (abs(offset.total_seconds()) <= MAX_OFFSET and offset.microseconds == 0
                  and offset.seconds % 60 == 0 and FIRST_DATE <= when <= LAST_DATE)
        except (ValueError, OverflowError, OSError):
            ok = False
        if not ok:
            raise self.fail(key, f"an ISO 8601 date and time from {FIRST_DATE:%Y-%m-%d} to "
                            f"{LAST_DATE:%Y-%m-%d} with a UTC offset in whole minutes", text)
        return when

    def settings(self, key: str = "settings") -> dict[str, Any]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "an object", value)
        problem = _plain(value, MAX_DEPTH)
        if problem:
            raise self.fail(key, f"plain settings ({problem})")
        if len(json.dumps(value)) > MAX_SETTINGS_CHARS:
            raise self.fail(key, f"at most {MAX_SETTINGS_CHARS:,} characters of settings")
        return value


def _plain(value: Any, depth: int) -> str | None:
    """Why ``value`` is not plain JSON every reader can store and read back (None: it is)."""
    if depth < 0:
        return f"nested deeper than {MAX_DEPTH} levels"
    if isinstance(value, Bad):
        return f"{value.text} is not a number JSON can carry"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a number JSON can carry"
    if isinstance(value, int) and not -MAX_SETTINGS_INT <= value <= MAX_SETTINGS_INT:
        return f"{Bad(str(value)).text} is too big a whole number"
    if isinstance(value, str):
        return None if _text_ok(value) else "a broken character (a lone surrogate)"
    if isinstance(value, dict):
        for k, v in value.items():
            why = _plain(k, depth) or _plain(v, depth - 1)
            if why:
                return why
        return None
    if isinstance(value, list):
        for v in value:
            why = _plain(v, depth - 1)
            if why:
                return why
    return None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def session(data: Any, where: str) -> SessionRecord:
    """One checked session of an export."""
    f = Fields(data, where)
    started = f.time("started")
    assert started is not None
    steps_raw = data.get("steps")
    if steps_raw is None:
        steps_raw = []
    if not isinstance(steps_raw, list) or len(steps_raw) > 10_000:
        raise f.fail("steps", "a list of at most 10,000 steps")
    steps = [_step(raw, f"{where}, step {i + 1}", started) for i, raw in enumerate(steps_raw)]
    uid = f.text("uuid")
    try:
        uid = str(uuidlib.UUID(uid))
    except ValueError:
        raise f.fail("uuid", "a UUID like 3f2b9c1e-8d4a-4c6b-9e0f-2a1b3c4d5e6f", uid) from None
    feel = limits.KNEE_FEEL
    return SessionRecord(
        uuid=uid, routine_id=f.text("routine"), title=f.text("title"),
        settings=f.settings(), started=started, ended=f.time("ended", False),
        end_state=f.choice("end_state", limits.END_STATES) or "interrupted",
        at_step=f.whole("at_step", 0, MAX_COUNT), at_title=f.text("at_title", False),
        planned_seconds=f.number("planned_seconds", 0, MAX_SECONDS),
        steps_planned=f.whole("steps_planned", 0, MAX_COUNT, default=0),
        paused_seconds=f.number("paused_seconds", 0, MAX_SECONDS),
        feel_before=_feel(f, "feel_before", feel), feel_after=_feel(f, "feel_after", feel),
        note=f.text("note", False, ""), steps=steps)


def _feel(f: Fields, key: str, scale: limits.Range) -> int | None:
    value = f.data.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ImportProblem(f'{f.where}: field "{key}" is missing or not a whole number')
    if value is not None and value not in scale:
        raise ImportProblem(f'{f.where}: field "{key}": expected {scale.lo:g} to '
                            f"{scale.hi:g}, got {_show(value)}")
    return value


def _step(raw: Any, where: str, started: datetime) -> StepRecord:
    s = Fields(raw, where)
    ms = s.whole("ended_after_ms", -MAX_STEP_MS, MAX_STEP_MS)
    completed = raw.get("completed", False)
    if not isinstance(completed, bool):
        raise s.fail("completed", "true or false", completed)
    return StepRecord(
        step_index=s.whole("index", 0, MAX_COUNT, required=True), title=s.text("title"),
        kind=s.choice("kind", STEP_KINDS, required=True), movement=s.text("movement", False),
        leg=s.choice("leg", LEGS), reps_planned=s.whole("reps_planned", 0, MAX_COUNT),
        reps_done=s.whole("reps_done", 0, MAX_COUNT, default=0),
        seconds=s.number("seconds", 0, MAX_STEP_SECONDS), completed=completed,
        ended=None if ms is None else started + timedelta(milliseconds=ms))
