"""Fuzzing in CI, bounded: generated routine files, settings files and session options each
end as accepted or as a clear message, never a crash (bench/labs/fuzz_strategies.py; a larger
corpus with counts per area: bench/fuzz_inputs.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings

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
@given(routine_bytes())
def test_routine_files_are_accepted_or_get_a_clear_message(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert check_routine(raw, Path(folder)) in ("accepted", "message")


@BOUNDED
@example(_with(SETTINGS, "reps = 12", "reps = " + "9" * 309))
@example(_with(SETTINGS, "reps = 12", "reps = " + "9" * 5000))
@example(_with(SETTINGS, "reps = 12", "reps = " + "[" * 5000 + "]" * 5000))
@example(_with(SETTINGS, 'voice = "english-us"', 'voice = "' + "v" * 100_000 + '"'))
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
