"""Cue timing benchmark: when is each cue *heard*, against when it was due?

Starts a private sound server with a null sink (PulseAudio, then PipeWire with
pipewire-pulse: ``--server`` picks one), runs the real app's voice-only session
(``knee-desktop run --cue-log``) into it while ``parec`` records the sink's monitor, finds
each cue's heard onset on the ``time.monotonic()`` clock (see :mod:`bench.labs.pulse` for
how the recording is aligned), and prints per-cue latency (heard − due) with its median,
p95 jitter, max and drift, and the intervals between counts as heard at their perceptual
centres (:mod:`bench.perceived`: SD per set). Then, in the same run and into the same
sink, a naive loop that speaks each cue live with pyttsx3 ``say()`` + ``runAndWait()`` at
its time, measured alike.

    python -m bench.cue_timing            # a full two-leg session on both servers
    python -m bench.cue_timing --quick    # a short one, for development
    python -m bench.cue_timing --server pipewire   # one server only
    python -m bench.cue_timing --quick --server pulseaudio --voice "" \
        --voice festival:cmu_us_slt_arctic_hts      # espeak and festival in the same run
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.labs.pipewire import PrivatePipeWire
from bench.labs.pulse import MonitorRecorder, PrivatePulse, Recording
from bench.perceived import perceived_sets, print_sets

if TYPE_CHECKING:
    from knee_desktop.speech.render import SpeechCache

REPO = Path(__file__).resolve().parent.parent
QUICK = ["--reps", "3", "--pause", "2", "--leg", "left", "--lead-in", "3"]
THRESHOLD = 300  # = knee_desktop.speech.clip.SOUND_LEVEL: the null sink's silence is exact 0
# Issue 14's goal, the same on PulseAudio and on PipeWire.
TARGETS = {"median": 5.0, "p95 jitter": 5.0, "max": 20.0, "drift": 5.0}
RHYTHM_TARGET = 15.0  # ms: SD of the perceived intervals in every set of counts


@dataclass
class Result:
    name: str
    latencies: list[float]  # ms, heard - due, in cue order
    missed: list[str]
    first: float | None
    starts: dict[int, float] = field(default_factory=dict)  # cue index -> heard clip start

    def stats(self) -> dict[str, float]:
        lat = self.latencies
        if not lat:
            return {}
        med = statistics.median(lat)
        dev = sorted(abs(x - med) for x in lat)
        p95 = dev[min(len(dev) - 1, round(0.95 * (len(dev) - 1)))]
        k = min(10, len(lat))
        return {"cues": len(lat), "median": med, "p95 jitter": p95,
                "max": max(abs(x) for x in lat), "first": lat[0],
                "drift": lat[-1] - lat[0],
                "drift (median of last 10 - first 10)":
                    statistics.median(lat[-k:]) - statistics.median(lat[:k])}


def find_onsets(rec: Recording, cues: list[tuple[float, str, float]], name: str,
                early: float = 0.1, late: float = 1.5) -> Result:
    """``cues``: (due, text, expected offset of the first loud sample in the clip)."""
    lat: list[float] = []
    missed: list[str] = []
    starts: dict[int, float] = {}
    floor = 0
    for index, (due, text, offset) in enumerate(cues):
        lo = max(floor, rec.index_of(due - early))
        hi = rec.index_of(due + late)
        heard = rec.first_loud(lo, min(hi, len(rec.samples)), THRESHOLD)
        if heard is None:
            missed.append(text)
            continue
        lat.append((heard - offset - due) * 1000)
        starts[index] = heard - offset
        # The next search starts after this clip has fallen silent for 20 ms.
        floor = _silence_after(rec, rec.index_of(heard))
    return Result(name, lat, missed, lat[0] if lat else None, starts)


def _silence_after(rec: Recording, i: int, quiet: int = 441) -> int:
    s = rec.samples
    run = 0
    while i < len(s):
        run = run + 1 if -THRESHOLD < s[i] < THRESHOLD else 0
        if run >= quiet:
            return i
        i += 1
    return i


def _print(result: Result, ppm: float, spread: float, verbose: bool) -> dict[str, float]:
    st = result.stats()
    print(f"\n== {result.name}: {len(result.latencies)} cues heard, "
          f"{len(result.missed)} not heard")
    if verbose:
        print("   per-cue latency, ms: " + " ".join(f"{x:.1f}" for x in result.latencies))
    for key, value in st.items():
        target = TARGETS.get(key)
        mark = "" if target is None else ("  ok" if abs(value) <= target else
                                          f"  (target {target:g})")
        print(f"   {key:40} {value:8.1f}{'' if key == 'cues' else ' ms'}{mark}")
    if result.missed:
        print(f"   not heard: {result.missed[:5]}{' …' if len(result.missed) > 5 else ''}")
    print(f"   (alignment: sink clock {ppm:+.0f} ppm vs monotonic, fit spread "
          f"{spread * 1000:.2f} ms)")
    return st


def run_app(pulse: PrivatePulse | PrivatePipeWire, env: dict[str, str], args: list[str],
            log: Path, app_log: Path) -> Recording:
    rec = MonitorRecorder(pulse).start()  # type: ignore[arg-type]
    try:
        with app_log.open("w") as err:
            proc = subprocess.run([sys.executable, "-m", "knee_desktop", "-v", "run",
                                   "windshield-wiper", *args, "--cue-log", str(log),
                                   "--quiet"], env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                                  stderr=err, text=True, check=False)
    finally:
        recording = rec.stop()
    if proc.returncode != 0:
        raise SystemExit(f"the app failed ({proc.returncode}): {app_log.read_text()[-2000:]}")
    return recording


def run_naive(pulse: PrivatePulse | PrivatePipeWire, env: dict[str, str],
              events: list[tuple[float, str]]) -> tuple[Recording, list[dict[str, object]]]:
    rec = MonitorRecorder(pulse).start()  # type: ignore[arg-type]
    try:
        proc = subprocess.run([sys.executable, "-m", "bench.naive_loop"],
                              input=json.dumps(events), env=env, cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              check=False)
    finally:
        recording = rec.stop()
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("{"):
            rows.append(json.loads(line))
    return recording, rows


def played_clips(args: list[str], voice: str = "") -> SpeechCache:
    """The clips the app played: planned as it planned them (the fit may have raised the
    rate), from the cache it filled."""
    from knee_desktop.cli.main import build_parser
    from knee_desktop.cli.options import settings_from_args
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.routine.loader import load_catalog
    from knee_desktop.runtime.planning import session_timeline
    from knee_desktop.speech.render import SpeechCache

    parsed = build_parser().parse_args(["run", "windshield-wiper", *args])
    saved = UserSettings(voice=voice)
    planned = session_timeline(load_catalog().get("windshield-wiper"),
                               settings_from_args(parsed, saved.to_plan_settings()), saved)
    if not isinstance(planned.source, SpeechCache):
        raise SystemExit("no speech engine: nothing to measure")
    print(f"clips: {planned.source.settings.rate} words a minute"
          + (f" ({'; '.join(planned.notes)})" if planned.notes else ""))
    return planned.source


def cache_texts(rows: list[dict[str, object]]) -> list[str]:
    return list(dict.fromkeys(str(r["text"]) for r in rows))


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


SERVERS = {"pulseaudio": PrivatePulse, "pipewire": PrivatePipeWire}
ServerResult = tuple[dict[str, float], list[str], dict[str, float]]  # stats, missed, rhythm


def bench_server(kind: str, opts: argparse.Namespace, work: Path
                 ) -> dict[str, ServerResult]:
    """The app with each voice (and the naive loop) on one private sound server: for each,
    its stats, cues missed, and the perceived rhythm of the counts."""
    work.mkdir(parents=True, exist_ok=True)
    server = SERVERS[kind](("test",)).start()
    load = os.getloadavg()
    print(f"\n##### {kind}: private server pid {server.pid}; load average {load[0]:.2f} "
          f"{load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores (shared machine)")
    results: dict[str, ServerResult] = {}
    try:
        env = server.env()
        env["XDG_CACHE_HOME"] = str(work.parent / "cache")  # cold for the first server
        env["PYTHONPATH"] = str(REPO)
        voices = opts.voice or [""]
        for k, voice in enumerate(voices):
            name = kind if len(voices) == 1 else f"{kind} {voice or 'espeak'}"[:13]
            results[name] = bench_voice(kind, server, env, opts, work / f"voice{k}", voice,
                                        with_naive=k == 0)
        return results
    finally:
        pid = server.pid
        server.stop()
        print(f"stopped {kind} pid {pid}; files in {work}")


def bench_voice(kind: str, server: Any, env: dict[str, str],
                opts: argparse.Namespace, work: Path, voice: str, with_naive: bool
                ) -> ServerResult:
    """One session of the app with ``voice`` ("" = the default), measured."""
    from bench.engines import write_settings

    settings = QUICK if opts.quick else []
    work.mkdir(parents=True, exist_ok=True)
    env = dict(env, XDG_CONFIG_HOME=str(work / "config"))  # not the user's settings
    write_settings(voice, work / "config" / "knee-desktop" / "settings.toml")
    print(f"\n=== voice: {voice or 'the default (espeak-ng)'}")
    log = work / "cues.jsonl"
    t0 = time.monotonic()
    app_rec = run_app(server, env, settings, log, work / "app.log")
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    print(f"app session: {time.monotonic() - t0:.0f} s wall (clips rendered first), "
          f"{len(rows)} cues logged")
    measured = [line for line in (work / "app.log").read_text().splitlines()
                if "output latency" in line]
    if measured:
        print(f"   app log: {measured[-1].strip()}")

    os.environ["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"]
    cache = played_clips(settings, voice)
    spoken = [r for r in rows if r["text"]]
    cache.prepare([r["text"] for r in spoken])
    cues = []
    for r in spoken:
        clip = cache.clip(r["text"])
        first = clip.first_sound(THRESHOLD) or 0
        cues.append((r["due"], r["text"], first / 22050))
    app = find_onsets(app_rec, cues, f"app on {kind} (pre-rendered clips, one QAudioSink)")
    predicted = [(r["heard"] - r["due"]) * 1000 for r in spoken if r.get("heard")]
    app_stats = _print(app, app_rec.ppm, app_rec.align_spread, opts.verbose)
    if app_rec.offsets:  # a stepped timeline: the sink's own clock lost time
        lost = (app_rec.offsets[-1][1] - app_rec.offsets[0][1]) * 1000
        steps = sum(1 for a, b in itertools.pairwise(app_rec.offsets)
                    if b[1] - a[1] > 0.001)
        print(f"   (the sink's clock lost {lost:.0f} ms in {steps} steps over the session: "
              "graph cycles the server missed; every stream plays that much later)")
    if predicted:
        print(f"   (the player's own prediction of heard - due: median "
              f"{statistics.median(predicted):.2f} ms)")
    used = re.search(r"output latency ([\d.]+) ms", measured[-1]) if measured else None
    if used and app.latencies:
        ms = float(used.group(1))
        true = ms + statistics.median(app.latencies)
        print(f"   output latency: the app used {ms:.1f} ms, the recording says "
              f"{true:.1f} ms (used - true {ms - true:+.1f} ms)")
    rhythm = print_sets(perceived_sets(app_rec, spoken, app.starts,
                                       {t: cache.centre(t) for t in cache_texts(spoken)}),
                        opts.verbose)
    if kind == "pipewire":
        overflows = server.log("pipewire-pulse").count("OVERFLOW")
        print(f"   pipewire-pulse OVERFLOW warnings: {overflows}")

    if with_naive and not opts.no_naive:
        events = [(r["t"], r["text"]) for r in spoken]
        t0 = time.monotonic()
        naive_rec, naive_rows = run_naive(server, env, events)
        print(f"\nnaive loop: {time.monotonic() - t0:.0f} s wall, {len(naive_rows)} cues")
        ncues = [(float(str(r["due"])), str(r["text"]), 0.0) for r in naive_rows
                 if "due" in r]
        naive = find_onsets(naive_rec, ncues, "naive loop (pyttsx3 say() + runAndWait())")
        _print(naive, naive_rec.ppm, naive_rec.align_spread, opts.verbose)
    return app_stats, app.missed, rhythm


def side_by_side(results: dict[str, ServerResult]) -> bool:
    """Print the app's figures for each server in columns; True if all meet the targets."""
    names = list(results)
    print("\n== app, heard - due" + "".join(f"{n:>14}" for n in names) + "    target")
    ok = True
    for key in ("cues", "median", "p95 jitter", "max", "drift"):
        cells = ""
        for name in names:
            stats, _, _ = results[name]
            value = stats.get(key)
            cells += f"{'-':>14}" if value is None else f"{value:14.1f}"
        target = TARGETS.get(key)
        print(f"   {key:16}{cells}    {'' if target is None else f'<= {target:g} ms'}")
    print("   not heard       " + "".join(f"{len(m):14d}" for _, m, _ in results.values()))
    print("   max rhythm SD   " + "".join(f"{r.get('max SD', float('nan')):14.1f}"
                                           for _, _, r in results.values())
          + f"    <= {RHYTHM_TARGET:g} ms")
    for name, (stats, missed, rhythm) in results.items():
        good = bool(stats) and not missed and all(abs(stats[k]) <= v
                                                  for k, v in TARGETS.items()) \
            and rhythm.get("max SD", 1e9) <= RHYTHM_TARGET
        print(f"app meets the targets on {name}: {'yes' if good else 'NO'}")
        ok = ok and good
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a short one-leg session")
    ap.add_argument("--server", choices=["both", *SERVERS], default="both",
                    help="which private sound server to measure on (default: both, one "
                         "after the other, printed side by side)")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive pyttsx3 loop")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every cue's latency")
    ap.add_argument("--keep", metavar="DIR", help="keep logs and recordings in DIR")
    ap.add_argument("--voice", action="append", metavar="ID",
                    help='a voice setting to run a session with ("" = espeak, '
                    '"festival:cmu_us_slt_arctic_hts", "piper:FILE.onnx"...); repeat to '
                    "compare voices in one run, on the same server")
    opts = ap.parse_args(argv)
    # Stop cleanly (daemon stopped by its pid) on Ctrl+C or kill, even when started in the
    # background, where SIGINT comes ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminate)
    work = Path(opts.keep or tempfile.mkdtemp(prefix="knee-bench-"))
    kinds = list(SERVERS) if opts.server == "both" else [opts.server]
    results = {name: result for kind in kinds
               for name, result in bench_server(kind, opts, work / kind).items()}
    return 0 if side_by_side(results) else 1


if __name__ == "__main__":
    sys.exit(main())
