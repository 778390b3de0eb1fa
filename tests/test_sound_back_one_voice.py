"""The output's own words ("The sound is back.", "The sound moved…") go through the one
voice path (issue 24's leftover): they never sound under a cue, and a running session holds
while they are heard, then goes on from the cue that was due, nothing lost.

A real ClipVoice (tones) on a real AudioOutput whose stream is a fake sink, with the driver's
timers and the sink stepped together on one fake clock.
"""

from __future__ import annotations

import itertools

from knee_desktop.plan.settings import PlanSettings
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime import server_watch
from knee_desktop.runtime.driver import SessionDriver
from knee_desktop.runtime.one_voice import BREATH_SECONDS
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.runtime.voice import MOVED_WORDS, ClipVoice
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import State
from knee_desktop.speech.clip import RATE
from knee_desktop.speech.tones import ToneSet
from tests.fakes import OutputOnFakeSink, ServerProbe


class Rig:
    def __init__(self) -> None:
        self.clock = FakeClock(100.0)
        self.timers = FakeTimers(self.clock)
        self.out = OutputOnFakeSink(self.clock)
        self.out.recovery.watch.probe, self.out.recovery.watch.threaded = ServerProbe(), False
        self.voice = ClipVoice(ToneSet(), self.out)
        self.driver = SessionDriver(self.voice, self.timers)
        self.spoken: list[tuple[str, float]] = []
        self.played: list[tuple[int, float, float | None]] = []  # index, handed, heard
        self.driver.spoken.connect(lambda t: self.spoken.append((t, self.clock.now())))
        self.driver.played.connect(self._played)
        self.timeline, _ = self.driver.plan(
            load_catalog().get("windshield-wiper"),
            PlanSettings(reps=6, leg="left", lead_in_seconds=2, pause_seconds=10))
        self.placed: list[tuple[float, float]] = []  # every clip given to the output
        schedule = self.out.schedule

        def logged(clip, heard_at=None):  # type: ignore[no-untyped-def]
            got = schedule(clip, heard_at)
            if got is not None and clip.samples:
                self.placed.append((got.heard, got.heard + len(clip.samples) / RATE))
            return got

        self.out.schedule = logged  # type: ignore[method-assign]

    def _played(self, cue, handed: float, heard: float | None) -> None:  # type: ignore[no-untyped-def]
        if cue.event.text:
            self.played.append((cue.index, handed, heard))

    def run(self, seconds: float) -> None:
        """The timers and the stream together, 10 ms at a time."""
        sink = self.out.sinks[-1]
        for _ in range(round(seconds / 0.01)):
            self.timers.advance(0.01)
            sink.take(441)
            self.out._feed()

    def close(self) -> None:
        self.driver.close()
        self.out.close()


def overlaps(placed: list[tuple[float, float]]) -> list[tuple[float, float]]:
    ordered = sorted(placed)
    return [(a[0], b[0]) for a, b in itertools.pairwise(ordered) if b[0] < a[1] - 1e-6]


def test_the_sound_back_holds_the_session_and_loses_no_cue(qapp: object) -> None:
    rig = Rig()
    try:
        session = rig.driver.start(rig.timeline)
        rig.run(43.0)  # in the first sweeps: a count every 2 s
        assert session.state is State.RUNNING
        rig.out.recovery.lose()
        rig.run(1.0)
        rig.out.recovery._reopen()
        rig.run(server_watch.STEADY_SECONDS + 0.1)  # back: the words are handed over
        said = [at for text, at in rig.spoken if text == server_watch.BACK_WORDS]
        assert said, "the words did not go through the driver (one voice at a time)"
        assert session.held  # the session's clock stands while they are heard
        words_end = rig.driver.heard_until
        lost_at = said[0]
        rig.run(words_end - rig.clock.now() + BREATH_SECONDS + 6.5)
        assert not session.held and session.state is State.RUNNING
        assert overlaps(rig.placed) == []
        before = [i for i, handed, _ in rig.played if handed < lost_at]
        after = [(i, heard) for i, handed, heard in rig.played if handed >= lost_at]
        assert len(after) >= 3
        # nothing skipped under the words: every cue after them is heard, in order, and
        # the session goes on from the cue after the last one handed before them
        assert all(heard is not None for _, heard in after), after
        assert [i for i, _ in after] == list(range(max(before) + 1, max(before) + 1 + len(after)))
        assert min(h for _, h in after if h is not None) >= words_end + BREATH_SECONDS - 0.05
    finally:
        rig.close()


class Speaking(ClipVoice):
    @property
    def speaks(self) -> bool:  # words (here tones stand for them): "moved" is said
        return True


def test_the_sound_moved_is_said_through_the_driver(qapp: object) -> None:
    """Said by the driver, holding the session, never under a cue."""
    rig = Rig()
    rig.voice.__class__ = Speaking
    try:
        session = rig.driver.start(rig.timeline)
        rig.run(6.0)
        rig.voice._on_moved("The sound now plays on 'Headphones'.")
        assert (MOVED_WORDS, rig.clock.now()) in rig.spoken
        assert session.held
        rig.run(8.0)
        assert not session.held and overlaps(rig.placed) == []
    finally:
        rig.close()
