"""Intelligibility benchmark: which voice does a recogniser understand, in quiet and in noise?

For each speech engine (bench/engines.py: espeak, festival, flite slt/rms, a Piper voice
file) it renders a session's phrases the way the app does (``session_timeline``: default
settings, a fresh cache, the fit included) and times that (render seconds, and RTF =
render time / seconds of speech). Then every clip is **level-normalised** (RMS of its
sound to -20 dBFS), **padded** with silence, and transcribed by pocketsphinx (its bundled
en-US acoustic model, a bigram language model of the script's own phrases: only the
script's words can be heard). Scores:

- cues: every phrase recognised exactly, in quiet (a 40 dB SNR floor, see QUIET_SNR);
- counts ("One." .. "Ten."), in quiet: once for each of 3 levels x 2 paddings (the
  method's own spread: the same clip, presented differently);
- counts in noise: Gaussian noise at 10 dB SNR (against the clip's speech RMS), ``--trials``
  noises per count for each of ``--seeds`` seeds: mean and min-max over the seeds;
- vowel-onset spread: the SD and range of the counts' vowel onsets (ms from first sound),
  what the app's on-the-beat placement compensates.

A recogniser is a proxy for a listener, not a listener: differences within the spread
are not differences. Needs pocketsphinx and numpy (the ``bench`` and ``natural`` extras).

    python -m bench.intelligibility                  # every engine that is installed
    python -m bench.intelligibility --engine espeak --engine festival --seeds 3
"""

from __future__ import annotations

import argparse
import collections
import itertools
import math
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RATE = 22050
ASR_RATE = 16000


def words_of(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z']+", text)]


def sound_end(samples: Sequence[int], lo: int, hi: int, level: int = 300) -> int:
    """A quarter second after the last sample at ``level`` in ``[lo, hi)`` (a still pause's
    silence is no use to the recogniser and makes it slow)."""
    last = lo
    for i in range(hi - 1, lo - 1, -1):
        if abs(samples[i]) >= level:
            last = i
            break
    return min(hi, last + RATE // 4)


def script_lm(phrases: Sequence[Sequence[str]], discount: float = 0.5) -> str:
    """A bigram language model (ARPA text) of the script's own phrases, counted as often as
    the session says them: the recogniser can hear only the script's words, in the orders
    the script uses most (absolute discounting, backing off to unigrams)."""
    uni: collections.Counter[str] = collections.Counter()
    bi: collections.Counter[tuple[str, str]] = collections.Counter()
    for words in phrases:
        seq = ["<s>", *words, "</s>"]
        uni.update(seq)
        bi.update(itertools.pairwise(seq))
    total = sum(n for w, n in uni.items() if w != "<s>")
    p_uni = {w: (uni[w] / total if w != "<s>" else 0.0) for w in uni}
    followers: collections.defaultdict[str, list[str]] = collections.defaultdict(list)
    for a, b in bi:
        followers[a].append(b)
    lines = ["\\data\\", f"ngram 1={len(uni)}", f"ngram 2={len(bi)}", "", "\\1-grams:"]
    for w in sorted(uni):
        lp = -99.0 if w == "<s>" else math.log10(p_uni[w])
        if w == "</s>":
            lines.append(f"{lp:.4f} {w}")
            continue
        after = followers[w]
        left = discount * len(after) / uni[w]
        rest = 1.0 - sum(p_uni[b] for b in after)
        bow = math.log10(left / rest) if rest > 0 and left > 0 else 0.0
        lines.append(f"{lp:.4f} {w} {bow:.4f}")
    lines += ["", "\\2-grams:"]
    for (a, b), n in sorted(bi.items()):
        lines.append(f"{math.log10((n - discount) / uni[a]):.4f} {a} {b}")
    lines += ["", "\\end\\", ""]
    return "\n".join(lines)


class Recogniser:
    """pocketsphinx, en-US, with a language model of the script only."""

    def __init__(self, phrases: Sequence[Sequence[str]], folder: Path) -> None:
        from pocketsphinx import Decoder

        probe = Decoder(samprate=ASR_RATE, loglevel="FATAL")
        vocabulary = {w for words in phrases for w in words}
        self.unknown = sorted(w for w in vocabulary if not probe.lookup_word(w))
        known = [[w for w in words if w not in self.unknown] for words in phrases]
        lm = folder / "script.lm"
        lm.write_text(script_lm([k for k in known if k]), encoding="utf-8")
        self.decoder = Decoder(samprate=ASR_RATE, lm=str(lm), loglevel="FATAL")

    def __call__(self, pcm16k: bytes) -> list[str]:
        d = self.decoder
        d.start_utt()
        d.process_raw(pcm16k, full_utt=True)
        d.end_utt()
        hyp = d.hyp()
        return [w for w in hyp.hypstr.split() if not w.startswith("<")] if hyp else []


COUNTS = ["One.", "Two.", "Three.", "Four.", "Five.", "Six.", "Seven.", "Eight.", "Nine.",
          "Ten."]
TARGET_DBFS = -20.0
LEVELS = (-26.0, -20.0, -14.0)  # quiet presentations: the method's own spread
PADDINGS = (0.15, 0.5)  # seconds of silence either side
# "Quiet" is a 40 dB SNR floor, as in a room: on digital silence (exact zeros, espeak's)
# pocketsphinx's noise estimate misbehaves, and a clip was heard right in 10 dB noise but
# wrong in "silence" (espeak's "six": "three" at 0 noise, "six" at 30 dB).
QUIET_SNR = 40.0


def render(engine: str, routine: str, work: Path) -> tuple[list[tuple[str, str]], Any, float]:
    """The session's phrases rendered cold with ``engine`` as the app does: (text, kind)
    of every spoken event, the cache, the seconds it took."""
    from bench.engines import voice_setting
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.routine.loader import load_catalog
    from knee_desktop.runtime.planning import session_timeline

    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    saved = UserSettings(voice=voice_setting(engine))
    t0 = time.monotonic()
    planned = session_timeline(load_catalog().get(routine), saved.to_plan_settings(), saved,
                               extra=COUNTS, fallback=False)
    seconds = time.monotonic() - t0
    events = [(e.text, str(e.kind)) for e in planned.timeline.events if e.text]
    return events, planned.source, seconds


def present(samples: Any, level: float, pad: float, snr: float | None,
            rng: Any) -> bytes:
    """The clip at ``level`` dBFS RMS (of its sound), ``pad`` s of silence each side, with
    Gaussian noise at ``snr`` dB, as 16 kHz PCM for the recogniser."""
    import numpy as np

    x = np.asarray(samples, dtype=np.float64)
    loud = x[np.abs(x) >= 300] if np.any(np.abs(x) >= 300) else x
    rms = float(np.sqrt(np.mean(loud ** 2))) or 1.0
    x = x * (32768 * 10 ** (level / 20) / rms)
    gap = np.zeros(round(pad * RATE))
    x = np.concatenate([gap, x, gap])
    if snr is not None:
        x = x + rng.normal(0.0, 32768 * 10 ** ((level - snr) / 20), len(x))
    x = np.clip(x, -32768, 32767)
    n = int(len(x) * ASR_RATE / RATE)
    y = np.interp(np.arange(n) * RATE / ASR_RATE, np.arange(len(x)), x)
    return y.round().astype("<i2").tobytes()


def onset_spread(cache: Any) -> tuple[float, float]:
    ms = [1000 * cache.centre(c) for c in COUNTS]
    return statistics.pstdev(ms), max(ms) - min(ms)


def score(engine: str, opts: argparse.Namespace, work: Path) -> dict[str, Any]:
    import numpy as np

    events, cache, seconds = render(engine, opts.routine, work)
    texts = list(dict.fromkeys([t for t, _ in events] + COUNTS))
    speech = sum(cache.duration(t) for t in texts)
    asr = Recogniser([words_of(t) for t, _ in events] + [words_of(c) for c in COUNTS], work)
    rng = np.random.default_rng(0)
    heard = {t: asr(present(cache.clip(t).samples, TARGET_DBFS, 0.3, QUIET_SNR, rng))
             == words_of(t) for t in texts}
    quiet = [sum(asr(present(cache.clip(c).samples, lv, pad, QUIET_SNR, rng)) == words_of(c)
                 for c in COUNTS) for lv in LEVELS for pad in PADDINGS]
    noisy = []
    for seed in range(opts.seeds):
        rng = np.random.default_rng(1000 + seed)
        ok = sum(asr(present(cache.clip(c).samples, TARGET_DBFS, 0.3, opts.snr, rng))
                 == words_of(c) for c in COUNTS for _ in range(opts.trials))
        noisy.append(100 * ok / (len(COUNTS) * opts.trials))
    sd, span = onset_spread(cache)
    row = {"engine": engine, "voice": cache.settings.voice or "espeak-ng (default)",
           "rate": cache.settings.rate, "phrases": len(texts),
           "render_s": seconds, "rtf": seconds / speech,
           "cues_ok": sum(heard[t] for t, _ in events), "cues": len(events),
           "quiet": 10 * statistics.mean(quiet), "quiet_lo": 10 * min(quiet),
           "quiet_hi": 10 * max(quiet), "noise": statistics.mean(noisy),
           "noise_lo": min(noisy), "noise_hi": max(noisy),
           "onset_sd": sd, "onset_range": span}
    print(f"\n== {engine}: {row['voice']}, {row['rate']} wpm; {len(texts)} phrases rendered "
          f"cold in {seconds:.1f} s (RTF {row['rtf']:.2f})")
    print(f"   cues recognised exactly (quiet): {row['cues_ok']}/{row['cues']}")
    print(f"   counts, quiet: {row['quiet']:.0f} % (min {row['quiet_lo']:.0f}, max "
          f"{row['quiet_hi']:.0f} over {len(quiet)} levels x paddings)")
    print(f"   counts, {opts.snr:g} dB noise: {row['noise']:.0f} % (seeds: "
          + ", ".join(f"{n:.0f}" for n in noisy) + ")")
    print(f"   vowel onsets of the counts: SD {sd:.0f} ms, range {span:.0f} ms")
    if opts.verbose:
        print("   missed: " + "; ".join(t for t, ok in heard.items() if not ok))
    return row


def table(rows: list[dict[str, Any]], opts: argparse.Namespace) -> str:
    """The Markdown table for docs/voice.md."""
    out = ["| engine (voice) | render, cold | RTF | cues exact, quiet | counts, quiet "
           f"(min-max) | counts, {opts.snr:g} dB noise (seeds min-max) | vowel onset SD "
           "(range) |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['engine']} ({r['voice'].split('/')[-1]}) | {r['render_s']:.1f} s "
                   f"({r['phrases']} phrases) | {r['rtf']:.2f} | {r['cues_ok']}/{r['cues']} | "
                   f"{r['quiet']:.0f} % ({r['quiet_lo']:.0f}-{r['quiet_hi']:.0f}) | "
                   f"{r['noise']:.0f} % ({r['noise_lo']:.0f}-{r['noise_hi']:.0f}) | "
                   f"{r['onset_sd']:.0f} ms ({r['onset_range']:.0f}) |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    from bench.engines import available_engines

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", action="append",
                    help="espeak, festival, flite-slt, flite-rms, piper (default: all installed)")
    ap.add_argument("--seeds", type=int, default=5, help="noise seeds (default 5)")
    ap.add_argument("--trials", type=int, default=6, help="noises per count and seed")
    ap.add_argument("--snr", type=float, default=10.0, help="dB speech to noise (default 10)")
    ap.add_argument("--routine", default="windshield-wiper")
    ap.add_argument("--piper-voice", metavar="FILE.onnx", help="the natural voice file to use")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every cue missed")
    opts = ap.parse_args(argv)
    if opts.piper_voice:
        os.environ["KNEE_DESKTOP_PIPER_VOICE"] = str(Path(opts.piper_voice).resolve())
    try:
        import pocketsphinx  # noqa: F401
    except ImportError:
        print("pocketsphinx is not installed: .venv/bin/pip install pocketsphinx "
              "(or the project's [bench] extra)", file=sys.stderr)
        return 2
    engines = opts.engine or available_engines()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
          f"engines: {', '.join(engines)}; routine {opts.routine}")
    rows = []
    for engine in engines:
        with tempfile.TemporaryDirectory(prefix="knee-intel-") as tmp:
            rows.append(score(engine, opts, Path(tmp)))
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end\n\n{table(rows, opts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
