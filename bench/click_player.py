"""The app's real output (:class:`knee_desktop.runtime.audio_output.AudioOutput`) playing
a click train: click ``k`` asked to be heard at ``start + k * period``.

Run by :mod:`bench.recorder_check` in the private server's environment. Prints one JSON
line per click (due, predicted heard, frame on the stream) and one per second with the
output's timing model (base), so a late click can be told from a moved base.

    python -m bench.click_player --clicks 100 --period 0.2
"""

from __future__ import annotations

import argparse
import json
import math
import sys

CLICK_SECONDS = 0.004
CLICK_LEVEL = 12000


def click_samples(rate: int, level: int = CLICK_LEVEL, seconds: float = CLICK_SECONDS,
                  freq: float = 1000.0) -> list[int]:
    """A short sine burst that starts at full level (its first sample is the onset)."""
    n = round(seconds * rate)
    return [round(level * math.cos(2 * math.pi * freq * i / rate)) for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clicks", type=int, default=100)
    ap.add_argument("--period", type=float, default=0.2)
    opts = ap.parse_args(argv)

    import array

    from PySide6.QtCore import QCoreApplication, QTimer

    from knee_desktop.runtime.audio_output import AudioOutput
    from knee_desktop.speech.clip import RATE, Clip

    app = QCoreApplication([])
    out = AudioOutput()
    out.open()
    clip = Clip(array.array("h", click_samples(RATE)))
    start = out.clock.now() + out.lookahead + 0.5
    state = {"next": 0, "last_base": 0.0}
    print(json.dumps({"open": True, "pipeline": out.pipeline, "source": out.pipeline_source,
                      "lookahead": out.lookahead}), flush=True)

    def tick() -> None:
        now = out.clock.now()
        while state["next"] < opts.clicks:
            k = int(state["next"])
            due = start + k * opts.period
            if due - now > out.lookahead:
                break
            placed = out.schedule(clip, due)
            print(json.dumps({"k": k, "due": due, "heard": placed and placed.heard,
                              "frame": placed and placed.frame, "late": placed and placed.late,
                              "base": out.base()}), flush=True)
            state["next"] = k + 1
        if now - state["last_base"] >= 1.0:
            state["last_base"] = now
            print(json.dumps({"t": now, "base": out.base()}), flush=True)
        if state["next"] >= opts.clicks and now > start + opts.clicks * opts.period + 0.5:
            app.quit()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(20)
    app.exec()
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
