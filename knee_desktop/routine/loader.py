"""Load and validate routine files (TOML).

Every problem becomes a :class:`RoutineError` naming the file, the line, the field and
what was expected. See docs/routines.md for the format.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from knee_desktop.common import limits, paths
from knee_desktop.common.errors import KneeError, RoutineError, quote
from knee_desktop.common.plain_text import has_visible
from knee_desktop.common.safe_read import Budget, InputFileError, load_toml, read_text
from knee_desktop.routine import template
from knee_desktop.routine.key_lines import key_lines as _key_lines
from knee_desktop.routine.model import (
    MOVEMENTS,
    Defaults,
    Movement,
    MoveStep,
    PressStep,
    RestStep,
    Routine,
    SayStep,
    Step,
    StillStep,
)

SCHEMA = 1
# What parsing one routine may cost, counted before tomllib runs (common/safe_read.py): its
# steps are its tables, and every step adds phrases that `plan` and `run` render.
ROUTINE_BUDGET = Budget(tables=limits.ROUTINE_MAX_STEPS + 1,
                        tables_say=f"tables ([[steps]] and others; a routine has at most "
                        f"{limits.ROUTINE_MAX_STEPS} steps)")
_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")  # used with fullmatch: "x\n" is no id
log = logging.getLogger(__name__)
_NONEMPTY = "a non-empty string of visible text without control characters"
_NONEMPTY_LIST = "a list of non-empty strings of visible text without control characters"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
T = TypeVar("T")

_TOP_KEYS = {
    "schema", "id", "title", "summary", "instructions", "safety", "setup", "per_leg",
    "switch_say", "closing", "defaults", "steps",
}
# Which {placeholders} each kind of text may use (routine/template.py); a text that may use
# none is stored as it reads, with {{ and }} made single.
_LEG = {"leg"}
_STEP_FIELDS: dict[str, dict[str, set[str] | None]] = {
    # field -> allowed placeholders (None: not a text field)
    "say": {"title": set(), "say": _LEG},
    "move": {"title": set(), "say": _LEG | {"reps"}, "movement": None, "reps": None},
    "still": {"title": set(), "say": _LEG | {"seconds"}, "end_say": _LEG, "seconds": None},
    "rest": {"title": set(), "say": _LEG | {"seconds"}, "end_say": _LEG, "seconds": None},
    "press": {
        "title": set(),
        "say": _LEG | {"presses", "seconds"},
        "press_say": _LEG | {"n", "seconds"},
        "release_say": _LEG,
        "hold_seconds": None,
        "find_seconds": None,
        "presses": None,
    },
}


@dataclass
class _Ctx:
    path: Path
    lines: dict[tuple[str | int, ...], int]

    def fail(self, where: tuple[str | int, ...], problem: str) -> RoutineError:
        line = None
        for n in range(len(where), 0, -1):
            line = self.lines.get(where[:n])
            if line is not None:
                break
        name = _field_name(where)
        if len(name) > limits.QUOTE_CHARS:
            name = name[: limits.QUOTE_CHARS - 1] + "…"
        return RoutineError(self.path, problem, line=line, field=name or None)


def _field_name(where: tuple[str | int, ...]) -> str:
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _get(
    ctx: _Ctx,
    table: dict[str, Any],
    where: tuple[str | int, ...],
    key: str,
    check: Callable[[Any], T | None],
    expected: str,
    default: T | None = None,
    required: bool = True,
) -> T:
    if key not in table:
        if default is not None or not required:
            return cast(T, default)
        raise ctx.fail((*where, key), f"missing; expected {expected}")
    value = check(table[key])
    if value is None:
        raise ctx.fail((*where, key), f"expected {expected}, got {quote(table[key])}")
    return value


def _text(value: Any) -> str | None:
    """A non-empty string with something visible in it (not only zero-width spaces) and no
    control character (an escape sequence would reach terminals, the history and exports)."""
    ok = isinstance(value, str) and has_visible(value) and not _CONTROL.search(value)
    return value.strip() if ok else None


def _within(r: limits.Range) -> Callable[[Any], float | None]:
    """A check for a number in ``r`` (common/limits.py); a whole number must be written as
    one (3, not 3.0)."""
    def check(value: Any) -> float | None:
        if r.whole and not isinstance(value, int):
            return None
        return value if value in r else None

    return check


def _number_field(ctx: _Ctx, table: dict[str, Any], where: tuple[str | int, ...], key: str,
                  r: limits.Range, required: bool = False) -> Any:
    return _get(ctx, table, where, key, _within(r), r.describe(), required=required)


def _text_list(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(_text(v) for v in value):
        return None
    return tuple(v.strip() for v in value)


def _check_keys(ctx: _Ctx, table: dict[str, Any], where: tuple[str | int, ...],
                allowed: Iterable[str]) -> None:
    known = set(allowed)
    for key in table:
        if key not in known:
            raise ctx.fail(
                (*where, key),
                f"unknown key; expected one of: {', '.join(sorted(known))}",
            )


def _check_template(ctx: _Ctx, where: tuple[str | int, ...], text: str,
                    allowed: set[str]) -> str:
    """``text`` if its placeholders are all ``allowed``; a text allowed none comes back as it
    reads (``{{`` made single), so no later code fills it."""
    problem = template.problem(text, allowed)
    if problem:
        raise ctx.fail(where, problem)
    return text if allowed else template.plain(text)


def _short(ctx: _Ctx, where: tuple[str | int, ...], title: str) -> str:
    """A title the history can keep and export (and every screen can show)."""
    if len(title) > limits.TITLE_CHARS:
        raise ctx.fail(where, f"{len(title)} characters; expected a title of at most "
                       f"{limits.TITLE_CHARS}")
    return title


def _plain(ctx: _Ctx, where: tuple[str | int, ...], text: str) -> str:
    return _check_template(ctx, where, text, set())


def _plain_list(ctx: _Ctx, where: tuple[str | int, ...], texts: Iterable[str],
                allowed: set[str] | None = None) -> tuple[str, ...]:
    return tuple(_check_template(ctx, (*where, i), t, allowed or set())
                 for i, t in enumerate(texts, start=1))


def _load_step(ctx: _Ctx, index: int, table: Any) -> Step:
    where: tuple[str | int, ...] = ("steps", index)
    if not isinstance(table, dict):
        raise ctx.fail(where, "expected a table ([[steps]])")
    kinds = ", ".join(_STEP_FIELDS)
    kind = _get(ctx, table, where, "type", _text, f"one of: {kinds}")
    if kind not in _STEP_FIELDS:
        raise ctx.fail((*where, "type"),
                       f"unknown step type {quote(kind)}; expected one of: {kinds}")
    fields = _STEP_FIELDS[kind]
    _check_keys(ctx, table, where, {"type", *fields})
    texts: dict[str, str] = {}
    for name, allowed in fields.items():
        if allowed is None:
            continue
        optional = name == "end_say" or (kind == "say" and name == "title")
        value = _get(ctx, table, where, name, _text, _NONEMPTY,
                     required=not optional)
        if value is not None:
            texts[name] = _check_template(ctx, (*where, name), value, allowed)
    title = _short(ctx, (*where, "title"), texts.get("title", ""))
    if kind == "say":
        return SayStep(title=title or texts["say"][:40], say=texts["say"])
    if kind == "move":
        movement = _get(ctx, table, where, "movement",
                        lambda v: v if v in MOVEMENTS else None,
                        f"one of: {', '.join(MOVEMENTS)}")
        reps = _number_field(ctx, table, where, "reps", limits.STEP["reps"])
        return MoveStep(title=title, say=texts["say"], movement=cast(Movement, movement),
                        reps=None if reps is None else int(reps))
    if kind in ("still", "rest"):
        seconds = _number_field(ctx, table, where, "seconds", limits.STEP["seconds"],
                                required=kind == "rest")
        end = texts.get("end_say", "")
        if kind == "still":
            return StillStep(title=title, say=texts["say"], end_say=end, seconds=seconds)
        return RestStep(title=title, say=texts["say"], end_say=end, seconds=float(seconds))
    hold = _number_field(ctx, table, where, "hold_seconds", limits.STEP["hold_seconds"], True)
    find = _number_field(ctx, table, where, "find_seconds", limits.STEP["find_seconds"], True)
    presses = _number_field(ctx, table, where, "presses", limits.STEP["presses"])
    return PressStep(title=title, say=texts["say"], press_say=texts["press_say"],
                     release_say=texts["release_say"], hold_seconds=float(hold),
                     find_seconds=float(find), presses=None if presses is None else int(presses))


def _load_defaults(ctx: _Ctx, table: Any) -> Defaults:
    if table is None:
        return Defaults()
    if not isinstance(table, dict):
        raise ctx.fail(("defaults",), "expected a table ([defaults])")
    _check_keys(ctx, table, ("defaults",), limits.ROUTINE_DEFAULTS)
    values: dict[str, float] = {}
    for key, r in limits.ROUTINE_DEFAULTS.items():
        got = _number_field(ctx, table, ("defaults",), key, r)
        if got is not None:
            values[key] = got
    return Defaults(**values)  # type: ignore[arg-type]


def parse_routine(text: str, path: Path) -> Routine:
    """Validate one routine file's text; raise :class:`RoutineError` on the first problem."""
    try:
        data = load_toml(text, path, ROUTINE_BUDGET)
    except InputFileError as exc:
        raise RoutineError(path, exc.problem, line=exc.line, field=exc.field) from None
    ctx = _Ctx(path, _key_lines(text))
    _check_keys(ctx, data, (), _TOP_KEYS)
    schema = data.get("schema", SCHEMA)
    if schema != SCHEMA or isinstance(schema, bool):
        raise ctx.fail(("schema",), f"expected {SCHEMA} (this version's format), "
                       f"got {quote(schema)}")
    rid = _get(ctx, data, (), "id",
               lambda v: v if isinstance(v, str) and _ID_RE.fullmatch(v) else None,
               "lower-case letters, digits and dashes, like \"windshield-wiper\"")
    title = _short(ctx, ("title",), _plain(ctx, ("title",), _get(ctx, data, (), "title", _text,
                                                                  _NONEMPTY)))
    per_leg = _get(ctx, data, (), "per_leg", lambda v: v if isinstance(v, bool) else None,
                   "true or false", required=False)
    switch = _get(ctx, data, (), "switch_say", _text, _NONEMPTY,
                  required=bool(per_leg))
    if switch:
        switch = _check_template(ctx, ("switch_say",), switch, {"leg"})
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ctx.fail(("steps",), "missing; expected at least one [[steps]] table")
    if len(raw_steps) > limits.ROUTINE_MAX_STEPS:
        raise ctx.fail(("steps",), f"{len(raw_steps)} steps; expected at most "
                       f"{limits.ROUTINE_MAX_STEPS}")
    steps = tuple(_load_step(ctx, i, s) for i, s in enumerate(raw_steps, start=1))
    setup = _get(ctx, data, (), "setup", _text_list, _NONEMPTY_LIST,
                 required=False) or ()

    def optional_text(key: str, default: str = "") -> str:
        value = _get(ctx, data, (), key, _text, _NONEMPTY, required=False)
        return _plain(ctx, (key,), value) if value else default

    return Routine(
        id=rid,
        title=title,
        summary=optional_text("summary"),
        instructions=optional_text("instructions"),
        safety=_plain_list(ctx, ("safety",), _get(
            ctx, data, (), "safety", _text_list, _NONEMPTY_LIST,
            required=False) or ()),
        setup=_plain_list(ctx, ("setup",), setup, {"leg"}),
        per_leg=bool(per_leg),
        switch_say=switch or "",
        closing=optional_text("closing", "The session is over. Well done."),
        steps=steps,
        defaults=_load_defaults(ctx, data.get("defaults")),
        source=path,
    )


def load_routine_file(path: Path) -> Routine:
    """Read (with the limits of common/safe_read.py) and validate one routine file."""
    try:
        text = read_text(path, max_bytes=limits.ROUTINE_FILE_BYTES)
    except InputFileError as exc:
        raise RoutineError(path, exc.problem, line=exc.line) from None
    return parse_routine(text, path)


@dataclass
class Catalog:
    """The routines found: the good ones by id, and one error per bad file."""

    routines: dict[str, Routine] = field(default_factory=dict)
    problems: list[RoutineError] = field(default_factory=list)

    def get(self, name: str) -> Routine:
        """A routine by id or by the path of a .toml file; a clear error otherwise."""
        if name.endswith(".toml") or "/" in name:
            return load_routine_file(Path(name))
        if name in self.routines:
            return self.routines[name]
        for problem in self.problems:
            if problem.path.stem == name:
                raise problem
        known = ", ".join(sorted(self.routines)) or "none"
        raise KneeError(f"No routine called {quote(name)}. Known routines: {known}. "
                        "Run `knee-desktop routines` to list them.")


def _load_one(path: Path) -> Routine:
    """One file of a folder; a bug in checking it must not hide the other routines."""
    try:
        return load_routine_file(path)
    except RoutineError:
        raise
    except Exception as exc:  # logged in full; the other files still load
        log.exception("routine file %s could not be checked", path)
        raise RoutineError(path, f"could not be checked ({type(exc).__name__}); the details "
                           "are in the log") from None


def _id_line(path: Path) -> int | None:
    try:
        return _key_lines(read_text(path, max_bytes=limits.ROUTINE_FILE_BYTES)).get(("id",))
    except InputFileError:
        return None


def _routine_files(folder: Path, catalog: Catalog) -> list[Path]:
    """The first ``ROUTINE_FOLDER_FILES`` .toml files of ``folder`` by name; more are named
    in one problem, not read (listing must stay quick whatever the folder holds)."""
    if not folder.is_dir():
        return []
    names = sorted(p for p in folder.iterdir() if p.name.endswith(".toml"))
    most = limits.ROUTINE_FOLDER_FILES
    if len(names) > most:
        catalog.problems.append(RoutineError(
            folder, f"holds {len(names)} .toml files; only the first {most} by name were "
            f"read (from {names[0].name} to {names[most - 1].name}). Move the others "
            "elsewhere to use them."))
        names = names[:most]
    return names


def load_catalog(dirs: Iterable[Path] | None = None) -> Catalog:
    """Load the shipped routines, then the user's; a user file with the same id wins."""
    if dirs is None:
        dirs = (paths.shipped_routines_dir(), paths.user_routines_dir())
    catalog = Catalog()
    for folder in dirs:
        try:
            names = _routine_files(folder, catalog)
        except OSError as exc:
            catalog.problems.append(RoutineError(
                folder, f"the folder cannot be read ({exc.strerror or exc})"))
            continue
        seen: dict[str, Path] = {}
        for path in names:
            try:
                routine = _load_one(path)
            except RoutineError as exc:
                catalog.problems.append(exc)
                continue
            if routine.id in seen:
                catalog.problems.append(RoutineError(
                    path, f'the id "{routine.id}" is already used by {seen[routine.id].name}; '
                    "expected a unique id", field="id", line=_id_line(path)))
                continue
            seen[routine.id] = path
            catalog.routines[routine.id] = routine
    return catalog
