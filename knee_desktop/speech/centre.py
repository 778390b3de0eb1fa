"""Where a listener hears a spoken count's beat: its vowel onset (perceptual centre).

A syllable is heard "on the beat" near the start of its vowel, not at its first sound: the
/w/ of "one", the /s/ of "six" and the /n/ of "nine" come before the beat. So a count is
placed with its vowel onset, not its acoustic onset, on the beat.

Method (pure Python over the 16-bit samples; clips are short, so this takes a few ms):

1. Band-pass the clip to 300–3000 Hz (two 2nd-order Butterworth sections), the band
   where vowels carry their energy and fricatives ("s", "f", "th") and nasals carry little.
2. Take the band energy in 10 ms windows every 2.5 ms, in dB.
3. The rise at a frame is the energy 15 ms later minus the energy 15 ms earlier (both
   inside the clip: the clip's own start from silence is not a rise).
   The vowel onset is the middle of the steepest rise, looked for only before the
   envelope's peak and where the energy 15 ms later is within 30 dB of that peak (so noise
   and a soft onset consonant cannot win). No rise of 6 dB or more: the clip starts with
   its vowel, and the onset is 0.

No pitch tracking and no threshold on the absolute level, so it works the same on any
voice. On espeak-ng's counts at 200 words a minute it puts the vowel onset after the first
sound at: one 92 ms (the /w/ glide), two 31, three 83, four 71, five 71, six 73, seven 73,
eight 29 (its own attack), nine 90, ten 43 (issue 11 measured 103, 40, 82, 79, 79, 75, 73,
0, 81, 40).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from knee_desktop.speech.clip import RATE

LOW_HZ = 300.0
HIGH_HZ = 3000.0
WINDOW = 0.010  # seconds of one energy window
HOP = 0.0025  # seconds between windows
SPAN = 0.015  # the rise is measured over ±SPAN
FLOOR_DB = 30.0  # only rises to within this of the loudest frame count
MIN_RISE_DB = 6.0  # a smaller steepest rise: the vowel starts with the clip
FIRST = 0.6  # seconds: the first syllable's vowel starts within this of the clip's start
METHOD = "band 300-3000 Hz, steepest 30 ms rise"  # stored with each clip's onset


def _band_squares(samples: Sequence[int], high: tuple[tuple[float, float, float],
                  tuple[float, float]], low: tuple[tuple[float, float, float],
                  tuple[float, float]]) -> list[float]:
    """The squared output of the high-pass then the low-pass section, in one pass (the
    per-sample loop is the whole cost of this module: it runs for every clip rendered)."""
    (hb0, hb1, hb2), (ha1, ha2) = high
    (lb0, lb1, lb2), (la1, la2) = low
    x1 = x2 = h1 = h2 = l1 = l2 = 0.0
    out: list[float] = []
    append = out.append
    for x in samples:
        h = hb0 * x + hb1 * x1 + hb2 * x2 - ha1 * h1 - ha2 * h2
        y = lb0 * h + lb1 * h1 + lb2 * h2 - la1 * l1 - la2 * l2
        x2, x1, h2, h1, l2, l1 = x1, x, h1, h, l1, y
        append(y * y)
    return out


def _coefficients(freq: float, high: bool) -> tuple[tuple[float, float, float],
                                                    tuple[float, float]]:
    """RBJ cookbook 2nd-order Butterworth (Q = 1/sqrt 2) high- or low-pass."""
    w = 2 * math.pi * freq / RATE
    alpha = math.sin(w) / math.sqrt(2.0)
    cos = math.cos(w)
    a0 = 1 + alpha
    if high:
        b = ((1 + cos) / 2, -(1 + cos), (1 + cos) / 2)
    else:
        b = ((1 - cos) / 2, 1 - cos, (1 - cos) / 2)
    return (b[0] / a0, b[1] / a0, b[2] / a0), (-2 * cos / a0, (1 - alpha) / a0)


def band_energy_db(samples: Sequence[int]) -> list[float]:
    """300–3000 Hz energy (dB re full scale) of each window, window k starting at k·HOP."""
    # The filters are linear: run them on the raw samples and scale the energy once.
    squares = _band_squares(samples, _coefficients(LOW_HZ, high=True),
                            _coefficients(HIGH_HZ, high=False))
    win, hop = round(WINDOW * RATE), round(HOP * RATE)
    scale = 1.0 / (32768.0 * 32768.0 * win)
    out = []
    acc = sum(squares[:win])
    for start in range(0, max(1, len(squares) - win + 1), hop):
        if start:
            acc += sum(squares[start + win - hop:start + win]) - sum(squares[start - hop:start])
        out.append(10 * math.log10(max(acc, 0.0) * scale + 1e-12))
    return out


def vowel_onset(samples: Sequence[int]) -> float:
    """Seconds from the clip's first sample to its (first) vowel onset (0.0 for silence).
    Only the first :data:`FIRST` seconds are looked at: a phrase's first syllable."""
    energy = band_energy_db(samples[:round(FIRST * RATE)])
    if len(energy) < 3:
        return 0.0
    span = max(1, round(SPAN / HOP))
    peak = max(range(len(energy)), key=energy.__getitem__)
    best, best_rise = 0, -math.inf
    for k in range(span, peak + 1):  # both windows of the rise inside the clip
        after = energy[min(len(energy) - 1, k + span)]
        if after < energy[peak] - FLOOR_DB:
            continue
        rise = after - energy[k - span]
        if rise > best_rise:
            best, best_rise = k, rise
    if best_rise < MIN_RISE_DB:
        return 0.0  # no rise inside the clip: it starts with its vowel
    # window k covers [k·HOP, k·HOP + WINDOW]: its middle is where the energy was measured
    return best * HOP + WINDOW / 2
