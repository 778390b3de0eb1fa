"""The fakes of the tests, in one place: voices that log what they are asked to play, the
driver's recorder, an audio sink stepped by a fake clock, a screen-saver inhibitor. Each
stands in for a real part only where the real one cannot be observed or stepped by hand."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from knee_desktop.history.feel import KneeFeel
from knee_desktop.plan.events import EventKind
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import Timeline
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime import audio_output as player
from knee_desktop.runtime.driver import SessionDriver
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.runtime.voice_base import Voice
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import Session, State
from knee_desktop.speech.clip import RATE
from knee_desktop.speech.render import Progress

LATENCY = 0.2
SECONDS = 1.0  # every phrase of the fake voice lasts this long


@dataclass
class FakeVoice(Voice):
    """Logs what it is asked to do with the clock time; each phrase lasts one second."""

    timers: FakeTimers
    log: list[tuple[str, str, float | None, float]] = field(default_factory=list)
    prepared: list[str] = field(default_factory=list)
    is_open: bool = False
    # what is heard: [text, start, end], cut as a sample-placing output cuts (one_voice)
    heard: list[list] = field(default_factory=list)  # type: ignore[type-arg]

    def __post_init__(self) -> None:
        super().__init__()

    @property
    def latency(self) -> float:
        return LATENCY

    def prepare(self, phrases: Sequence[str], progress: Progress | None = None) -> None:
        self.prepared = list(phrases)
        self.open_output()

    def play(self, text: str, kind: EventKind = "say") -> None:
        self.play_at(text, kind, None)

    def play_at(self, text: str, kind: EventKind, heard_at: float | None) -> float | None:
        assert self.is_open, f"{text!r} played with the output closed: not heard"
        now = self.timers.clock.now()
        self.log.append(("play", text, heard_at, now))
        start = heard_at if heard_at is not None else now + LATENCY
        if text:
            self.heard.append([text, start, start + SECONDS])
        return start

    def cut(self, keep: float) -> float | None:
        """As the real output: not yet sounding is dropped, a sound ending within ``keep``
        finishes, a longer one stops at the first moment a new sound could be heard."""
        self.log.append(("cancel", "", None, self.timers.clock.now()))
        edge = self.timers.clock.now() + LATENCY
        self.heard = [h for h in self.heard if h[1] < edge]
        for h in self.heard:
            if h[2] > edge + keep:
                h[2] = max(h[1], edge)
        return max([edge] + [h[2] for h in self.heard])

    def say(self, text: str) -> None:
        self.play_at(text, "say", None)

    def say_at(self, text: str, heard_at: float) -> float | None:
        return self.play_at(text, "say", heard_at)

    def duration(self, text: str) -> float | None:
        return SECONDS

    def open_output(self) -> None:
        if not self.is_open:
            self.is_open = True
            self.log.append(("open", "", None, self.timers.clock.now()))

    def stop_sound(self) -> None:
        self.log.append(("cancel", "", None, self.timers.clock.now()))

    def close(self) -> None:
        if self.is_open:
            self.is_open = False
            self.log.append(("close", "", None, self.timers.clock.now()))

    def texts(self) -> list[str]:
        return [text for what, text, *_ in self.log if what == "play"]

    def events(self) -> list[str]:
        return [what if what != "play" else text for what, text, *_ in self.log]


class FakeRecorder:
    def __init__(self, session: Session, feel: KneeFeel) -> None:
        self.session, self.feel_before = session, feel
        self.after: list[KneeFeel | None] = []
        self.detached = False

    def keep_after(self, feel: KneeFeel | None) -> None:
        self.after.append(feel)

    def detach(self) -> None:
        self.detached = True


@dataclass
class Played:
    text: str
    kind: EventKind
    heard_at: float | None
    handed: float


@dataclass
class CueLogVoice(Voice):
    """Logs each cue handed to it (what, for when, at what clock time)."""

    LATENCY = 0.215

    clock: FakeClock = field(default_factory=FakeClock)
    played: list[Played] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    @property
    def latency(self) -> float:
        return self.LATENCY

    def prepare(self, phrases, progress=None) -> None:  # type: ignore[no-untyped-def]
        pass

    def play(self, text: str, kind: EventKind = "say") -> None:
        self.play_at(text, kind, None)

    def play_at(self, text: str, kind: EventKind, heard_at: float | None) -> float | None:
        self.played.append(Played(text, kind, heard_at, self.clock.now()))
        return heard_at


class RecordingVoice(Voice):
    """Remembers every cue played and every confirmation said, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, str]] = []
        self.prepared: list[str] = []
        self.closed = False

    def prepare(self, phrases: Sequence[str], progress: Progress | None = None) -> None:
        self.prepared = list(phrases)

    def play(self, text: str, kind: EventKind = "say") -> None:
        self.log.append(("play", text))

    def say(self, text: str) -> None:
        self.log.append(("say", text))

    def close(self) -> None:
        self.closed = True

    @property
    def said(self) -> list[str]:
        return [text for how, text in self.log if how == "say"]

    @property
    def played(self) -> list[str]:
        return [text for how, text in self.log if how == "play"]


class FakeInhibitor:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.active = False

    agrees = True  # what the screen saver answers

    def inhibit(self, answered: Callable[[bool], None] | None = None) -> None:
        self.calls.append("inhibit")
        self.active = self.agrees
        if answered is not None:
            answered(self.agrees)

    def release(self) -> None:
        if self.active:
            self.calls.append("release")
        self.active = False


class FakeSink:
    """Takes ``RATE`` frames a second from a buffer of ``size`` bytes, in bursts."""

    def __init__(self, clock: FakeClock, size: int) -> None:
        self.clock = clock
        self.size = size
        self.queued = 0
        self.data = bytearray()  # everything the "server" took, in order
        self.taken_at = clock.now()

    def bufferSize(self) -> int:
        return self.size

    def bytesFree(self) -> int:
        return self.size - self.queued

    def error(self) -> object:
        return player.QtAudio.Error.NoError

    def take(self, frames: int) -> None:
        self.queued -= min(self.queued, 2 * frames)


class FakeIO:
    def __init__(self, sink: FakeSink) -> None:
        self.sink = sink

    def write(self, data: bytes) -> int:
        n = min(len(data), self.sink.bytesFree())
        self.sink.queued += n
        self.sink.data += data[:n]
        return n


def run_for(o: player.AudioOutput, sink: FakeSink, clock: FakeClock, seconds: float,
            burst: int = 441) -> None:
    """Feed every 10 ms; the sink takes ``burst`` frames whenever a burst is due."""
    played = 0.0
    for _ in range(round(seconds / 0.01)):
        clock.advance(0.01)
        played += 0.01 * RATE
        while played >= burst:
            sink.take(burst)
            played -= burst
        o._feed()


class ServerProbe:
    """The server as the watch sees it: None (away), False (back, Qt not connected yet),
    True (Qt's engine connected)."""

    def __init__(self) -> None:
        self.answer: bool | None = None
        self.asked = 0

    def __call__(self) -> bool | None:
        self.asked += 1
        return self.answer


class ReopenableSink(FakeSink):
    def reset(self) -> None:
        self.queued = 0

    def deleteLater(self) -> None:
        self.deleted = True


class OutputOnFakeSink(player.AudioOutput):
    """A real AudioOutput whose stream is a fake sink (one per open), on a fake clock."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock=clock)
        self.sinks: list[ReopenableSink] = []

    def open(self) -> None:
        sink = ReopenableSink(self.clock, 2 * round(0.12 * RATE))  # type: ignore[arg-type]
        self.sinks.append(sink)
        self._sink, self._io = sink, FakeIO(sink)  # type: ignore[assignment]
        self._written, self._pending = 0, b""
        self.timing.restart()


def walk_to(timers: FakeTimers, session: Session, t: float) -> None:
    """Step the fake clock until the session has begun and holds nothing, then to the
    moment it is at ``t`` seconds of its timeline."""
    timers.advance_until(lambda: session.state is not State.READY and not session.held)
    timers.advance(max(0.0, session.time_of(t) - timers.clock.now()))


@dataclass
class DriverRig:
    """A session driver on a :class:`FakeVoice` and fake timers, with the windshield wiper
    planned short (:func:`plan_short_wiper`); test files add what they watch."""

    timers: FakeTimers
    voice: FakeVoice
    driver: SessionDriver
    timeline: Timeline

    def walk_to(self, t: float) -> None:
        session = self.driver.session
        assert session is not None
        walk_to(self.timers, session, t)


def plan_short_wiper(driver: SessionDriver, voice: FakeVoice) -> Timeline:
    """The windshield wiper, 3 reps on the left leg, 2 s lead-in, 10 s still pauses; the
    voice's log cleared (plan() left the output open, as right before a session)."""
    timeline, _ = driver.plan(load_catalog().get("windshield-wiper"),
                              PlanSettings(reps=3, leg="left", lead_in_seconds=2,
                                           pause_seconds=10))
    voice.log.clear()
    return timeline
