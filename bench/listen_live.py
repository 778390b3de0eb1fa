"""The live half of bench/listen.py: a private PulseAudio whose null sink's monitor is the
app's microphone; the app's real ``run``; commands said into the sink by flite.

- Cue timing and CPU: the same short session with listening off, then on (heard - due
  from the monitor recording, as bench/cue_timing.py finds it; CPU from /proc of the app,
  and of the listening worker and its parec).
- Latency: in a long still pause, "pause", "go on", "where am I", "repeat" in turn, 5 times
  each; from the end of the words in the recording to the first sound of the answer.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.cue_timing import QUICK, find_onsets, played_clips
from bench.labs.listen import speak
from bench.labs.pulse import MonitorRecorder, PrivatePulse, Recording
from bench.labs.routines import routine_text

REPO = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
STILL = routine_text("still", "Still", "One long still pause.", """
pause_seconds = 150
lead_in_seconds = 0
""", """
[[steps]]
type = "still"
title = "Still"
say = "Still."
end_say = "Move."
""", instructions="Lie still.")
LATENCY_WORDS = [("pause", "pause"), ("go on", "resume"), ("where am I", "where"),
                 ("repeat", "repeat")]


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                out.append(int(entry.name))
    return out


class CpuWatch:
    """The app's CPU and its children's (the worker, its parec), read every 0.5 s."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.app = 0.0
        self.listen: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        while not self.stop.wait(0.5):
            self.app = max(self.app, cpu_seconds(self.pid))
            for child in children(self.pid):
                for pid in [child, *children(child)]:
                    self.listen[pid] = max(self.listen.get(pid, 0.0), cpu_seconds(pid))


def app_env(pulse: PrivatePulse, work: Path) -> dict[str, str]:
    config = work / "config" / "knee-desktop"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text("listen_explained = true\n", encoding="utf-8")
    return {**pulse.env(), "PULSE_SOURCE": f"{pulse.sinks[0]}.monitor",
            "PYTHONPATH": str(REPO), "XDG_CONFIG_HOME": str(work / "config"),
            "QT_QPA_PLATFORM": "offscreen"}


def session(pulse: PrivatePulse, env: dict[str, str], args: list[str], log: Path
            ) -> tuple[Recording, float, float, float]:
    """One ``run``: the recording, its wall time, the app's CPU and listening's CPU."""
    rec = MonitorRecorder(pulse).start()
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "knee_desktop", "run", *args,
                             "--cue-log", str(log), "--quiet"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watch = CpuWatch(proc.pid)
    proc.wait()
    watch.stop.set()
    watch.thread.join()
    return rec.stop(), time.monotonic() - t0, watch.app, sum(watch.listen.values())


def cue_timing(pulse: PrivatePulse, env: dict[str, str], work: Path) -> None:
    print("\n== Cue timing and CPU: the same short session, listening off then on")
    cache = played_clips(QUICK)
    for listen in (False, True):
        log = work / f"cues-{listen}.jsonl"
        rec, wall, app_cpu, listen_cpu = session(
            pulse, env, ["windshield-wiper", *QUICK, *(["--listen"] if listen else [])], log)
        rows = [json.loads(x) for x in log.read_text().splitlines() if '"due"' in x]
        spoken = [r for r in rows if r["text"]]
        cache.prepare([r["text"] for r in spoken])
        cues = [(r["due"], r["text"], (cache.clip(r["text"]).first_sound(300) or 0) / 22050)
                for r in spoken]
        st = find_onsets(rec, cues, "app").stats()
        print(f"   listening {'on ' if listen else 'off'}: {st.get('cues', 0):.0f} cues, "
              f"heard - due median {st.get('median', 0):5.1f} ms, p95 jitter "
              f"{st.get('p95 jitter', 0):4.1f} ms, max {st.get('max', 0):5.1f} ms; "
              f"app CPU {100 * app_cpu / wall:4.1f} %"
              + (f", listening (worker + parec) {100 * listen_cpu / wall:4.1f} % of one core"
                 if listen else ""))


def latency(pulse: PrivatePulse, env: dict[str, str], work: Path) -> None:
    routine = work / "still.toml"
    routine.write_text(STILL, encoding="utf-8")
    rec = MonitorRecorder(pulse).start()
    log = work / "latency.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "knee_desktop", "run", str(routine),
                             "--listen", "--quiet", "--cue-log", str(log)], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pause = threading.Event()
    pause.wait(6.0)  # the session has begun, "Still." is said
    said: list[tuple[str, float, float]] = []  # command, sent at, seconds long
    clips = {w: speak(w, v) for (w, _), v in zip(LATENCY_WORDS, ("slt", "rms", "slt", "rms"),
                                                  strict=True)}
    for _ in range(5):
        for words, command in LATENCY_WORDS:
            pcm = clips[words]
            said.append((command, time.monotonic(), len(pcm) / 16000))
            subprocess.run(["pacat", "--playback", "--raw", "--rate=16000", "--format=s16le",
                            "--channels=1", "--latency-msec=30"],
                           input=bytes(type(pcm)("h", (int(v * 0.6) for v in pcm))),
                           env=env, check=True)
            pause.wait(6.0)  # the answer ("where am I": ~3 s) is over
    proc.terminate()
    proc.wait()
    recording = rec.stop()
    answered = [json.loads(x) for x in log.read_text().splitlines() if '"command"' in x]
    per: dict[str, list[float]] = {}
    missed: dict[str, int] = {}
    for command, sent, length in said:
        onset = recording.first_loud(recording.index_of(sent), recording.index_of(sent + 2))
        end = (onset or sent) + length  # the words' last sound, in the recording
        row = next((r for r in answered if r["command"] == command
                    and end - 0.5 < r["at"] < end + 3.0), None)
        answer = None if row is None else recording.first_loud(
            recording.index_of(row["at"]), recording.index_of(row["at"] + 1.5), 300)
        if onset is None or answer is None:
            missed[command] = missed.get(command, 0) + 1
        else:
            per.setdefault(command, []).append(1000 * (answer - end))
    print("\n== Command to confirmation (end of the words → first sound of the answer), "
          "5 trials each in a still pause")
    for command, values in per.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(f"   {command:8} median {statistics.median(values):5.0f} ms, p95 {p95:5.0f} ms"
              f"  ({len(values)} answered, {missed.get(command, 0)} not)")


def live() -> None:
    with tempfile.TemporaryDirectory(prefix="knee-listen-") as tmp:
        work = Path(tmp)
        pulse = PrivatePulse(("test",)).start()
        try:
            env = app_env(pulse, work)
            os.environ["XDG_CACHE_HOME"] = env.get("XDG_CACHE_HOME", os.environ.get(
                "XDG_CACHE_HOME", str(Path.home() / ".cache")))
            cue_timing(pulse, env, work)
            latency(pulse, env, work)
        finally:
            pulse.stop()
