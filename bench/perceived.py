"""Rhythm as heard: the intervals between counts, measured at their perceptual centres.

For every count heard in the recording, the perceived moment is its vowel onset, found on
the *recorded* sound with the app's own detector (:func:`knee_desktop.speech.centre.
vowel_onset`: steepest rise of 300–3000 Hz band energy) from the phrase's acoustic start.
A set is a run of counts with nothing else between them (the count-in, each movement's
repetitions). Per set we print the SD of the perceived intervals and their worst deviation
from the plan's beat interval.

"Placement alone" removes each cue's playback error (heard start − due), leaving what the
plan's placement and the clips contribute; the difference to the full figure is the
player's timing on a loaded machine.

"If placed by first sound" is the same recording re-timed as the app placed counts before
issue 11 (the clip's start on the beat): perceived = beat + (vowel onset after the clip's
start, as measured here). It shows what the perceptual-centre placement changed, with the
same playback and the same detector.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.labs.pulse import RATE, Recording

COUNT_KINDS = ("count", "rep")
LOOK = 0.6  # seconds of the recording after a count's start searched for its vowel


@dataclass
class SetResult:
    label: str
    intervals: list[float]  # ms, perceived
    nominal: list[float]  # ms, the plan's beat intervals
    old: list[float]  # ms, perceived if the clip's start were on the beat
    placed: list[float]  # ms, perceived less each cue's playback error (placement alone)
    detail: list[str]  # per count: text, vowel onset on the recording vs the plan's

    @staticmethod
    def _sd(values: Sequence[float]) -> float:
        return statistics.pstdev(values) if len(values) > 1 else 0.0

    @property
    def sd(self) -> float:
        return self._sd([i - n for i, n in zip(self.intervals, self.nominal, strict=True)])

    @property
    def sd_old(self) -> float:
        return self._sd([i - n for i, n in zip(self.old, self.nominal, strict=True)])

    @property
    def sd_placed(self) -> float:
        return self._sd([i - n for i, n in zip(self.placed, self.nominal, strict=True)])

    @property
    def worst(self) -> float:
        return max(abs(i - n) for i, n in zip(self.intervals, self.nominal, strict=True))


def count_sets(rows: Sequence[dict[str, object]]) -> list[list[int]]:
    """Indices of ``rows`` (spoken cues, in order) grouped into runs of counts."""
    sets: list[list[int]] = []
    run: list[int] = []
    for i, row in enumerate(rows):
        if row["kind"] in COUNT_KINDS:
            run.append(i)
            continue
        if len(run) > 2:
            sets.append(run)
        run = []
    if len(run) > 2:
        sets.append(run)
    return sets


def perceived_sets(rec: Recording, rows: Sequence[dict[str, object]],
                   starts: dict[int, float], centres: dict[str, float]) -> list[SetResult]:
    """``starts``: cue index → heard time of the clip's start (first loud sample minus
    the clip's own lead); ``centres``: the vowel onset the plan used for each text."""
    from knee_desktop.speech.centre import vowel_onset

    results = []
    for run in count_sets(rows):
        heard = [i for i in run if i in starts]
        if len(heard) < 3:
            continue
        perceived, beats, old, placed, detail = [], [], [], [], []
        for i in heard:
            lo = max(0, rec.index_of(starts[i]))
            vowel = vowel_onset(rec.samples[lo:lo + round(LOOK * RATE)])
            perceived.append(starts[i] + vowel)
            due = float(str(rows[i]["due"]))
            beat = due + centres.get(str(rows[i]["text"]), 0.0)
            beats.append(beat)
            old.append(beat + (starts[i] - due) + vowel)  # the clip's start on the beat
            placed.append(due + vowel)  # as if played exactly when due
            planned = centres.get(str(rows[i]["text"]), 0.0)
            detail.append(f"{rows[i]['text']} {1000 * vowel:.0f}/{1000 * planned:.0f}")
        ms = [1000 * (b - a) for a, b in itertools.pairwise(perceived)]
        nominal = [1000 * (b - a) for a, b in itertools.pairwise(beats)]
        was = [1000 * (b - a) for a, b in itertools.pairwise(old)]
        exact = [1000 * (b - a) for a, b in itertools.pairwise(placed)]
        first = rows[heard[0]]
        label = f"{first['kind']} x{len(heard)} from t={float(str(first['t'])):.1f} s"
        results.append(SetResult(label, ms, nominal, was, exact, detail))
    return results


def print_sets(results: Sequence[SetResult], verbose: bool) -> dict[str, float]:
    print("\n== perceived intervals between counts (vowel onset to vowel onset), per set")
    if not results:
        print("   no set of counts was heard")
        return {}
    for r in results if verbose else ():
        print(f"   {r.label:32} SD {r.sd:5.1f} ms, worst {r.worst:5.1f} ms; placement "
              f"alone SD {r.sd_placed:4.1f}; if placed by first sound SD {r.sd_old:5.1f} ms")
        print(f"      vowel onset heard/planned, ms: {', '.join(r.detail)}")
    sds = [r.sd for r in results]
    old = [r.sd_old for r in results]
    placed = [r.sd_placed for r in results]
    summary = {"sets": len(results), "median SD": statistics.median(sds), "max SD": max(sds),
               "worst interval error": max(r.worst for r in results),
               "median SD, placement alone": statistics.median(placed),
               "max SD, placement alone": max(placed),
               "median SD if placed by first sound": statistics.median(old),
               "max SD if placed by first sound": max(old)}
    for key, value in summary.items():
        unit = "" if key == "sets" else " ms"
        mark = "  ok" if key == "max SD" and value <= 15 else \
            "  (target 15)" if key == "max SD" else ""
        print(f"   {key:40} {value:8.1f}{unit}{mark}")
    return summary
