"""The gate that keeps the app from obeying its own voice (no Qt).

The voice knows when each clip it plays is heard (start and end, on the session's clock),
what it says and what kind of cue it is. A detection whose words overlap a clip being
heard (with a margin for the room's echo and the microphone's own delay) is the app's own
voice, and is dropped, with one exception measured on the app's own sessions
: a *count* ("One.", "Five.") is short and is only ever taken for the commands in
:data:`COUNT_HEARD_AS`; any other command said over a count goes through, so "where am I",
"repeat" and "next" work on the beat, and "pause", "go on" and "stop" between the beats
and in a still pause.

The gate errs only towards not obeying: a clip it was not told about cannot be excused.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from knee_desktop.runtime.spotter import ASIDE, LOUD_DB, Detection

BEFORE = 0.10  # a detection may be stamped this much early (alignment, pocketsphinx frames)
AFTER = 0.40  # the room's echo and the input's delay after a clip ends
KEEP = 30.0  # windows that ended this long before a detection are forgotten
COUNT_KINDS = ("rep", "count")
# What the app's counts were taken for (every count of both routines at 170, 200 and 230
# words a minute, alone and after another count) at thresholds 10^10 times more lenient
# than the live ones: "four", "five" as "pause", "nine" as "go on", "seven" as "stop".
# Never admitted over a count.
COUNT_HEARD_AS = frozenset({"pause", "resume", "stop"})
# A command is said on its own: the input just before and just after it must be within
# this many dB of the noise floor, unless what sounded there was the app's own voice.
# Words picked out of running speech (a radio, a visitor) fail it (bench/listen.py).
ASIDE_DB = LOUD_DB
# ...and within this many dB of the words themselves: another word is about as loud as the
# command, the tail of the command's own last sound (its "s", "t") is much softer.
WORDS_DB = 15.0


@dataclass(frozen=True)
class Window:
    start: float
    end: float
    text: str
    kind: str

    def excuses(self, command: str) -> bool:
        """Could this clip have been taken for ``command``?"""
        return self.kind not in COUNT_KINDS or command in COUNT_HEARD_AS


@dataclass
class Gate:
    windows: list[Window] = field(default_factory=list)  # sorted by start
    dropped: int = 0  # the app's own voice
    amid_speech: int = 0  # not said on its own

    def heard(self, text: str, kind: str, start: float, end: float) -> None:
        """The voice placed ``text`` (a cue of ``kind``) to be heard from ``start`` to
        ``end``."""
        bisect.insort(self.windows, Window(start, end, text, kind), key=lambda w: w.start)

    def blocking(self, detection: Detection, start: float, end: float) -> Window | None:
        """The clip of the app's own voice that explains this detection (heard from
        ``start`` to ``end`` on the session's clock), or None: it is the user's."""
        for w in self.windows:
            if w.start - BEFORE > end:
                break
            if w.end + AFTER < start:
                continue
            if w.excuses(detection.command):
                return w
        return None

    def app_sounds(self, t0: float, t1: float) -> bool:
        """Is the app's own voice (or its echo) heard somewhere from ``t0`` to ``t1``?"""
        return any(w.start - BEFORE <= t1 and w.end + AFTER >= t0 for w in self.windows)

    def isolated(self, d: Detection, start: float, end: float) -> bool:
        """Said on its own: quiet (or only the app) just before and just after."""
        def quiet(aside: float) -> bool:
            return aside <= ASIDE_DB or aside < d.level - WORDS_DB

        return ((quiet(d.before) or self.app_sounds(start - ASIDE[1], start - ASIDE[0]))
                and (quiet(d.after) or self.app_sounds(end + ASIDE[0], end + ASIDE[1])))

    def admit(self, detection: Detection, start: float, end: float) -> bool:
        return self.why_not(detection, start, end) is None

    def why_not(self, detection: Detection, start: float, end: float) -> str | None:
        """None: a command the user said; else why it is not taken (for the log)."""
        while self.windows and self.windows[0].end < start - KEEP:
            self.windows.pop(0)  # long heard: no detection can overlap it any more
        own = self.blocking(detection, start, end)
        if own is not None:
            self.dropped += 1
            return f"the app's own voice ({own.text!r})"
        if not self.isolated(detection, start, end):
            self.amid_speech += 1
            return (f"not said on its own (before {detection.before:+.0f} dB, after "
                    f"{detection.after:+.0f} dB, the words {detection.level:+.0f} dB)")
        return None
