"""Fuzzing in CI, bounded: generated routine files, settings files and session options each
end as accepted or as a clear message, never a crash (tests/fuzz_strategies.py; a larger
corpus with counts per area: bench/fuzz_inputs.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from tests.fuzz_strategies import (
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


@BOUNDED
@given(routine_bytes())
def test_routine_files_are_accepted_or_get_a_clear_message(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert check_routine(raw, Path(folder)) in ("accepted", "message")


@BOUNDED
@given(settings_bytes())
def test_settings_files_give_settings_and_a_clear_message(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert check_settings(raw, Path(folder)) in ("accepted", "message")


@BOUNDED
@given(option_argv())
def test_session_options_are_accepted_or_get_a_clear_message(argv: list[str]) -> None:
    assert check_options(argv) in ("accepted", "message")
