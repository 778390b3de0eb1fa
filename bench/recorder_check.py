"""Can the cue benchmark's recording be trusted? Three clocks checked against each other.

On a private server (``--server pipewire|pulseaudio``), while the app's real output plays a
click train (:mod:`bench.click_player`, loud clicks every ``--period`` s at absolute
times), a *reference* click train is played by a separate simple client (``pacat``, one
continuous stream: quieter clicks exactly ``REF_SPACING`` samples apart) into the same sink.
The sink's monitor is recorded by several recorders at once (``parec`` at 2 ms, as the cue
benchmark does; ``parec`` at 50 ms; ``pw-record`` on PipeWire). For each recording:

- reference spacing errors: a gap between two reference clicks that is not a whole number
  of ``REF_SPACING`` samples means samples were lost (<0) or duplicated (>0) between them,
  by the recorder or by the server's graph. The same error in every recorder at the same
  moment is the graph (the listener hears it too); in one recorder only, that recorder.
- app click latency, heard − due, on the recording's time alignment (as the cue benchmark
  measures cues), and the app click's offset from the reference train in samples, which
  needs no alignment at all: it moves only when the app's own placement moves.

    python -m bench.recorder_check --server pipewire --clicks 150
"""

from __future__ import annotations

import argparse
import array
import bisect
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.click_player import click_samples
from bench.labs.pipewire import PrivatePipeWire
from bench.labs.pulse import RATE, MonitorRecorder, PrivatePulse, Recording

REPO = Path(__file__).resolve().parent.parent
REF_SPACING = 5513  # samples: 0.25002 s, not a multiple of the app's period
REF_LEVEL = 3000
ONSET = 1000  # both trains' clicks start above this; the null sink's silence is 0
QUIET = 176  # 8 ms of silence before an onset


class PwRecorder(MonitorRecorder):
    """``pw-record`` on the sink's monitor (PipeWire's own client, not the pulse server)."""

    def __init__(self, server: PrivatePipeWire, latency_ms: int = 20) -> None:
        super().__init__(server)  # type: ignore[arg-type]
        self.latency_ms = latency_ms

    def command(self) -> list[str]:
        return ["pw-record", "--target", self.sink, "-P", "{ stream.capture.sink = true }",
                "--rate", str(RATE), "--channels", "1", "--format", "s16",
                "--latency", f"{self.latency_ms}ms", "-"]


def reference_file(seconds: float, path: Path) -> Path:
    click = click_samples(RATE, REF_LEVEL)
    n = round(seconds * RATE)
    samples = array.array("h", bytes(2 * n))
    for at in range(REF_SPACING // 2, n - len(click), REF_SPACING):
        samples[at:at + len(click)] = array.array("h", click)
    path.write_bytes(samples.tobytes())
    return path


def onsets(rec: Recording) -> list[tuple[int, int]]:
    """(sample index, peak in the next 3 ms) of every click onset."""
    s = rec.samples
    out = []
    quiet = 0
    i = 0
    while i < len(s):
        if -ONSET < s[i] < ONSET:
            quiet += 1
            i += 1
            continue
        if quiet >= QUIET:
            out.append((i, max(abs(x) for x in s[i:i + 66])))
        quiet = 0
        i += 1
    return out


def analyse(name: str, rec: Recording, clicks: list[dict[str, float]],
            opts_period: float) -> dict[str, object]:
    found = onsets(rec)
    ref = [i for i, peak in found if peak < (REF_LEVEL + 12000) / 2]
    app = [i for i, peak in found if peak >= (REF_LEVEL + 12000) / 2]
    errors = []
    for a, b in itertools.pairwise(ref):
        whole = max(1, round((b - a) / REF_SPACING))
        err = (b - a) - whole * REF_SPACING
        if abs(err) > 2:  # resampling moves an onset by a sample either way
            errors.append((round(rec.time_of(b) - rec.time_of(0), 2), err))
    # The reference train numbers its own samples: ordinal * REF_SPACING at each click.
    ordinal = [0]
    for a, b in itertools.pairwise(ref):
        ordinal.append(ordinal[-1] + max(1, round((b - a) / REF_SPACING)))
    lat, rel = [], []
    collided = 0
    for k, c in enumerate(clicks):
        lo, hi = rec.index_of(c["due"] - 0.05), rec.index_of(c["due"] + 0.1)
        hits = [i for i in app if lo <= i < hi]
        if not hits:
            collided += 1  # right after a reference click: its onset is not separate
            continue
        lat.append((rec.time_of(hits[0]) - c["due"]) * 1000)
        j = bisect.bisect_right(ref, hits[0]) - 1
        near = [r for r in ref[max(j, 0):j + 2] if abs(r - hits[0]) < 300]
        if j >= 0 and not near:  # a reference click within 14 ms blurs both onsets
            pos = ordinal[j] * REF_SPACING + hits[0] - ref[j]
            rel.append(pos - k * round(opts_period * RATE))
    rel_dev = [r - statistics.median(rel) for r in rel] if rel else []
    return {"name": name, "samples": len(rec.samples), "ref clicks": len(ref),
            "ref errors": errors, "app clicks": len(lat), "collided": collided, "latencies": lat,
            "offset from ref, samples": rel_dev}


def show(res: dict[str, object], expected: int) -> None:
    lat = list(res["latencies"])  # type: ignore[call-overload]
    errors = list(res["ref errors"])  # type: ignore[call-overload]
    rel = list(res["offset from ref, samples"])  # type: ignore[call-overload]
    print(f"\n-- {res['name']}: {res['samples']} samples, reference clicks "
          f"{res['ref clicks']}, app clicks {res['app clicks']}/{expected} "
          f"({res['collided']} hidden by a reference click)")
    lost = sum(-e for _, e in errors if e < 0)
    dup = sum(e for _, e in errors if e > 0)
    print(f"   reference spacing errors: {len(errors)} (samples lost {lost}, duplicated "
          f"{dup}){': ' + str(errors[:12]) if errors else ''}")
    if lat:
        med = statistics.median(lat)
        print(f"   app heard - due, ms: median {med:.1f}, min {min(lat):.1f}, "
              f"max {max(lat):.1f}, p95 |dev| "
              f"{sorted(abs(x - med) for x in lat)[round(0.95 * (len(lat) - 1))]:.1f}")
        late = [(k, round(x, 1)) for k, x in enumerate(lat) if abs(x - med) > 3]
        print(f"   app clicks more than 3 ms off the median: {len(late)} {late[:12]}")
    if rel:
        moved = [(k, round(r)) for k, r in enumerate(rel) if abs(r) > 2]
        print(f"   app click vs reference train: spread (max - min) {max(rel) - min(rel):.0f} "
              f"samples = {1000 * (max(rel) - min(rel)) / RATE:.1f} ms (a steady drift is "
              f"the sink's clock against time.monotonic(), which the app follows)")
        print(f"   app click vs reference train (no alignment), samples off the median: "
              f"{len(moved)} clicks {moved[:12]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", choices=["pipewire", "pulseaudio"], default="pipewire")
    ap.add_argument("--clicks", type=int, default=150)
    ap.add_argument("--period", type=float, default=0.2)
    ap.add_argument("--recorders", default="parec2,parec50,pw-record",
                    help="comma-separated: parec2, parec50, pw-record (PipeWire only)")
    opts = ap.parse_args(argv)
    server = (PrivatePipeWire if opts.server == "pipewire" else PrivatePulse)(("test",)).start()
    work = Path(tempfile.mkdtemp(prefix="knee-reccheck-"))
    load = os.getloadavg()
    print(f"##### {opts.server}: load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} cores")
    ref_proc = None
    try:
        env = server.env()
        env["PYTHONPATH"] = str(REPO)
        recs: dict[str, MonitorRecorder] = {}
        for name in opts.recorders.split(","):
            if name == "pw-record":
                if opts.server == "pipewire":
                    recs[name] = PwRecorder(server)  # type: ignore[arg-type]
            else:
                recs[name] = MonitorRecorder(server, fragment_ms=int(name[len("parec"):]))  # type: ignore[arg-type]
        seconds = opts.clicks * opts.period + 8
        ref_proc = subprocess.Popen(
            ["pacat", "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1", "-d",
             "test", str(reference_file(seconds, work / "ref.raw"))], env=env)
        for rec in recs.values():
            rec.start()
        t0 = time.monotonic()
        player = subprocess.run([sys.executable, "-m", "bench.click_player", "--clicks",
                                 str(opts.clicks), "--period", str(opts.period)], env=env,
                                cwd=REPO, capture_output=True, text=True, check=False)
        recordings = {name: rec.stop() for name, rec in recs.items()}
        rows = [json.loads(x) for x in player.stdout.splitlines() if x.startswith("{")]
        if player.returncode != 0 or not rows:
            raise SystemExit(f"the click player failed: {player.stderr[-1500:]}")
        print(f"player: {time.monotonic() - t0:.0f} s; {rows[0]}")
        clicks = [r for r in rows if "k" in r and r.get("heard")]
        bases = [r["base"] for r in rows if "t" in r and r.get("base")]
        if bases:
            print(f"   the app's base moved by {1000 * (max(bases) - min(bases)):.1f} ms over "
                  f"the run (max - min of its per-second values)")
        predicted = [(c["heard"] - c["due"]) * 1000 for c in clicks]
        print(f"   the app's own prediction heard - due: max {max(predicted):.2f} ms")
        for name, rec in recordings.items():
            show(analyse(name, rec, clicks, opts.period), len(clicks))
        if opts.server == "pipewire":
            print(f"\npipewire-pulse OVERFLOW warnings: "
                  f"{server.log('pipewire-pulse').count('OVERFLOW')}")
    finally:
        if ref_proc is not None:
            ref_proc.terminate()
            ref_proc.wait()
        server.stop()
        load = os.getloadavg()
        print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
