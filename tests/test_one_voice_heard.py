"""One voice at a time, heard (issue 24, "done when"): I, R, Esc, Space and N pressed at the
worst moments (on a beat, mid-phrase, in a still pause or a press's hold) in a tiny wiper
and a tiny thigh routine, the real window and voice into a private PulseAudio null sink.
Every sound placed is found alone in the monitor recording (its own clip correlates with
the recording piece by piece; a mix would not), no two overlap, nothing else sounds, every
key is answered, and no count is lost (bench/one_voice.py does the work)."""

from __future__ import annotations

import array
from pathlib import Path
from typing import Any

import pytest

from bench import one_voice
from bench.labs.pulse import PrivatePulse
from knee_desktop.runtime.driver import CONFIRM_STOP
from knee_desktop.session.engine import PAUSED_SAY, RESUMING_SAY

ANSWERS = {"Space": (PAUSED_SAY, RESUMING_SAY), "Escape": (CONFIRM_STOP,),
           "N": ("Skipping to",), "I": ("Left leg.", "Wipe to the left.", "Press tender spots."),
           "R": ("Pause. Be still", "Press ")}


class Samples:
    """A recording that is just these samples, from clock time 0."""

    def __init__(self, samples: array.array[int]) -> None:
        self.samples = samples + array.array("h", bytes(2 * one_voice.RATE))  # then quiet

    def index_of(self, t: float) -> int:
        return round(t * one_voice.RATE)


def noise(n: int, seed: int, level: int) -> array.array[int]:
    """Speech-like enough for the matcher: no two stretches alike (a linear congruence)."""
    out, x = array.array("h"), seed
    for _ in range(n):
        x = (1103515245 * x + 12345) % 2**31
        out.append(round(level * (x / 2**30 - 1)))
    return out


def test_a_mix_scores_low_against_each_of_its_clips() -> None:
    """The matcher itself: a clip alone matches; with another mixed in, neither does."""
    rate = one_voice.RATE
    a, b = noise(rate, 1, 8000), noise(rate // 2, 2, 6000)
    mix = array.array("h", a)
    for i, v in enumerate(b):
        mix[rate // 4 + i] = max(-32768, min(32767, mix[rate // 4 + i] + v))
    alone = one_voice.Sound("a", 0.0, a, True)
    alone.scores, _ = one_voice.match(Samples(a), alone)
    assert alone.alone
    for clip, at in ((a, 0.0), (b, 0.25)):
        sound = one_voice.Sound("x", at, clip, True)
        sound.scores, _ = one_voice.match(Samples(mix), sound)
        assert sound.score < 0.8, sound.scores


def skipped_steps(heard: one_voice.Heard) -> set[int]:
    """Steps the person left with N (their later counts are rightly not heard)."""
    out = set()
    for k in heard.keys:
        if k["key"] == "N":
            before = [c for c in heard.cues if c["heard"] is not None and c["heard"] <= k["t"]]
            if before:
                out.add(before[-1]["step"])
    return out


def reps_in(heard: one_voice.Heard) -> dict[int, int]:
    out: dict[int, int] = {}
    for c in heard.cues:
        if c["kind"] in ("rep", "press"):
            out[c["step"]] = max(out.get(c["step"], 0), c["rep"])
    return out


def first_after(heard: one_voice.Heard, t: float) -> Any:
    """The first words after ``t`` that are not a session cue (a count may sound on the
    very beat a key was pressed on: it is heard whole, then the answer)."""
    cues = {round(c["heard"], 4) for c in heard.cues if c["heard"] is not None}
    return min((s for s in heard.sounds if s.start > t and round(s.start, 4) not in cues),
               key=lambda s: s.start)


@pytest.mark.audio
@pytest.mark.slow
@pytest.mark.parametrize("which", ["wiper", "thigh"])
def test_keys_at_the_worst_moments_never_make_two_voices(
        which: str, tmp_path: Path, pulse: PrivatePulse) -> None:
    heard = one_voice.run(which, pulse, tmp_path)
    lines = "\n".join(one_voice.report(which, heard))
    assert [k["key"] for k in heard.keys] == [p[3] for p in one_voice.PRESSES[which]], lines
    assert heard.overlaps == [], lines
    assert all(s.alone for s in heard.sounds), lines  # nothing else mixed into any sound
    assert heard.stray_ms < 30, lines  # nothing sounded that was not placed
    for k in heard.keys:  # each key answered, within the time a count may finish + latency
        answer = first_after(heard, k["t"])
        assert answer.text.startswith(ANSWERS[k["key"]]), (k, answer.text, lines)
        assert answer.start - k["t"] < 1.2, (k, lines)
    counts = one_voice.counts_heard(heard)
    skipped = skipped_steps(heard)
    for step, reps in reps_in(heard).items():
        said = [n for i, n in enumerate(counts.get(step, [])) if i == 0 or n != counts[step][i - 1]]
        assert said == list(range(1, len(said) + 1)), (step, said, lines)  # none lost
        if step not in skipped:
            assert len(said) == reps, (step, said, lines)
    print(lines)
