"""Fuzzing in CI, bounded: generated routine files, settings files and session options each
end as accepted or as a clear message, never a crash (bench/labs/fuzz_strategies.py); text
printed by the command line never reaches the terminal raw, the safe-write helper never
writes through a link or a special file, and our own export always comes back
(bench/labs/fuzz_hostile.py, issue 29). A larger corpus with counts per area:
bench/fuzz_inputs.py."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings

from bench.labs.fuzz_hostile import (
    check_export,
    check_terminal,
    check_write,
    export_texts,
    hostile_text,
    write_targets,
)
from bench.labs.fuzz_strategies import (
    BASES,
    check_options,
    check_routine,
    check_settings,
    option_argv,
    routine_bytes,
    settings_bytes,
)

# Few examples, always the same ones (derandomize): the whole file runs in a few seconds.
BOUNDED = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _with(base: str, old: str, new: str) -> bytes:
    assert old in base
    return base.replace(old, new, 1).encode()


WIPER, SETTINGS = BASES[0], BASES[2]


# Issue 13's reproductions run every time, next to the generated files.
@BOUNDED
@example(_with(WIPER, "reps = 10", 'reps = "' + "9" * 100_000 + '"'))
@example(_with(WIPER, "{reps} times", "{leg:>1000000000}"))
@example(_with(WIPER, 'title = "Windshield', 'title = "Knee {beta}'))
@example(_with(WIPER, "reps = 10", "reps = " + "[" * 1000 + "]" * 1000))
@example(_with(WIPER, "reps = 10", "reps = " + "9" * 5000))
@example(_with(WIPER, "reps = 10", "a" + ".a" * 100_000 + " = 1"))
@example(_with(WIPER, 'id = "windshield-wiper"', 'id = "x\\n"'))
# issue 29: parse bombs past the old shape check, tiny pauses, invisible or control text, BOM
@example(_with(WIPER, "reps = 10", "1" + ".2" * 30_000 + " = 1"))
@example(_with(WIPER, "reps = 10", "reps = 10" + '\n[[steps]]\ntype = "say"\nsay = "x"' * 150))
@example(_with(WIPER, "reps = 10", "".join(f"k.{i} = 1\n" for i in range(5000))))
@example(_with(WIPER, "pause_seconds = 10", "pause_seconds = 0.5"))
@example(_with(WIPER, 'title = "Windshield', 'title = "\\u200b\\u2060'))
@example(_with(WIPER, 'title = "Windshield', 'title = "\\u001b[31m\\u009b2J'))
@example(b"\xef\xbb\xbf" + WIPER.encode())
@given(routine_bytes())
def test_routine_files_are_accepted_or_get_a_clear_message(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert check_routine(raw, Path(folder)) in ("accepted", "message")


@BOUNDED
@example(_with(SETTINGS, "reps = 12", "reps = " + "9" * 309))
@example(_with(SETTINGS, "reps = 12", "reps = " + "9" * 5000))
@example(_with(SETTINGS, "reps = 12", "reps = " + "[" * 5000 + "]" * 5000))
@example(_with(SETTINGS, 'voice = "english-us"', 'voice = "' + "v" * 100_000 + '"'))
@example(_with(SETTINGS, "reps = 12", "1" + ".2" * 30_000 + " = 1"))
@example(b"\xef\xbb\xbf" + SETTINGS.encode())
@given(settings_bytes())
def test_settings_files_give_settings_and_a_clear_message(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert check_settings(raw, Path(folder)) in ("accepted", "message")


@BOUNDED
@example(["--reps", "9" * 400])
@example(["--tempo", "30.0000001"])
@example(["--first-leg", "x" * 5000])
@given(option_argv())
def test_session_options_are_accepted_or_get_a_clear_message(argv: list[str]) -> None:
    assert check_options(argv) in ("accepted", "message")


# Issue 29's classes: fewer examples (each runs commands or a history round trip).
HOSTILE = settings(BOUNDED, max_examples=25,
                   suppress_health_check=[*BOUNDED.suppress_health_check,
                                          HealthCheck.function_scoped_fixture])


@settings(HOSTILE, max_examples=12)  # four commands a try
@example("bad\x1b[31m\x9b2J", "Knee\x1b]0;owned\x07")
@example("ok", "Café 🦵 \u202egnp.exe")
@given(hostile_text(), hostile_text())
def test_printed_text_never_reaches_the_terminal_raw(user_routines: Path, name: str,
                                                     title: str) -> None:
    assert check_terminal(name, title, user_routines) in ("accepted", "message")


@HOSTILE
@given(write_targets())
def test_writes_never_follow_links_or_open_special_files(target: tuple[str, bool, str]
                                                         ) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert check_write(*target, Path(folder)) in ("accepted", "message")


@HOSTILE
@example([("Knee\x00\x1b[31m", "=1+1\x9b")])
@given(export_texts())
def test_our_export_always_comes_back(texts: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert check_export(texts, Path(folder)) == "accepted"
