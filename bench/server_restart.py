"""The sound server restarted mid-session, measured: how long from the server being back to
"The sound is back." being heard, how far from their beat the cues after it are heard, and
how many cues due in the gap were heard late (must be 0). Same scenario as
``tests/test_server_restart.py`` (the real app, a private server, its monitor recorded).

    .venv/bin/python -m bench.server_restart [--server pulseaudio|pipewire|both] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from bench.labs.pipewire import PrivatePipeWire
from bench.labs.pulse import PrivatePulse
from bench.labs.restart import restart_mid_session


def measure(kind: str, runs: int) -> None:
    back, first, late, gaps, stray = [], [], [], [], 0
    for _ in range(runs):
        server = (PrivatePulse if kind == "pulseaudio" else PrivatePipeWire)(("test",))
        server.start()
        try:
            with tempfile.TemporaryDirectory() as folder:
                got = restart_mid_session(server, Path(folder))
        finally:
            server.stop()
        if got.back_to_heard is None:
            print(f"{kind}: 'The sound is back.' not heard:\n{got.log[-800:]}")
            continue
        back.append(got.back_to_heard)
        first.append(got.late[0] * 1000)
        late += [x * 1000 for x in got.late]
        gaps.append(got.gap)
        stray += len(got.stray)
    if not back:
        return
    print(f"{kind} ({len(back)} runs, load {os.getloadavg()[0]:.1f}): server back -> "
          f"'The sound is back.' heard median {statistics.median(back):.2f} s "
          f"({min(back):.2f}-{max(back):.2f}); first cue after it heard - due median "
          f"{statistics.median(first):+.1f} ms; all {len(late)} cues after it median "
          f"{statistics.median(late):+.1f} ms, max |{max(abs(x) for x in late):.1f}| ms; "
          f"cues due in the gap {gaps}, heard late: {stray}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("pulseaudio", "pipewire", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for kind in ("pulseaudio", "pipewire") if args.server == "both" else (args.server,):
        measure(kind, args.runs)


if __name__ == "__main__":
    main()
