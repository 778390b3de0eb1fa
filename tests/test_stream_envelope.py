"""The stream timing keeps its envelope's least value as looks come and go (the feeder looks
every 10 ms; scanning ~200 looks each time cost a share of the voice's CPU): it must stay the
least of the looks it holds, through the envelope sliding, slips, a dry run and a restart."""

from __future__ import annotations

import random

import pytest

from knee_desktop.runtime.stream_timing import ENVELOPE_SECONDS, StreamTiming
from knee_desktop.speech.clip import RATE


@pytest.mark.parametrize("seed", range(20))
def test_the_base_is_the_least_look_held(seed: int) -> None:
    rng = random.Random(seed)
    timing = StreamTiming()
    t, skipped, consumed, checked = 100.0, 0, 0, 0
    for _ in range(1500):
        t += rng.choice((0.009, 0.010, 0.010, 0.011, 0.020))
        if rng.random() < 0.01:  # the server skips part of the stream: a slip
            skipped += rng.choice((64, 256, 1024))
        if rng.random() < 0.002:
            timing.ran_dry()
        if rng.random() < 0.001:
            timing.restart()
        if rng.random() < 0.85:  # the server took sound since the last look (with wobble)
            consumed = max(consumed, round((t - 50.0) * RATE) - skipped
                           - rng.randrange(0, 300))
        timing.look(t, consumed)
        looks = [v for _, v in timing._env]
        if looks:
            assert timing.base() == min(looks)
            assert timing._env[-1][0] - timing._env[0][0] <= ENVELOPE_SECONDS + 0.03
            checked += 1
    assert checked > 1000 and timing.slips > 0
