"""Hypothesis over import files: every file either gives a clear message and changes
nothing, or is imported whole and reads back through `history`, `--json` (re-imported),
`--csv` and the window's table model. `bench/fuzz_history.py` runs a larger corpus."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.labs.history_corpus import run_case


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2 ** 32))
def test_every_import_file_is_all_or_nothing_and_reads_back(seed: int, qapp: object) -> None:
    # run_case removes the history file first, so each example starts from the same seed
    # history (the isolated data dir of the test is shared by the examples).
    from bench.labs.history_corpus import corpus_case

    text = corpus_case(random.Random(seed))
    with tempfile.TemporaryDirectory() as folder:
        outcome, detail = run_case(text, Path(folder))
    assert outcome in ("imported", "message"), f"{outcome}: {detail}\n{text[:2000]}"
