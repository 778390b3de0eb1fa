"""Generated hostile input for routine files, settings files and session options, and the
checks that each outcome is either accepted or a clear message. Shared by
tests/test_fuzz_inputs.py (few examples, in CI) and bench/fuzz_inputs.py (a larger corpus
with counts per area)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from pathlib import Path

from hypothesis import strategies as st

from bench.labs import DATA
from knee_desktop.common import paths
from knee_desktop.common.errors import KneeError, RoutineError, SettingsError
from knee_desktop.plan.timeline import compile_timeline
from knee_desktop.prefs import user_settings as us

MESSAGE_CHARS = 800  # one paragraph, whatever the input


def _shipped(name: str) -> str:
    return (paths.shipped_routines_dir() / name).read_text(encoding="utf-8")


BASES = (_shipped("windshield-wiper.toml"), _shipped("thigh-massage.toml"),
         (DATA / "settings-v1-before-limits.toml").read_text())

HOSTILE_VALUES = (
    "9" * 5000, "9" * 309, "-" + "9" * 40, "0x" + "f" * 100, "0", "-1", "101", "2.5", "3.0",
    "3600.0001", "1e400", "nan", "inf", "-inf", "true", '""', "'   '", '"x\\n"', "[]", "{}",
    "[" * 1000 + "]" * 1000, "[" * 40 + "]" * 40, "{a=" * 40 + "1" + "}" * 40,
    '"' + "a" * 100_000 + '"', "1979-05-27T07:32:00Z", "07:32:00", '[1, "a"]', '["mon", 3]',
    '"\\u0000"', '"\\ud800"', '"é€😀"', "'''\nmulti\n'''",
    # issue 29: invisible and control-character text, tiny pauses, a poisoned number
    '"\\u200b"', '"\\u200b\\u2060\\ufeff"', '"\\u001b[31mred"', '"\\u009b2J"', '"a\\rb"',
    "1e-9", "0.5", "1e308",
)
PLACEHOLDER_PIECES = (
    "{", "}", "{{", "}}", "{leg}", "{reps}", "{seconds}", "{n}", "{presses}", "{beta}", "{}",
    "{0}", "{leg!r}", "{leg!z}", "{leg:d}", "{leg:{reps}}", "{seconds:%}", "{leg:>1000000000}",
    "{leg.__class__.__mro__}", "{leg[0]}", "{ leg }", "{LEG}", " words ", "é",
)
HOSTILE_LINES = (
    "[[steps]]", "[defaults]", "[reminder]", 'type = "nap"', "a" + ".a" * 100_000 + " = 1",
    "x" * 5000 + " = 1", 'id = "x\\n"', "schema = 2", "per_leg = true", "steps = 3",
    '[[steps]]\ntype = "say"\nsay = "hi"', "reps = " + "9" * 25, "= = =", "[[[", '"""',
    # issue 29: parse bombs past the old shape check (digit-only dotted keys, tables, steps)
    "1" + ".2" * 30_000 + " = 1", "[" + "1." * 40 + "1]", "a = {" + "1." * 40 + "1 = 2}",
    "".join(f"k.{i} = 1\n" for i in range(5000)), "".join(f"[t{i}]\n" for i in range(400)),
    '[[steps]]\ntype = "say"\nsay = "hi"\n' * 150, "a = [" + "{}," * 2000 + "]", "\ufeff",
)


@st.composite
def placeholder_text(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(PLACEHOLDER_PIECES), min_size=1, max_size=6))
    return '"' + "".join(parts).replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    """``base`` with a few lines changed: a value made hostile, a line added, removed,
    repeated, or text typed into the middle."""
    lines = base.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(("value", "value", "insert", "delete", "dup", "chars")))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "value" and lines and " = " in lines[i]:
            key = lines[i].split(" = ", 1)[0]
            value = draw(st.one_of(st.sampled_from(HOSTILE_VALUES), placeholder_text()))
            lines[i] = f"{key} = {value}"
        elif op == "insert":
            lines.insert(i, draw(st.one_of(st.sampled_from(HOSTILE_LINES),
                                           st.text(max_size=40))))
        elif op == "delete" and lines:
            del lines[i]
        elif op == "dup" and lines:
            lines.insert(i, lines[i])
        elif lines:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.text(max_size=8)) + lines[i][at:]
    return "\n".join(lines) + "\n"


def routine_bytes() -> st.SearchStrategy[bytes]:
    texts = st.one_of(mutated(BASES[0]), mutated(BASES[1]), st.text(max_size=300))
    return st.one_of(texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
                     st.binary(max_size=200))


def settings_bytes() -> st.SearchStrategy[bytes]:
    texts = st.one_of(mutated(BASES[2]), mutated(BASES[2]), st.text(max_size=300))
    return st.one_of(texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
                     st.binary(max_size=200))


OPTION_VALUES = ("10", "0", "101", "-3", "2.5", "30.0000001", "١٢", "5_0", "9" * 400, "nan",
                 "inf", "1e3", ".5", "", " 7", "left", "middle", "both", "x" * 5000)
OPTIONS = ("--reps", "--pause", "--tempo", "--lead-in", "--leg", "--first-leg")


def option_argv() -> st.SearchStrategy[list[str]]:
    pair = st.tuples(st.sampled_from(OPTIONS),
                     st.one_of(st.sampled_from(OPTION_VALUES), st.text(max_size=12)))
    return st.lists(pair, max_size=4).map(lambda ps: [x for p in ps for x in p])


# --- the checks: return "accepted" or "message"; raise on anything else ----------------------

def _clear(message: str, path: Path | None = None) -> None:
    assert len(message) <= MESSAGE_CHARS, f"message of {len(message)} chars"
    assert "Traceback" not in message
    if path is not None:
        assert message.startswith(str(path)), message[:200]


def check_routine(raw: bytes, folder: Path) -> str:
    """Load ``raw`` as a routine file from ``folder``; a good routine must also plan."""
    from knee_desktop.routine.loader import load_routine_file

    path = folder / "fuzz.toml"
    path.write_bytes(raw)
    try:
        routine = load_routine_file(path)
    except RoutineError as exc:
        _clear(str(exc), path)
        return "message"
    compile_timeline(routine)
    return "accepted"


NOW = dt.datetime(2026, 1, 24, 8, 15, 0)


def check_settings(raw: bytes, folder: Path) -> str:
    """Load ``raw`` as settings.toml: defaults and a message, the bytes kept aside, and the
    next load quiet."""
    for old in folder.iterdir():
        old.unlink()
    path = folder / "settings.toml"
    path.write_bytes(raw)
    result = us.load(path, now=NOW)
    result.settings.validate()
    if not result.messages:
        return "accepted"
    for line in result.messages:
        _clear(line)
    if result.kept_aside is not None:
        assert result.kept_aside.read_bytes() == raw
    assert us.load(path, now=NOW).messages == (), "the repaired file is not quiet"
    return "message"


def check_options(argv: list[str]) -> str:
    """Parse session options like `plan` does; argparse's usage error (exit 2, one line on
    stderr) or a SettingsError is the message."""
    from knee_desktop.cli.main import build_parser
    from knee_desktop.cli.options import settings_from_args

    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            args = build_parser().parse_args(["plan", "windshield-wiper", *argv])
        settings_from_args(args)
    except SystemExit as exc:
        assert exc.code == 2, exc.code
        _clear(err.getvalue().splitlines()[-1])
        return "message"
    except (SettingsError, KneeError) as exc:
        _clear(str(exc))
        return "message"
    return "accepted"
