"""Start-up time: the PyInstaller bundle next to the virtual environment, in one run.

    .venv/bin/python -m bench.startup [--runs 7]

For each of `--version` (Python + argparse only) and "time to window" (spawn until the
window is shown and one event-loop turn ran: the `window: shown` line the app logs, read
from stderr with `--verbose`; then SIGTERM quits it), it runs each build several times,
alternating, and prints the median and the spread. Qt runs
offscreen; config, data and logs go to a temporary home. Results also go to bench/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_APP = REPO / ".venv" / "bin" / "knee-desktop"
BUNDLE_APP = REPO / "dist" / "knee-desktop" / "knee-desktop"


def time_until(cmd: list[str], marker: str | None, env: dict[str, str]) -> float:
    """Seconds from spawn until ``marker`` appears on stderr (or until exit); then SIGTERM."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=env)
    assert proc.stderr is not None
    elapsed = None
    for line in proc.stderr:
        if marker is None or marker in line:
            elapsed = time.perf_counter() - start
            proc.terminate()
            break
    proc.communicate(timeout=60)
    if marker is None:
        elapsed = time.perf_counter() - start
    if proc.returncode != 0 or elapsed is None:
        raise SystemExit(f"{cmd} failed (exit {proc.returncode})")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    builds = {"venv": VENV_APP, "bundle": BUNDLE_APP}
    for name, path in builds.items():
        if not path.exists():
            print(f"missing {name}: {path} (make deps / make bundle)", file=sys.stderr)
            return 1
    cases = {"--version": (["--version"], None),
             "time to window": (["--verbose"], "window: shown")}
    results: dict[str, dict[str, list[float]]] = {c: {b: [] for b in builds} for c in cases}
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": home,
               "XDG_CONFIG_HOME": f"{home}/c", "XDG_DATA_HOME": f"{home}/d",
               "XDG_CACHE_HOME": f"{home}/k", "XDG_STATE_HOME": f"{home}/s"}
        for case, (extra, marker) in cases.items():
            for path in builds.values():  # one warm-up each (page cache)
                time_until([str(path), *extra], marker, env)
            for _ in range(args.runs):
                for name, path in builds.items():
                    results[case][name].append(time_until([str(path), *extra], marker, env))
    size = subprocess.run(["du", "-sh", str(BUNDLE_APP.parent)], capture_output=True,
                          text=True).stdout.split()[0]
    print(f"bundle size: {size} ({BUNDLE_APP.parent.relative_to(REPO)})")
    print(f"{'':16} {'venv median':>12} {'bundle median':>14}   (ms; min-max; {args.runs} runs)")
    for case, per_build in results.items():
        v, b = (sorted(x * 1000 for x in per_build[k]) for k in ("venv", "bundle"))
        print(f"{case:16} {statistics.median(v):12.0f} {statistics.median(b):14.0f}   "
              f"venv {v[0]:.0f}-{v[-1]:.0f}, bundle {b[0]:.0f}-{b[-1]:.0f}")
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "startup.json").write_text(json.dumps({"size": size, "runs": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
