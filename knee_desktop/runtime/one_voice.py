"""One voice at a time: every sound the driver hands to the voice goes through a
:class:`Floor`, which knows when each will be heard and makes room before the next.

The rule (docs/voice.md, "One voice at a time"): before anything is said that the person
asked for (a control's words, "Where am I?", a repeat, a question, a note), the floor is
cleared: what is placed but not yet sounding is dropped; a clip already sounding finishes
if it ends within :data:`KEEP_SECONDS`, else it fades out at once. The new words start
after that, never under another sound. The driver holds a running session's clock while
they are heard, and the cues that were dropped or cut short are handed out again after.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject

from knee_desktop.plan.timeline import EventKind
from knee_desktop.runtime.scheduler import CueScheduler
from knee_desktop.runtime.timers import Timers
from knee_desktop.runtime.voice_base import Voice
from knee_desktop.session.clock import Clock
from knee_desktop.session.engine import Cue, State

KEEP_SECONDS = 0.7  # a clip sounding that ends within this finishes (a count always does)
GAP_SECONDS = 0.15  # between two utterances of one answer, and after a clip that finished
BREATH_SECONDS = 1.0  # after an answer, before the held session's next sound
UNKNOWN_SAY_SECONDS = 1.5  # how long an unrendered phrase is taken to last
HEARD_SLACK = 0.002  # a clip ending this close to the quiet time was heard whole
COUNTS = ("rep", "count")  # cues that are a number; everything else spoken is an instruction


@dataclass(frozen=True)
class Placed:
    """A sound given to the voice: heard from ``start`` to ``end`` (clock times)."""

    text: str
    start: float
    end: float
    cue: Cue | None = None  # a session cue, or None for a prompt


class Heard:
    """A session's spoken cues as the person hears them: what R repeats, the count
    "Where am I?" gives."""

    def __init__(self) -> None:
        self.cues: list[Cue] = []
        self.rep = 0  # counts heard in the current step

    def add(self, cue: Cue) -> None:
        if cue.event.text:
            self.cues.append(cue)
        if cue.event.kind in ("rep", "press") and cue.event.rep:
            self.rep = cue.event.rep

    def forget(self, unheard: int, step: int) -> None:
        """Cues from ``unheard`` on were cut for an answer: not heard, not counted."""
        self.cues = [c for c in self.cues if c.index < unheard]
        self.rep = next((c.event.rep or 0 for c in reversed(self.cues)
                         if c.event.kind in ("rep", "press") and c.event.step == step), 0)

    def last(self, cut: Sequence[Cue] = ()) -> list[Cue]:
        """What R says: the last instruction heard (or ``cut`` short), then the last count
        if one came after it."""
        cues = sorted([*self.cues, *cut], key=lambda c: c.index)
        instruction = next((c for c in reversed(cues) if c.event.kind not in COUNTS), None)
        count = next((c for c in reversed(cues) if c.event.kind in COUNTS), None)
        out = sorted((c for c in (instruction, count) if c is not None), key=lambda c: c.index)
        return out[-1:] if out and out[-1].event.kind not in COUNTS else out


class Floor:
    """Who is speaking, and until when."""

    def __init__(self, voice: Voice, clock: Clock) -> None:
        self.voice = voice
        self.clock = clock
        self.placed: list[Placed] = []  # what may still be sounding or to come
        self.heard_until = 0.0  # clock time by which everything placed is heard

    def length(self, text: str) -> float:
        known = self.voice.duration(text) if text else 0.0
        return known if known is not None else UNKNOWN_SAY_SECONDS

    def busy(self) -> bool:
        return self.heard_until > self.clock.now()

    def _keep(self, placed: Placed) -> None:
        now = self.clock.now()
        self.placed = [p for p in self.placed if p.end > now - 1.0]
        self.placed.append(placed)
        if self.voice.audible and placed.text:
            self.heard_until = max(self.heard_until, placed.end)

    def place_cue(self, cue: Cue) -> float | None:
        """A session cue on its beat; returns when it is heard, if the voice knows."""
        event = cue.event
        text = event.text or ""
        heard = self.voice.play_at(text, event.kind, cue.due)
        start = heard if heard is not None else cue.due
        self._keep(Placed(text, start, start + (self.length(text) if text else 0.0), cue))
        return heard

    def place(self, phrases: Sequence[tuple[str, EventKind]], untimed: bool = False
              ) -> tuple[float, float]:
        """Phrases back to back, after whatever is still heard: (first heard, last ends).
        ``untimed``: prompts, not cues (``Voice.say_at``)."""
        now = self.clock.now()
        at = now + self.voice.latency
        if self.busy():
            at = max(at, self.heard_until + GAP_SECONDS)
        first, end = at, at
        for text, kind in phrases:
            heard = (self.voice.say_at(text, at) if untimed
                     else self.voice.play_at(text, kind, at))
            start = heard if heard is not None else at
            end = start + self.length(text)
            if not self.voice.audible:  # shown only: nothing to wait for
                end = start
            self._keep(Placed(text, start, end))
            at = end + GAP_SECONDS
        return first, end

    def clear(self) -> list[Placed]:
        """Make room for new words. Returns what will not be heard whole (dropped, or
        cut short), so that the session can hand its cues out again."""
        now = self.clock.now()
        if not any(p.end > now for p in self.placed):
            return []  # nothing sounding or to come
        edge = now + self.voice.latency  # the earliest a new sound is heard
        quiet = self.voice.cut(KEEP_SECONDS)
        if quiet is None:  # the voice cannot tell: what a sample-placing output does
            quiet = edge
            for p in self.placed:
                if p.start < edge and p.end <= edge + KEEP_SECONDS:
                    quiet = max(quiet, p.end)
        lost = [p for p in self.placed if p.end > quiet + HEARD_SLACK]
        self.placed = [p for p in self.placed if p not in lost]
        sounding = [p for p in self.placed if p.end > now] + [p for p in lost if p.start < quiet]
        if self.voice.audible:
            self.heard_until = quiet if sounding else now
        return lost

    def drop_all(self) -> None:
        """Everything stops at once (closing)."""
        self.voice.stop_sound()
        self.placed.clear()
        self.heard_until = self.clock.now()


class Speaker:
    """Says things one at a time, holding a running session while they are heard.

    ``scheduler`` is the running session's (set by the driver); ``forget(index)`` is told
    the first cue that will not be heard whole, so what was heard is known.
    """

    def __init__(self, voice: Voice, timers: Timers, forget: Callable[[int], None],
                 parent: QObject | None = None) -> None:
        self.voice = voice
        self.floor = Floor(voice, timers.clock)
        self.clock = timers.clock
        self.forget = forget
        self.scheduler: CueScheduler | None = None
        self.questions = 0  # open questions (the close dialog): the session stays held
        self.restart: tuple[float, int] | None = None  # R: go on from just after this
        self._going_on = timers.timer("hold-release", self._go_on, parent)

    @property
    def held(self) -> bool:
        return self.scheduler is not None and self.scheduler.session.held

    def make_room(self) -> int | None:
        """Clear the floor; returns the first cue that will not be heard whole."""
        return self._clear()[0]

    def _clear(self) -> tuple[int | None, list[Cue]]:
        """The first cue not heard whole, and the cues cut short mid-word."""
        edge = self.clock.now() + self.voice.latency
        lost = self.floor.clear()
        unheard = min((p.cue.index for p in lost if p.cue is not None), default=None)
        if unheard is not None:
            self.forget(unheard)
        return unheard, [p.cue for p in lost if p.cue is not None and p.start < edge]

    def hold(self) -> list[Cue]:
        """Make room; a running session stands still until the words are heard. Returns
        the cues cut short mid-word."""
        unheard, cut = self._clear()
        scheduler = self.scheduler
        if scheduler is not None and scheduler.session.state is State.RUNNING:
            self.restart = None
            scheduler.hold(unheard)
        return cut

    def place(self, phrases: Sequence[tuple[str, EventKind]], untimed: bool = False) -> None:
        self.floor.place(phrases, untimed)
        self.go_on_later()

    def go_on_later(self) -> None:
        """Release the held session once the words are heard, after a breath (none after
        an instruction said again: that *is* the instruction, heard)."""
        if self.held:
            self._going_on.start_at(max(self.clock.now(), self._go_on_at() - self.voice.latency))

    def _go_on_at(self) -> float:
        breath = 0.0 if self.restart is not None else BREATH_SECONDS
        return self.floor.heard_until + breath

    def _go_on(self) -> None:
        if self.questions or self.scheduler is None or not self.held:
            return
        if self._go_on_at() - self.voice.latency > self.clock.now() + 1e-6:
            self.go_on_later()  # more was said meanwhile
            return
        position, index = self.restart if self.restart is not None else (None, None)
        heard_at = self._go_on_at()
        self.restart = None
        self.scheduler.release(heard_at, position, index)

    def stop(self) -> None:
        self._going_on.stop()
        self.floor.drop_all()
