"""Counts on their perceptual centre: the vowel onset is measured on each clip at render
time, stored with it, and a count is placed so that its vowel onset falls on the beat."""

from __future__ import annotations

import array
import itertools
import json
import math
import random

import pytest

from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import compile_timeline
from knee_desktop.routine.loader import load_catalog
from knee_desktop.speech.centre import vowel_onset
from knee_desktop.speech.clip import RATE
from knee_desktop.speech.render import SpeechCache, VoiceSettings

COUNTS = ["One.", "Two.", "Three.", "Four.", "Five.", "Six.", "Seven.", "Eight.", "Nine.",
          "Ten."]

# Renders and re-measures clips, and damages one measurement file in place.
pytestmark = pytest.mark.cold_speech


def vowel(seconds: float, f0: float = 120.0) -> list[float]:
    """A crude vowel: a glottal pulse train through two formant resonances (700, 1200 Hz)."""
    out, y = [], [0.0, 0.0, 0.0, 0.0]
    period = round(RATE / f0)
    for i in range(round(seconds * RATE)):
        x = 1.0 if i % period == 0 else 0.0
        for k, (f, bw) in enumerate(((700.0, 130.0), (1200.0, 150.0))):
            r = math.exp(-math.pi * bw / RATE)
            c = 2 * r * math.cos(2 * math.pi * f / RATE)
            new = x + c * y[2 * k] - r * r * y[2 * k + 1]
            y[2 * k + 1], y[2 * k] = y[2 * k], new
            x = new
        out.append(x)
    return out


def pcm(signal: list[float], level: float = 0.5) -> array.array[int]:
    peak = max(abs(v) for v in signal) or 1.0
    return array.array("h", (round(32767 * level * v / peak) for v in signal))


def hiss(seconds: float, level: float) -> list[float]:
    """An /s/: noise above 4 kHz (differenced white noise), outside the vowel band."""
    rnd = random.Random(7)
    noise = [rnd.uniform(-1, 1) for _ in range(round(seconds * RATE) + 2)]
    return [level * (noise[i] - 2 * noise[i + 1] + noise[i + 2]) / 4
            for i in range(len(noise) - 2)]


def test_a_vowel_that_starts_the_clip_is_on_its_first_sound() -> None:
    assert vowel_onset(pcm(vowel(0.3))) < 0.015


def test_a_fricative_before_the_vowel_is_not_the_beat() -> None:
    body = vowel(0.3)
    peak = max(abs(v) for v in body)
    clip = pcm(hiss(0.1, 0.3 * peak) + body)
    assert vowel_onset(clip) == pytest.approx(0.1, abs=0.012)


def test_silence_and_tiny_clips_do_not_fail() -> None:
    assert vowel_onset(array.array("h", bytes(2 * 2000))) >= 0.0
    assert vowel_onset(array.array("h", [5, -5])) == 0.0


def test_real_counts_measured_where_a_listener_hears_them() -> None:
    """espeak-ng's counts: "eight" starts with its vowel; "one" with a /w/ glide, "six" with
    an /s/, "nine" with an /n/, each heard well after its first sound."""
    cache = SpeechCache(VoiceSettings(rate=170))
    cache.prepare(COUNTS)
    after = {t: cache.centre(t) - (cache.clip(t).first_sound() or 0) / RATE for t in COUNTS}
    assert after["Eight."] < 0.03
    for word in ("One.", "Six.", "Nine.", "Three.", "Seven."):
        assert 0.05 < after[word] < 0.15, (word, after[word])
    # stored with the clip, and read back (not measured again) from a warm cache
    meta = json.loads(cache.path("Six.").with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["vowel_onset"] == pytest.approx(cache.centre("Six."), abs=1e-4)
    warm = SpeechCache(VoiceSettings(rate=170))
    warm.prepare(COUNTS)
    assert warm.rendered == 0 and warm.centre("Six.") == cache.centre("Six.")


def test_a_clip_without_its_measurements_is_measured_again() -> None:
    cache = SpeechCache()
    cache.prepare(["Two."])
    meta = cache.path("Two.").with_suffix(".json")
    meta.write_text("{broken", encoding="utf-8")
    again = SpeechCache()
    again.prepare(["Two."])
    assert again.rendered == 0 and again.centre("Two.") == cache.centre("Two.")
    assert json.loads(meta.read_text(encoding="utf-8"))["vowel_onset"] == cache.centre("Two.")


def test_the_cache_version_is_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from knee_desktop.speech import render

    before = SpeechCache().key("One.")
    monkeypatch.setattr(render, "CACHE_VERSION", render.CACHE_VERSION + 1)
    assert SpeechCache().key("One.") != before


def test_counts_are_placed_so_their_vowel_onset_is_on_the_beat() -> None:
    routine = load_catalog().get("windshield-wiper")
    settings = PlanSettings(reps=3)
    leads = {"One.": 0.11, "Two.": 0.04, "Three.": 0.08, "Five.": 0.08, "Four.": 0.08}

    def centre(text: str) -> float:
        return leads.get(text, 0.0)

    # phrases short enough that no step's end depends on when its last count stops
    plain = compile_timeline(routine, settings, speech=lambda t: 0.0)
    placed = compile_timeline(routine, settings, speech=lambda t: 0.0, centre=centre)
    assert len(plain.events) == len(placed.events)
    for a, b in zip(plain.events, placed.events, strict=True):
        if a.kind in ("count", "rep"):
            assert b.t == pytest.approx(a.t - centre(a.text or ""))  # starts early …
            assert b.on_beat == pytest.approx(a.t)  # … so it is heard on the beat
            assert b.move_start == pytest.approx(a.move_start)  # the leg moves as before
        else:
            assert b.t == pytest.approx(a.t)  # instructions start at their time
    rep = next(e for e in placed.events if e.kind == "rep")
    assert rep.to_json()["centre"] == leads[rep.text or ""]
    assert "centre" not in next(e for e in placed.events if e.kind == "say").to_json()


def test_a_count_in_second_apart_is_heard_a_second_apart() -> None:
    """The count-in "Five … One" is heard on whole seconds, whatever each word's onset."""
    cache = SpeechCache()
    routine = load_catalog().get("windshield-wiper")
    from knee_desktop.runtime.planning import fit_speech

    timeline, used, _ = fit_speech(routine, PlanSettings(reps=2), cache)
    counts = [e for e in timeline.events if e.kind == "count"]
    heard = [e.t + used.centre(e.text or "") for e in counts if isinstance(used, SpeechCache)]
    assert len(heard) == 5
    assert [round(b - a, 6) for a, b in itertools.pairwise(heard)] == [1.0] * 4
    assert len({round(e.t - int(e.t), 3) for e in counts}) > 1  # the starts are not
