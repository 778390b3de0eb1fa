"""How fast prompts are heard: "Where am I?" from pre-rendered pieces, against rendering
the same answer when asked.

A private PulseAudio null sink is recorded (``parec``) while a child process runs a real
session with the real voice through the session driver. Seven times, the child pauses, waits
until all is quiet, asks "Where am I?" and notes the time; the onset of sound after each ask
in the recording gives key-to-heard. The child also times the call itself, and, for the
"render when asked" alternative, how long rendering one fresh answer takes. Prints medians.

    python -m bench.prompts
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ASKS = 7


def child() -> int:
    from PySide6.QtCore import QCoreApplication, QTimer

    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.routine.loader import load_catalog
    from knee_desktop.runtime.driver import SessionDriver
    from knee_desktop.runtime.voice import choose_voice
    from knee_desktop.session.engine import State
    from knee_desktop.speech.render import SpeechCache

    app = QCoreApplication([])
    driver = SessionDriver(choose_voice().voice)
    timeline, _ = driver.plan(load_catalog().get("windshield-wiper"), PlanSettings(reps=10))
    asks: list[tuple[float, float, str]] = []  # (asked at, call seconds, answer)
    steps = ["run", "pause", "ask"] * ASKS

    def quiet() -> bool:
        return time.monotonic() > driver.heard_until + 0.8

    def poll() -> None:
        if not steps and quiet():
            driver.close()
            app.quit()
            return
        if not steps:
            return
        step = steps[0]
        if step == "run" and driver.state is State.PAUSED and quiet():
            driver.toggle_pause()
        elif step == "run" and driver.state is State.RUNNING:
            pass
        elif step == "pause" and driver.position() > 8 * (len(asks) + 1):
            driver.toggle_pause()
        elif step == "ask" and driver.state is State.PAUSED and quiet():
            start = time.monotonic()
            answer = driver.where_am_i()
            asks.append((start, time.monotonic() - start, answer))
        else:
            return
        steps.pop(0)

    ticker = QTimer()
    ticker.setObjectName("bench-poll")
    ticker.timeout.connect(poll)
    ticker.start(20)
    driver.start(timeline)
    app.exec()
    ticker.stop()
    renders = []
    for i, (_, _, answer) in enumerate(asks):  # the same answers, rendered when asked
        cache = SpeechCache()
        token = f"{time.time_ns() % 10**6}"  # never in the cache: rendered now
        fresh = [f"{piece.rstrip('.')}, {token} {i}." for piece in answer.split(". ")]
        start = time.perf_counter()
        cache.prepare(fresh)
        renders.append(time.perf_counter() - start)
    print(json.dumps({"asks": asks, "renders": renders}), flush=True)
    return 0


def main() -> int:
    from bench.labs.pulse import MonitorRecorder, private_pulse

    with private_pulse() as pulse:
        rec = MonitorRecorder(pulse).start()
        try:
            env = {**pulse.env(), "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
            proc = subprocess.run([sys.executable, "-m", "bench.prompts", "--child"], env=env,
                                  cwd=REPO, capture_output=True, text=True, timeout=600)
        finally:
            recording = rec.stop()
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return 1
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    heard = []
    for asked, _, _ in data["asks"]:
        lo = max(0, recording.index_of(asked))
        hi = min(len(recording.samples), recording.index_of(asked + 3))
        onset = recording.first_loud(lo, hi, 300)
        if onset is not None:
            heard.append(onset - asked)
    calls = [c for _, c, _ in data["asks"]]
    if not heard:
        print(f"nothing heard; asks at {[a for a, _, _ in data['asks']]}, recording "
              f"{recording.time_of(0):.1f}-{recording.time_of(len(recording.samples)):.1f}")

    def ms(xs: list[float]) -> str:
        return f"median {statistics.median(xs) * 1000:.0f} ms (min {min(xs) * 1000:.0f}, " \
               f"max {max(xs) * 1000:.0f}, n={len(xs)})"

    print(f"Where am I? e.g. {data['asks'][0][2]!r}")
    print(f"  call (pieces placed on the output): {ms(calls)}")
    print(f"  key to first sound heard:          {ms(heard)}")
    print(f"  rendering the answer when asked:   {ms(data['renders'])}")
    return 0 if len(heard) == len(calls) else 1


if __name__ == "__main__":
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.symbolsresolver=false")
    sys.exit(child() if "--child" in sys.argv else main())
