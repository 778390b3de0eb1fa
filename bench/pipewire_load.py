"""PipeWire under load: the app's cues against a plain reference player, quiet and loaded.

On a private PipeWire (``bench/labs/pipewire.py``, null sink, ``parec`` on its monitor),
for each condition (``quiet``; ``loaded``: N busy processes at normal priority, default
two, one per core here) it runs

- the **app**: ``knee-desktop run`` (the short session of ``bench/cue_timing.py
  --quick``), each cue found in the recording against when it was due
  (:func:`bench.cue_timing.find_onsets`);
- two **reference** players of the very same clips at the same moments (the app's own
  due times, relative to its first cue):
  ``pw-play per cue``: a new ``pw-play`` of the cue's clip file started at its moment (a
  plain player, as a script would do it);
  ``pw-play, one stream``: ``pw-play`` of one WAV holding every clip at its offset,
  started once (one stream, nothing to schedule).
  If they miss cues or jitter too, the server (the null sink's timer, the graph) is
  starving, not our stream.

For a reference, "due" is its start plus the cue's offset; its fixed output latency (and
pw-play's start-up) is unknown, so compare its *jitter* (p95 of |heard - median|), its max
deviation from its median and the cues it lost, not its median. The load average is
printed with each run (the machine may be shared).

    python -m bench.pipewire_load [--load 2] [--conditions quiet loaded] [--runs 1]
"""

from __future__ import annotations

import argparse
import array
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.cue_timing import QUICK, THRESHOLD, Result, find_onsets, played_clips, run_app
from bench.labs.pipewire import PrivatePipeWire
from bench.labs.pulse import MonitorRecorder

REPO = Path(__file__).resolve().parent.parent
BUSY = "import os\nos.nice(0)\nwhile True:\n    pass\n"
LEAD = 1.0  # s of silence before the reference's first cue


@dataclass
class Row:
    who: str
    condition: str
    load: str
    cues: int
    heard: int
    median: float
    p95: float
    max_abs: float
    max_dev: float
    missed: list[str]


def _row(who: str, condition: str, load: str, total: int, result: Result) -> Row:
    lat = result.latencies
    med = statistics.median(lat) if lat else float("nan")
    dev = sorted(abs(x - med) for x in lat)
    p95 = dev[min(len(dev) - 1, round(0.95 * (len(dev) - 1)))] if dev else float("nan")
    return Row(who, condition, load, total, len(lat), med, p95,
               max((abs(x) for x in lat), default=float("nan")),
               max(dev, default=float("nan")), result.missed)


def _loadavg() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def start_load(n: int) -> list[subprocess.Popen[bytes]]:
    """``n`` busy loops at normal priority (nice 0), each its own process."""
    return [subprocess.Popen([sys.executable, "-c", BUSY], preexec_fn=lambda: os.nice(0))
            for _ in range(n)]


def stop_load(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(5)


def session_wav(path: Path, cues: list[tuple[float, str]], clips: dict[str, array.array[int]],
                rate: int) -> list[float]:
    """One WAV with each cue's clip at ``LEAD + (due - first due)``; returns the offsets."""
    first = cues[0][0]
    offsets = [LEAD + due - first for due, _ in cues]
    end = max(o + len(clips[text]) / rate for o, (_, text) in zip(offsets, cues, strict=True))
    out = array.array("h", bytes(2 * (int((end + 1.0) * rate))))
    for offset, (_, text) in zip(offsets, cues, strict=True):
        at = round(offset * rate)
        clip = clips[text]
        out[at:at + len(clip)] = clip
    import wave
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(out.tobytes())
    return offsets


def run_reference(server: PrivatePipeWire, wav: Path) -> tuple[float, object]:
    """``pw-play`` the session WAV into the null sink; returns (start, recording)."""
    rec = MonitorRecorder(server).start()  # type: ignore[arg-type]
    try:
        start = time.monotonic()
        subprocess.run(["pw-play", "--target", server.sinks[0], str(wav)], env=server.env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       timeout=900)
    finally:
        recording = rec.stop()
    return start, recording


def run_per_cue(server: PrivatePipeWire, cues: list[tuple[float, Path]]
                ) -> tuple[float, object]:
    """A new ``pw-play`` of each cue's clip at its moment (``cues``: offset from the
    start, clip file); returns (start, recording)."""
    rec = MonitorRecorder(server).start()  # type: ignore[arg-type]
    players: list[subprocess.Popen[bytes]] = []
    try:
        start = time.monotonic() + LEAD
        for offset, clip in cues:
            wait = start + offset - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            players.append(subprocess.Popen(
                ["pw-play", "--target", server.sinks[0], str(clip)], env=server.env(),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for p in players:
            p.wait(60)
        time.sleep(0.5)
    finally:
        recording = rec.stop()
    return start, recording


def one_condition(condition: str, n_load: int, work: Path) -> list[Row]:
    from knee_desktop.speech.clip import RATE

    work.mkdir(parents=True, exist_ok=True)
    server = PrivatePipeWire(("test",)).start()
    load = start_load(n_load) if condition == "loaded" else []
    rows: list[Row] = []
    try:
        time.sleep(3.0 if load else 0.5)  # the busy loops settle into the load average
        env = server.env()
        env["XDG_CACHE_HOME"] = str(work.parent / "cache")
        env["XDG_CONFIG_HOME"] = str(work / "config")
        env["PYTHONPATH"] = str(REPO)
        os.environ["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"]
        before = _loadavg()
        log = work / "cues.jsonl"
        app_rec = run_app(server, env, QUICK, log, work / "app.log")
        app_load = f"{before} → {_loadavg()}"
        spoken = [r for r in (json.loads(x) for x in log.read_text().splitlines())
                  if r["text"]]
        cache = played_clips(QUICK)
        cache.prepare([r["text"] for r in spoken])
        cues = [(float(r["due"]), str(r["text"]),
                 (cache.clip(r["text"]).first_sound(THRESHOLD) or 0) / RATE) for r in spoken]
        rows.append(_row("app", condition, app_load, len(cues),
                         find_onsets(app_rec, cues, "app")))

        clips = {t: cache.clip(t).samples for _, t, _ in cues}
        offsets = session_wav(work / "session.wav", [(d, t) for d, t, _ in cues], clips, RATE)
        before = _loadavg()
        start, ref_rec = run_reference(server, work / "session.wav")
        ref_cues = [(start + o, t, lead) for o, (_, t, lead) in zip(offsets, cues, strict=True)]
        rows.append(_row("pw-play, one stream", condition, f"{before} → {_loadavg()}",
                         len(cues), find_onsets(ref_rec, ref_cues, "pw-play")))  # type: ignore[arg-type]

        before = _loadavg()
        first = cues[0][0]
        start, cue_rec = run_per_cue(server, [(d - first, cache.path(t)) for d, t, _ in cues])
        per_cue = [(start + d - first, t, lead) for d, t, lead in cues]
        rows.append(_row("pw-play per cue", condition, f"{before} → {_loadavg()}",
                         len(cues), find_onsets(cue_rec, per_cue, "pw-play per cue")))  # type: ignore[arg-type]
    finally:
        stop_load(load)
        server.stop()
    return rows


def print_table(rows: list[Row]) -> None:
    print("\n| player | condition | load avg (1/5 min) | heard | median ms | p95 jitter ms "
          "| max abs ms | max dev ms |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.who} | {r.condition} | {r.load} | {r.heard}/{r.cues} | {r.median:.1f} "
              f"| {r.p95:.1f} | {r.max_abs:.1f} | {r.max_dev:.1f} |")
    for r in rows:
        if r.missed:
            print(f"{r.who} {r.condition}: not heard: {r.missed[:6]}")
    print("(a pw-play median is its own start-up and output latency, unknown to us: compare "
          "jitter, max dev and cues heard)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--load", type=int, default=2, help="busy processes when loaded")
    ap.add_argument("--conditions", nargs="+", default=["quiet", "loaded"],
                    choices=["quiet", "loaded"])
    ap.add_argument("--runs", type=int, default=1, help="repeat each condition")
    ap.add_argument("--keep", type=Path, help="keep the logs and WAVs in DIR")
    opts = ap.parse_args(argv)
    work = opts.keep or Path(tempfile.mkdtemp(prefix="knee-pwload-"))
    print(f"{os.cpu_count()} cores; load average at start {_loadavg()}; "
          f"loaded = {opts.load} busy processes at nice 0; files in {work}")
    rows: list[Row] = []
    for run in range(opts.runs):
        for condition in opts.conditions:
            got = one_condition(condition, opts.load, work / f"{condition}-{run}")
            rows += got
            print_table(got)
    if len(rows) > 2:
        print("\n== all runs")
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
