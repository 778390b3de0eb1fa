"""Spoken commands benchmark (issue 28): how well, how falsely, how fast, at what cost.

Offline (the real spotter and gate, fed faster than real time; no sound server):
- detection rate per command: 24 trials at each of two room-noise levels (4 flite voices
  × 3 moments × 2): in silence, right after the app's words, and on a beat (over a count
  "One." of the app's own voice), each said about the app's own level;
- false accepts per hour of the app's own speech (whole sessions, as timed), and of other
  speech (10 minutes of flite reading the project's docs, command words left out).

Live (``--live``; a private PulseAudio whose null sink's monitor is the microphone):
- command-to-confirmation latency: the end of the words in the recording to the start of
  the app's answer (median, p95), per command;
- CPU of listening (the worker and its parec, from /proc) and cue timing (heard - due,
  median and p95 jitter) of the same short session with listening off and on.

    python -m bench.listen            # offline figures (~1 minute)
    python -m bench.listen --live     # and the live ones (~4 minutes more)
"""

from __future__ import annotations

import argparse
import array
import collections
import os
import re
import sys
import time
from pathlib import Path

from bench.labs.listen import (
    FLITE_VOICES,
    MOMENTS,
    Trial,
    own_session,
    replay,
    run_trials,
    speak,
    trial_stream,
)
from knee_desktop.runtime.spotter import PHRASES, RATE, Spotter, resample

REPO = Path(__file__).resolve().parent.parent
# Room noise, RMS: the commands are said at 850-4600 RMS (flite's four voices at 0.6), the
# app's count at ~3700: a quiet room ~23-38 dB below the words, a noisy one ~9-24 dB.
NOISE = {"quiet room": 60.0, "noisy room": 300.0}
COMMAND_WORDS = re.compile(r"\b(pause|go on|resume|where|repeat|next|stop|start)", re.I)


def app_clips() -> tuple[array.array[int], array.array[int]]:
    """The app's own "One." and "Sweep." at 16 kHz (the default voice and rate)."""
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.runtime.planning import voice_settings
    from knee_desktop.speech.render import SpeechCache

    cache = SpeechCache(voice_settings(UserSettings()))
    cache.prepare(["One.", "Sweep."])
    return tuple(array.array("h", resample(cache.clip(t).samples, 22050))  # type: ignore[return-value]
                 for t in ("One.", "Sweep."))


def detection(thresholds: dict[str, float] | None) -> None:
    count, say = app_clips()
    print("\n== Detection: taken as the right command, per cent of 24 trials "
          "(silence / after the app's words / on a beat)")
    print(f"   {'said':12}" + "".join(f"{name:>34}" for name in NOISE))
    wrong: collections.Counter[str] = collections.Counter()
    for phrase, command in PHRASES.items():
        words = "where am I" if phrase == "where am i" else phrase
        row = f"   {words:12}"
        for level in NOISE.values():
            trials = [Trial(words, command, v, m, 0.0) for _ in range(2)
                      for v in FLITE_VOICES for m in MOMENTS]
            spotter = Spotter(thresholds)
            spotter.set_mode("ready" if command == "start" else "session")
            pcm, windows = trial_stream(trials, count, say, level)
            run_trials(trials, pcm, windows, spotter)
            per = []
            for m in MOMENTS:
                mine = [t for t in trials if t.moment == m]
                per.append(100 * sum(t.got[:1] == [command] for t in mine) / len(mine))
                wrong.update(f"{words}→{g}" for t in mine for g in t.got if g != command)
            total = 100 * sum(t.got[:1] == [command] for t in trials) / len(trials)
            row += f"   {total:3.0f} % ({per[0]:3.0f} /{per[1]:4.0f} /{per[2]:4.0f})"
        print(row)
    print(f"   taken for another command: {dict(wrong) or 'never'}")
    print("   (on a beat, pause, go on and stop are dropped by design: a count can sound "
          "like them)")


def false_own(thresholds: dict[str, float] | None) -> None:
    print("\n== False accepts: the app's own voice, whole sessions as timed")
    total_h, total_fa, raw = 0.0, 0, 0
    for routine in ("windshield-wiper", "thigh-massage"):
        own = own_session(routine)
        t0 = time.process_time()
        accepted, dropped = replay(own.pcm.tobytes(), own.windows, Spotter(thresholds))
        cpu = time.process_time() - t0
        speech = sum(e - s for s, e, _, _ in own.windows)
        total_h += own.seconds / 3600
        total_fa += len(accepted)
        raw += len(accepted) + len(dropped)
        print(f"   {routine:18} {own.seconds / 60:4.1f} min ({speech / 60:.1f} min of speech): "
              f"{len(accepted)} accepted, {len(dropped)} dropped by the gate; "
              f"recognised in {cpu:.1f} s CPU ({own.seconds / cpu:.0f}× real time)")
    print(f"   => {total_fa / total_h:.1f} false accepts per hour of sessions "
          f"(without the gate: {raw / total_h:.0f} per hour)")


def other_speech() -> list[str]:
    """Sentences of the project's docs without a command word (they would be commands)."""
    text = " ".join((REPO / p).read_text(encoding="utf-8")
                    for p in ("README.md", "docs/history.md", "docs/routines.md"))
    text = re.sub(r"[`*#|<>\[\]()_=/-]+", " ", text)
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        words = sentence.split()
        if 4 <= len(words) <= 30 and not COMMAND_WORDS.search(sentence):
            out.append(" ".join(words))
    return out


def false_other(thresholds: dict[str, float] | None, minutes: float = 10.0) -> None:
    pcm = array.array("h")
    sentences = other_speech()
    k = 0
    while len(pcm) < minutes * 60 * RATE and k < 4 * len(sentences):
        pcm.extend(speak(sentences[k % len(sentences)], FLITE_VOICES[k % len(FLITE_VOICES)]))
        pcm.extend(array.array("h", bytes(2 * RATE // 2)))
        k += 1
    accepted, _ = replay(pcm.tobytes(), [], Spotter(thresholds))
    hours = len(pcm) / RATE / 3600
    kinds = collections.Counter(d.phrase for d in accepted)
    print(f"\n== False accepts: other speech ({hours * 60:.1f} min of flite reading the docs, "
          f"{k} sentences, no command words)")
    print(f"   {len(accepted)} accepted => {len(accepted) / hours:.0f} per hour "
          f"(as: {dict(kinds) or 'none'}); the gate cannot help here")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--live", action="store_true", help="also the real-time figures")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply every detection threshold (lower: more lenient)")
    opts = ap.parse_args(argv)
    try:
        import pocketsphinx  # noqa: F401
    except ImportError:
        print("pocketsphinx is not installed: pip install 'knee-desktop[listen]'",
              file=sys.stderr)
        return 2
    from knee_desktop.runtime.spotter import THRESHOLDS

    thresholds = {k: v * opts.scale for k, v in THRESHOLDS.items()}
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; thresholds "
          f"×{opts.scale:g}: " + ", ".join(f"{k} {v:.0e}" for k, v in thresholds.items()))
    detection(thresholds)
    false_own(thresholds)
    false_other(thresholds)
    if opts.live:
        from bench.listen_live import live

        live()
    return 0


if __name__ == "__main__":
    sys.exit(main())
