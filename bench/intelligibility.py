"""Intelligibility benchmark: how much of an exported session does a recogniser understand?

For each speech engine it runs the real ``knee-desktop plan --json`` and ``export-audio``
(default settings, a fresh cache), cuts the exported WAV at every spoken cue (from its time
to a quarter second after its last sound), and transcribes each piece with pocketsphinx's
bundled en-US acoustic model and a bigram language model of the script's own phrases
(so only the script's words can be heard). A cue
counts as recognised when the transcript is exactly its words; counts are the ``rep`` cues.

A recogniser is a proxy for a listener, not a listener: this is a figure to track, not a
test. Needs ``pip install pocketsphinx`` (the ``bench`` extra); not part of the app.

    python -m bench.intelligibility                  # every engine that is installed
    python -m bench.intelligibility --engine pyttsx3 --routine thigh-massage
"""

from __future__ import annotations

import argparse
import array
import collections
import itertools
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RATE = 22050
ASR_RATE = 16000


def words_of(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z']+", text)]


def resample(samples: Sequence[int], src: int = RATE, dst: int = ASR_RATE) -> bytes:
    """Linear interpolation to ``dst`` Hz, 16-bit little-endian (speech is band-limited
    well below 8 kHz, so no anti-alias filter is needed for a recogniser)."""
    n = int(len(samples) * dst / src)
    out = array.array("h", bytes(2 * n))
    step = src / dst
    last = len(samples) - 1
    for i in range(n):
        x = i * step
        j = int(x)
        f = x - j
        a = samples[j]
        b = samples[j + 1] if j < last else a
        out[i] = int(a + (b - a) * f)
    if sys.byteorder != "little":
        out.byteswap()
    return out.tobytes()


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


def export(engine: str, routine: str, work: Path) -> tuple[dict[str, object], array.array[int],
                                                           float]:
    """``plan --json`` and ``export-audio`` with ``engine``; the plan, the samples and the
    seconds the export took (rendering a cold cache included)."""
    from bench.engines import settings_for

    env = dict(os.environ, PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(work / "cache"),
               XDG_CONFIG_HOME=str(work / "config"))
    settings_for(engine, work / "config" / "knee-desktop" / "settings.toml")
    out = work / f"{engine}.wav"
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "knee_desktop", "export-audio", routine,
                           str(out)], env=env, cwd=REPO, capture_output=True, text=True,
                          check=False)
    seconds = time.monotonic() - t0
    if proc.returncode != 0:
        raise SystemExit(f"export-audio with {engine} failed: {proc.stderr.strip()[-1500:]}")
    plan = subprocess.run([sys.executable, "-m", "knee_desktop", "plan", routine, "--json"],
                          env=env, cwd=REPO, capture_output=True, text=True, check=True)
    from knee_desktop.speech.clip import read_wav

    return json.loads(plan.stdout), read_wav(out).samples, seconds


def score(engine: str, routine: str, work: Path, verbose: bool) -> dict[str, object]:
    plan, samples, seconds = export(engine, routine, work)
    events = [e for e in plan["events"] if e["text"]]  # type: ignore[union-attr]
    asr = Recogniser([words_of(e["text"]) for e in events], work)
    heard_ok = 0
    counts: collections.Counter[str] = collections.Counter()
    counts_ok: collections.Counter[str] = collections.Counter()
    wrong: list[str] = []
    t0 = time.monotonic()
    for k, e in enumerate(events):
        lo = round(e["t"] * RATE)
        hi = round(events[k + 1]["t"] * RATE) if k + 1 < len(events) else len(samples)
        said = asr(resample(samples[lo:sound_end(samples, lo, hi)]))
        ok = said == words_of(e["text"])
        heard_ok += ok
        if e["kind"] == "rep":
            counts[e["text"]] += 1
            counts_ok[e["text"]] += ok
        if not ok:
            wrong.append(f"{e['text']!r} -> {' '.join(said)!r}")
    n_counts = sum(counts.values())
    got_counts = sum(counts_ok.values())
    print(f"\n== {engine}: {routine}, {len(events)} cues, export {seconds:.1f} s wall "
          f"(cold cache), recognition {time.monotonic() - t0:.1f} s")
    print(f"   cues recognised exactly   {heard_ok:4d} / {len(events)}  "
          f"({100 * heard_ok / len(events):.0f} %)")
    if n_counts:
        print(f"   counts recognised         {got_counts:4d} / {n_counts}  "
              f"({100 * got_counts / n_counts:.0f} %)")
        per = ", ".join(f"{w.rstrip('.').lower()} {counts_ok[w]}/{counts[w]}"
                        for w in sorted(counts, key=_number))
        print(f"   per count: {per}")
    if asr.unknown:
        print(f"   not in the recogniser's dictionary (never recognised): {asr.unknown}")
    for line in wrong if verbose else ():
        print(f"   missed: {line}")
    return {"engine": engine, "cues": len(events), "cues_ok": heard_ok, "counts": n_counts,
            "counts_ok": got_counts, "export_seconds": round(seconds, 2)}


def _number(text: str) -> int:
    order = "one two three four five six seven eight nine ten".split()
    word = text.rstrip(".").lower()
    return order.index(word) if word in order else 99


def main(argv: list[str] | None = None) -> int:
    from bench.engines import available_engines

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", action="append", help="pyttsx3 or piper (default: all installed)")
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
          f"engines: {', '.join(engines)}")
    for engine in engines:
        with tempfile.TemporaryDirectory(prefix="knee-intel-") as tmp:
            score(engine, opts.routine, Path(tmp), opts.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
