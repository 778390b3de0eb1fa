"""One voice at a time, heard (issue 24): I, R, Esc, Space and N pressed at the worst
moments of two tiny routines (the wiper's counts and still pause, the thigh's presses and
holds), the real window and voice playing into a private PulseAudio null sink whose monitor
is recorded; every sound placed is then matched against its own clip in the recording.

The child (the real :class:`MainWindow`, keys through ``QTest``) logs each clip handed to
the output (text, when it is heard, its samples) and each cut of the output (when, and the
first frame it could still change). From that the analysis knows what should sound when;
in the recording it checks, for each sound, that the recording there *is that clip*
(normalised correlation at the best lag within a few ms: a clip alone scores ~1, a clip
mixed with another scores far lower), that no two sounds overlap, that nothing sounds that
was not placed, and which counts were heard whole.

    python -m bench.one_voice [wiper|thigh ...]     # prints what was heard when (ms)
    KNEE_APP=/path/to/other/checkout python -m bench.one_voice   # that checkout's app

Works against older versions of the app too (it only wraps ``AudioOutput.schedule``,
``cancel`` and ``cut`` when present), which is how the issue's "before" was measured.
"""

from __future__ import annotations

import array
import itertools
import json
import math
import operator
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RATE = 22050
LOUD = 300  # -40 dBFS, the clips' trim level
FADE = 0.015
ALONE = 0.9  # a piece of a clip heard alone correlates ~1.0 with it in the recording

# The two tiny routines (bench/labs/routines.py's routine_text): (id, title, summary,
# instructions, [defaults], [[steps]]).
ROUTINES: dict[str, tuple[str, ...]] = {
    "wiper": ("tiny-wiper", "Tiny wiper", "The wiper's kinds of step, short.", "Count.", """
reps = 3
pause_seconds = 3
sweep_seconds = 1.2
circle_seconds = 1.2
lead_in_seconds = 0
""", """
[[steps]]
type = "move"
title = "Wipe to the left"
movement = "sweep-left"
say = "Wipe to the left, {reps} times."

[[steps]]
type = "still"
title = "Still pause"
say = "Pause. Be still for {seconds}."
end_say = "And move again."

[[steps]]
type = "move"
title = "Circles"
movement = "circle-clockwise"
reps = 2
say = "Circles, {reps} times."
"""),
    "thigh": ("tiny-thigh", "Tiny thigh", "The thigh's kinds of step, short.", "Press.", """
reps = 3
lead_in_seconds = 0
""", """
[[steps]]
type = "press"
title = "Press tender spots"
say = "Find a tender spot."
press_say = "Press {n}. Hold."
release_say = "Release. Find another tender spot."
hold_seconds = 2.5
find_seconds = 1.5

[[steps]]
type = "rest"
title = "Rest and feel"
seconds = 2
say = "Rest, and feel your leg."
end_say = "Good."
"""),
}
# When to press what: (cue kind, its nth time handed out, when, key). "handed": at once,
# when it is handed to the output (placed, not yet heard: a beat about to sound); a number:
# that many seconds after it starts being heard (on the beat at 0, mid-phrase later);
# "end+X": X seconds after it has been heard (a still pause's silence).
PRESSES: dict[str, list[tuple[str, int, str | float, str]]] = {
    "wiper": [("rep", 2, "handed", "I"),  # "Where am I?" on a beat
              ("rep", 4, 0.0, "Space"),  # pause on a beat (the 4th handed out: "Three.")…
              ("rep", 4, 2.0, "Space"),  # …and go on
              ("still", 1, 0.15, "Escape"),  # mid-phrase (cut: more than 0.7 s to go)
              ("still", 2, "end+0.8", "R"),  # in the still pause
              ("rep", 5, 0.15, "N")],  # mid-count, second movement: skip to the end
    "thigh": [("press", 1, 0.3, "I"),  # mid-phrase
              ("press", 2, "end+1.0", "R"),  # in the hold (after the phrase cut and said again)
              ("release", 2, 0.0, "Space"),  # on the beat of a release…
              ("release", 2, 1.5, "Space"),  # …and go on
              ("press", 3, "end+0.8", "Escape"),  # in the third press's hold
              ("rest", 1, 0.4, "N")],  # mid-phrase: the last step
}


# ---- the child: the real window, keys, and a log of what reached the output ------------
class OutputLog:
    """Wraps a voice's output: every clip placed (text, heard at, its samples) and every
    cut (when, the first frame still free, how much of a sounding clip is kept)."""

    def __init__(self, voice: Any) -> None:
        self.log: dict[str, Any] = {"placed": [], "cuts": [], "keys": [], "cues": [],
                                    "clips": {}}
        self.clips: dict[int, str] = {}  # id of a clip's samples -> its text
        self.voice, self.out = voice, voice.output
        self._schedule, self._cancel = self.out.schedule, self.out.cancel
        self._cut = getattr(self.out, "cut", None)  # not in versions before issue 24
        self._clip = voice._clip
        voice._clip = self.named_clip
        self.out.schedule = self.schedule
        self.out.cancel = self.cancel
        if self._cut is not None:
            self.out.cut = self.cut

    def first_free(self) -> float:
        out = self.out
        base = out.base() or 0.0
        return base + (out._written + len(out._pending) // 2) / RATE + out.pipeline

    def named_clip(self, text: str, kind: str) -> Any:
        clip = self._clip(text, kind)
        self.clips[id(clip.samples)] = text
        self.log["clips"][text] = clip.samples.tobytes().hex()
        return clip

    def schedule(self, clip: Any, heard_at: float | None = None) -> Any:
        placed = self._schedule(clip, heard_at)
        if placed is not None and clip.samples:
            self.log["placed"].append({"text": self.clips.get(id(clip.samples), "?"),
                                       "heard": placed.heard, "n": len(clip.samples),
                                       "at": time.monotonic()})
        return placed

    def cancel(self) -> None:
        if self.out.is_open:
            self.log["cuts"].append({"t": time.monotonic(), "free": self.first_free(),
                                     "keep": 0.0, "fade": False})
        self._cancel()

    def cut(self, keep: float) -> float | None:
        self.log["cuts"].append({"t": time.monotonic(), "free": self.first_free(),
                                 "keep": keep, "fade": True})
        assert self._cut is not None
        return self._cut(keep)  # type: ignore[no-any-return]


def press_at(when: str | float, start: float, length: float) -> float:
    """The clock time of a press (see PRESSES) for a cue heard from ``start``."""
    if when == "handed":
        return time.monotonic()
    if isinstance(when, str):
        return start + length + float(when[4:])
    return start + when


class Awake:
    """The screen saver is not what is measured here (its notice takes 3.5 s to say)."""

    def inhibit(self) -> bool:
        return True

    def release(self) -> None:
        pass


def child(routine_file: str, which: str, out: str) -> int:
    import logging

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from knee_desktop.prefs import user_settings as us
    from knee_desktop.prefs.launch import LaunchOptions
    from knee_desktop.routine.loader import load_catalog
    from knee_desktop.session.engine import State
    from knee_desktop.ui.app.launch import make_app, voice_factory_for
    from knee_desktop.ui.session.main_window import MainWindow

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("knee_desktop.runtime.audio_output").setLevel(logging.INFO)
    app = make_app()
    settings = us.UserSettings(rate=280)
    window = MainWindow(load_catalog(), voice_factory_for(LaunchOptions(), settings),
                        settings=settings.to_plan_settings(),
                        inhibitor=Awake())  # type: ignore[arg-type]
    window.show()
    window.choose_routine(routine_file)
    driver = window.driver
    output = OutputLog(window.voice)
    log = output.log
    seen: dict[str, int] = {}

    def press(key: str) -> None:
        log["keys"].append({"key": key, "t": time.monotonic()})
        # where a keyboard's key goes: the session keys follow the focus (ui/session/keys.py)
        target = QApplication.focusWidget() or QApplication.activeWindow() or window
        QTest.keyClick(target, getattr(Qt.Key, f"Key_{key}"))

    def on_played(cue: Any, _handed: float, heard: float | None) -> None:
        event = cue.event
        log["cues"].append({"index": cue.index, "kind": event.kind, "text": event.text,
                            "rep": event.rep, "step": event.step, "heard": heard})
        seen[event.kind] = seen.get(event.kind, 0) + 1
        for kind, nth, when, key in PRESSES[which]:
            if kind == event.kind and nth == seen[kind]:
                at = press_at(when, heard if heard is not None else cue.due,
                              window.voice.duration(event.text or "") or 0.0)
                QTimer.singleShot(max(0, round((at - time.monotonic()) * 1000)),
                                  lambda key=key: press(key))

    driver.played.connect(on_played)

    def done() -> None:
        if driver.state in (State.FINISHED, State.STOPPED) and \
                time.monotonic() > driver.heard_until + 0.8:
            Path(out).write_text(json.dumps(log))
            window.close()
            app.quit()

    ticker = QTimer()
    ticker.timeout.connect(done)
    ticker.start(50)
    QTimer.singleShot(90_000, app.quit)
    QTimer.singleShot(0, lambda: window.start_session())
    app.exec()
    return 0 if Path(out).exists() else 1


# ---- the analysis -------------------------------------------------------------------
@dataclass
class Sound:
    text: str
    start: float  # clock time its first sample is heard
    samples: array.array[int]  # as heard (cut short, faded)
    whole: bool
    scores: list[float] = field(default_factory=list)  # each piece against the recording
    lags_ms: tuple[float, float] = (0.0, 0.0)  # of its first and last piece

    @property
    def score(self) -> float:
        """The worse of two pieces in a row, at its worst: a sound mixed with another for
        more than a piece scores low; one piece garbled by a stream that skipped (a loaded
        machine) is not a second voice."""
        pairs = [max(a, b) for a, b in itertools.pairwise(self.scores)]
        return min(pairs) if pairs else (self.scores[0] if self.scores else 0.0)

    @property
    def alone(self) -> bool:
        return bool(self.scores) and self.score >= ALONE


@dataclass
class Heard:
    sounds: list[Sound]
    overlaps: list[tuple[str, str, float]] = field(default_factory=list)  # a, b, ms
    stray_ms: float = 0.0  # loud sound where nothing was placed
    keys: list[dict[str, Any]] = field(default_factory=list)
    cues: list[dict[str, Any]] = field(default_factory=list)
    output: str = ""  # the app's own words on its output (underruns, slips followed)


def sounds_from(log: dict[str, Any]) -> list[Sound]:
    """What should be heard, from what was placed and how the output was cut after."""
    out = []
    for p in log["placed"]:
        samples = array.array("h", bytes.fromhex(log["clips"].get(p["text"], "")))
        n, start = len(samples), p["heard"]
        end = start + n / RATE
        whole = True
        for cut in log["cuts"]:
            if cut["t"] < p["at"]:
                continue  # a cut before this was placed
            free = cut["free"]
            if start >= free - 0.5 / RATE:
                n = 0  # dropped before it began
            elif end > free + cut["keep"]:
                keep = max(0, round((free - start) * RATE))
                tail = round(FADE * RATE) if cut["fade"] else 0
                n = min(n, keep + tail)
                if cut["fade"]:
                    samples = array.array("h", samples[:keep]) + array.array(
                        "h", (round(v * (1 - i / tail)) for i, v in
                              enumerate(samples[keep:keep + tail])))
            else:
                continue
            whole = False
            break
        if n > 0:
            out.append(Sound(p["text"], start, samples[:n], whole))
    return sorted(out, key=lambda s: s.start)


def ncc(a: array.array[int], b: array.array[int]) -> float:
    dot = sum(map(operator.mul, a, b))
    na = math.sqrt(sum(map(operator.mul, a, a)))
    nb = math.sqrt(sum(map(operator.mul, b, b)))
    return dot / (na * nb) if na and nb else 0.0


PIECE = 2048  # ~93 ms: a sound is matched piece by piece, each at its own lag


def best_lag(rec: array.array[int], piece: array.array[int], at: int, lo: int, hi: int,
             near: int = 0) -> tuple[float, int]:
    """The best correlation of ``piece`` with ``rec`` starting at ``at + d``, lo <= d <= hi
    (every third lag, then refined around the best)."""
    n = len(piece)

    def score(d: int) -> float:
        i = at + d
        return ncc(piece, rec[i:i + n]) if i >= 0 and i + n <= len(rec) else -1.0

    _best, lag = max((score(d), d) for d in range(lo, hi + 1, 3))
    return max((score(d), d) for d in range(lag - 2, lag + 3))


def onset_lag(recording: Any, sound: Sound, within: float = 0.3) -> int | None:
    """Where the sound seems to start in the recording, against where it was placed (in
    samples): the first loud sample near it against the clip's own. A stream that slipped
    (a loaded machine) moves a sound later than it was placed, by up to a few hundred ms."""
    own = next((i for i, v in enumerate(sound.samples) if abs(v) >= LOUD), None)
    if own is None:
        return None
    at = recording.index_of(sound.start) + own
    rec = recording.samples
    lo, hi = max(0, at - round(within * RATE)), min(len(rec), at + round(within * RATE))
    # the last quiet stretch before the expected onset, then the first loud sample after it
    start = max((i for i in range(lo, min(at, hi)) if abs(rec[i]) >= LOUD), default=lo)
    found = next((i for i in range(start, hi) if abs(rec[i]) >= LOUD), None)
    return None if found is None else found - at


def match(recording: Any, sound: Sound) -> tuple[list[float], tuple[float, float]]:
    """Each piece's correlation with the recording where it should be heard (the first
    within 6 ms of its placed time or of where its onset seems to be, each next within
    2 ms of the one before, or else 40 ms before to 80 ms after it: a stream that skipped
    delays the rest, a recorder that lost samples brings it forward), and
    the first and last piece's lag in ms. A clip heard alone scores ~1 in every piece;
    where another sound is mixed in, far less."""
    rec, samples = recording.samples, sound.samples
    at = recording.index_of(sound.start)
    span = round(0.006 * RATE)
    scores: list[float] = []
    lag, first = 0, 0.0
    for k in range(0, len(samples), PIECE):
        piece = samples[k:k + PIECE]
        if len(piece) < 256 or max(map(abs, piece)) < LOUD:
            continue  # too short or too quiet to judge
        if not scores:
            guesses = {0, onset_lag(recording, sound) or 0}
            score, found = max(best_lag(rec, piece, at + k, g - span, g + span, g)
                               for g in guesses)
        else:  # where the last piece was; if not there, the stream or the recorder slipped
            score, found = best_lag(rec, piece, at + k, lag - 44, lag + 44, lag)
            if score < ALONE:
                score, found = max((score, found),
                                   best_lag(rec, piece, at + k, lag - 882, lag + 1764, lag))
        if score < -0.5:
            continue  # the recording ends before this piece could be heard
        lag = found
        if not scores:
            first = lag / RATE * 1000
        scores.append(score)
    return scores, (first, lag / RATE * 1000)


def analyse(recording: Any, log: dict[str, Any]) -> Heard:
    sounds = sounds_from(log)
    for s in sounds:
        s.scores, s.lags_ms = match(recording, s)
    overlaps = []
    for a, b in itertools.pairwise(sounds):
        end = a.start + len(a.samples) / RATE
        if b.start < end - 0.001:
            overlaps.append((a.text, b.text, (end - b.start) * 1000))
    # stray sound: loud samples more than 20 ms from every placed sound
    spans = [(s.start + s.lags_ms[0] / 1000 - 0.02,
              s.start + len(s.samples) / RATE + s.lags_ms[1] / 1000 + 0.02) for s in sounds]
    first = min((s.start for s in sounds), default=0.0)
    last = max((a for _, a in spans), default=0.0)
    stray = 0
    step = 22  # ~1 ms
    lo, hi = recording.index_of(first - 0.5), recording.index_of(last + 0.5)
    for i in range(max(0, lo), min(hi, len(recording.samples)), step):
        if abs(recording.samples[i]) >= LOUD:
            t = recording.time_of(i)
            if not any(a <= t <= b for a, b in spans):
                stray += 1
    return Heard(sounds, overlaps, stray * step / RATE * 1000, log["keys"], log["cues"])


def counts_heard(heard: Heard) -> dict[int, list[int]]:
    """Per step: the repetitions whose count was heard whole and alone, in the order heard."""
    by_start = {round(c["heard"], 4): c for c in heard.cues
                if c["kind"] in ("rep", "press") and c["heard"] is not None}
    out: dict[int, list[int]] = {}
    for s in heard.sounds:
        cue = by_start.get(round(s.start, 4))
        if cue is not None and s.whole and s.alone:
            out.setdefault(cue["step"], []).append(cue["rep"])
    return out


def report(which: str, heard: Heard) -> list[str]:
    """What was heard when (ms from the first sound), with each key press."""
    t0 = min((s.start for s in heard.sounds), default=0.0)
    rows = [(s.start, f"{(s.start - t0) * 1000:8.0f} ms  {'' if s.whole else '(cut) '}"
             f"{s.text!r} until {(s.start + len(s.samples) / RATE - t0) * 1000:.0f}"
             f"  [match {s.score:.3f} at {s.lags_ms[0]:+.1f} ms]"
             + ("" if s.alone else f" pieces {[round(x, 2) for x in s.scores]}"))
            for s in heard.sounds]
    rows += [(k["t"], f"{(k['t'] - t0) * 1000:8.0f} ms  KEY {k['key']}") for k in heard.keys]
    lines = [f"== {which}"] + [r for _, r in sorted(rows)]
    lines += [f"   overlap: {a!r} under {b!r} for {ms:.0f} ms" for a, b, ms in heard.overlaps]
    lines.append(f"   stray sound: {heard.stray_ms:.0f} ms; counts heard whole and alone: "
                 f"{counts_heard(heard)}; the output: {heard.output or '?'}")
    return lines


def routine_file(which: str) -> str:
    """The routine file's text of one of :data:`ROUTINES` ("wiper" or "thigh")."""
    from bench.labs.routines import routine_text  # here: the child may be another checkout's

    rid, title, summary, instructions, defaults, steps = ROUTINES[which]
    return routine_text(rid, title, summary, defaults, steps, instructions=instructions,
                        closing="Done. Well done.")


def run(which: str, pulse: Any, folder: Path) -> Heard:
    from bench.labs.pulse import MonitorRecorder

    routine = folder / f"{which}.toml"
    routine.write_text(routine_file(which), encoding="utf-8")
    out = folder / f"{which}.json"
    env = {**pulse.env(), "QT_QPA_PLATFORM": "offscreen",
           "QT_LOGGING_RULES": "qt.multimedia.symbolsresolver=false"}
    other = os.environ.get("KNEE_APP")  # another checkout's app (the "before" of a change)
    if other:
        env["PYTHONPATH"] = other
        command = [sys.executable, __file__]
    else:
        command = [sys.executable, "-m", "bench.one_voice"]
    rec = MonitorRecorder(pulse).start()
    try:
        proc = subprocess.run([*command, "--child", str(routine), which, str(out)], env=env,
                              cwd=other or REPO, capture_output=True, text=True, timeout=180,
                              check=False)
    finally:
        recording = rec.stop()
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"the child failed: {proc.stdout[-2000:]}{proc.stderr[-3000:]}")
    heard = analyse(recording, json.loads(out.read_text()))
    heard.output = "; ".join(line.split("audio output ")[-1] for line in
                             (proc.stdout + proc.stderr).splitlines() if "underruns" in line)
    return heard


def main(names: list[str]) -> int:
    from bench.labs.pulse import private_pulse

    with private_pulse() as pulse, tempfile.TemporaryDirectory() as tmp:
        for which in names or list(ROUTINES):
            print("\n".join(report(which, run(which, pulse, Path(tmp)))), flush=True)
    return 0


if __name__ == "__main__":
    if "--child" in sys.argv:
        i = sys.argv.index("--child")
        sys.exit(child(*sys.argv[i + 1:i + 4]))
    sys.exit(main(sys.argv[1:]))
