"""Intelligibility benchmark: how much of an exported session does a recogniser understand?

For each speech engine it runs the real ``knee-desktop plan --json`` and ``export-audio``
(default settings, a fresh cache), cuts the exported WAV at every spoken cue (from its time
to the next cue), and transcribes each piece with pocketsphinx's bundled en-US model, its
search restricted to a grammar of the script's own words (any sequence of them). A cue
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
import json
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


class Recogniser:
    """pocketsphinx, en-US, searching only sequences of the given words."""

    def __init__(self, vocabulary: Sequence[str]) -> None:
        from pocketsphinx import Decoder

        self.decoder = Decoder(samprate=ASR_RATE, loglevel="FATAL")
        known = [w for w in vocabulary if self.decoder.lookup_word(w)]
        self.unknown = sorted(set(vocabulary) - set(known))
        alternatives = " | ".join(sorted(set(known)))
        self.decoder.add_jsgf_string("script", "#JSGF V1.0;\ngrammar script;\n"
                                     f"public <utt> = ( {alternatives} )+ ;\n")
        self.decoder.activate_search("script")

    def __call__(self, pcm16k: bytes) -> list[str]:
        d = self.decoder
        d.start_utt()
        d.process_raw(pcm16k, full_utt=True)
        d.end_utt()
        hyp = d.hyp()
        return hyp.hypstr.split() if hyp is not None else []


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
    vocabulary = sorted({w for e in events for w in words_of(e["text"])})
    asr = Recogniser(vocabulary)
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
