"""The output stream's timing model and mixer, against a fake sink stepped by a fake clock."""

from __future__ import annotations

import array

import pytest

from knee_desktop.runtime import audio_output as player
from knee_desktop.runtime.audio_output import AudioOutput
from knee_desktop.session.clock import FakeClock
from knee_desktop.speech.clip import RATE, Clip
from tests.fakes import FakeIO, FakeSink, run_for


@pytest.fixture
def out(qapp: object) -> tuple[AudioOutput, FakeSink, FakeClock]:
    clock = FakeClock()
    o = AudioOutput(clock=clock)
    sink = FakeSink(clock, 2 * round(player.BUFFER_SECONDS * RATE))
    o._sink, o._io = sink, FakeIO(sink)  # type: ignore[assignment]
    return o, sink, clock


def test_clip_lands_on_the_frame_heard_at_its_time(out) -> None:  # type: ignore[no-untyped-def]
    o, sink, clock = out
    o.pipeline = 0.03
    run_for(o, sink, clock, 2.0)
    base = o.base()
    assert base is not None
    click = Clip(array.array("h", [10000] * 20))
    due = clock.now() + o.lookahead
    placed = o.schedule(click, due)
    assert placed is not None and placed.late == 0
    assert abs(placed.heard - due) < 1 / RATE
    run_for(o, sink, clock, 1.0)
    samples = array.array("h")
    samples.frombytes(bytes(sink.data))
    assert samples.index(10000) == placed.frame
    # The frame's heard time follows from the measured base and the pipeline.
    assert abs(base + placed.frame / RATE + 0.03 - due) < 1 / RATE


def test_a_slip_after_hand_over_moves_the_cue_with_it(out) -> None:  # type: ignore[no-untyped-def]
    """The server skips 30 ms of the stream after a cue was handed over but before its part
    of the stream is rendered: the cue's frame is chosen at rendering, on the timing then,
    so it is still heard at its time (placed at hand-over, it would be 30 ms late)."""
    o, sink, clock = out
    o.pipeline = 0.03
    run_for(o, sink, clock, 2.0)
    before = o.base()
    due = clock.now() + 1.0
    placed = o.schedule(Clip(array.array("h", [10000] * 20)), due)
    assert placed is not None
    for _ in range(3):  # the server takes nothing for 30 ms: all later frames 30 ms later
        clock.advance(0.01)
        o._feed()
    run_for(o, sink, clock, 2.0)
    after = o.base()
    assert before is not None and after == pytest.approx(before + 0.03, abs=0.002)
    samples = array.array("h")
    samples.frombytes(bytes(sink.data))
    assert samples.index(10000) == round((due - o.pipeline - after) * RATE)
    assert placed.frame - samples.index(10000) == pytest.approx(0.03 * RATE, abs=45)


def test_overlapping_clips_are_mixed(out) -> None:  # type: ignore[no-untyped-def]
    o, sink, clock = out
    run_for(o, sink, clock, 1.0)
    at = clock.now() + o.lookahead
    a = o.schedule(Clip(array.array("h", [1000] * 100)), at)
    o.schedule(Clip(array.array("h", [2000] * 100)), at + 50 / RATE)
    run_for(o, sink, clock, 1.0)
    samples = array.array("h")
    samples.frombytes(bytes(sink.data))
    assert a is not None
    assert samples[a.frame] == 1000
    assert samples[a.frame + 60] == 3000
    assert samples[a.frame + 120] == 2000


def test_a_late_cue_plays_at_once_and_says_how_late(out) -> None:  # type: ignore[no-untyped-def]
    o, sink, clock = out
    run_for(o, sink, clock, 1.0)
    placed = o.schedule(Clip(array.array("h", [500] * 10)), clock.now())
    assert placed is not None and placed.late > 0.1


def test_an_underrun_restarts_the_timing(out) -> None:  # type: ignore[no-untyped-def]
    o, sink, clock = out
    run_for(o, sink, clock, 1.0)
    before = o.base()
    clock.advance(1.0)  # the GUI thread stalled for a second: the buffer ran dry
    sink.take(10**6)
    o._feed()
    assert o.underruns == 1
    run_for(o, sink, clock, 0.3)
    assert not o.settled and o.base() == before  # settling: the last value stands in
    run_for(o, sink, clock, 1.0)
    after = o.base()
    # The stream stopped when its 120 ms of buffer ran out: a slip of 1 s - 0.12 s.
    assert o.settled and after is not None and after == pytest.approx(before + 0.88, abs=0.02)
