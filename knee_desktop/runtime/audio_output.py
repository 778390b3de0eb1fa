"""Play clips through QtMultimedia on one always-running output stream, sample-exact.

One :class:`QAudioSink` (push mode, 22050 Hz mono 16-bit) is opened before the session and
fed from the GUI thread every few milliseconds, silence when nothing plays. Because the
stream never stops, frame ``f`` of it is heard at ``base + f / RATE + pipeline``:

- ``base`` is measured all the time from the frames Qt has handed to the sound server
  (written minus what is still in Qt's buffer) and when: the lower envelope of
  ``now - consumed / RATE``, which follows the device's own clock rate and the server
  skipping part of the stream (:mod:`knee_desktop.runtime.stream_timing`).
- ``pipeline`` is the time from the server taking data to it being heard: the server's
  stream buffer and the output. Qt does not report it; it is read from the server when the
  stream opens (:mod:`knee_desktop.runtime.output_latency`: PulseAudio's figures for our
  stream; pipewire-pulse reports none, so the buffer and graph latency our stream asked
  for). ``KNEE_DESKTOP_OUTPUT_LATENCY_MS`` overrides it; the log says what was measured
  and what is used. Nothing is recorded: that would show a "recording" indicator and add
  audible ticks before the first prompt.
- On PipeWire, Qt 6.11 still plays through pipewire-pulse: its native PipeWire audio is
  opt-in (``QT_AUDIO_BACKEND=pipewire``) and needs libpipewire 0.3.75 or later.

If the server goes away, Qt's stream just stops taking sound (no error): once the timing
sees the stall, that is said once (:attr:`lost`), and nothing is placed until a new stream
plays on the timeline (:attr:`back`) or :attr:`failed` says why not (``server_watch``). If
the default output changes, the stream is reopened on it (:attr:`moved`).

A clip asked to be heard at time ``t`` is mixed in starting at the frame heard at ``t``. The
session hands cues out :attr:`AudioOutput.lookahead` early (more than Qt's buffer plus the
pipeline), so that frame has not been written yet and timer jitter does not matter. The
frame is chosen when that part of the stream is rendered, with the timing known then: a
slip seen between hand-over and rendering moves the cue with it instead of making it late.
"""

from __future__ import annotations

import array
import logging
from dataclasses import dataclass

from PySide6.QtCore import (
    QEventLoop,
    QIODevice,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSink, QMediaDevices, QtAudio

from knee_desktop.runtime import output_latency
from knee_desktop.runtime.audio_unavailable import AudioUnavailable as AudioUnavailable
from knee_desktop.runtime.pulse_introspect import server_hangs
from knee_desktop.runtime.qt_workarounds import named_timer
from knee_desktop.runtime.server_watch import OutputRecovery
from knee_desktop.runtime.stream_timing import ENVELOPE_SECONDS, StreamTiming
from knee_desktop.session.clock import Clock, MonotonicClock
from knee_desktop.speech.clip import RATE, Clip, mix_into

log = logging.getLogger(__name__)

BUFFER_SECONDS = 0.12  # Qt's buffer: how long the GUI thread may stall without a gap
FEED_MS = 10
MARGIN_SECONDS = 0.06  # how late a cue's timer may fire and still be placed exactly
READY_TIMEOUT = 5.0
FADE_SECONDS = 0.015  # a clip cut short fades out this fast: no click


def faded(samples: array.array[int], at: int) -> array.array[int]:
    """``samples`` up to index ``at``, then a straight fade to silence over FADE_SECONDS."""
    n = round(FADE_SECONDS * RATE)
    head = samples[:max(0, at)]
    tail = samples[max(0, at):max(0, at) + n]
    head.extend(round(v * (1 - i / n)) for i, v in enumerate(tail))
    return head


def audio_outputs() -> list[QAudioDevice]:
    return list(QMediaDevices.audioOutputs())


@dataclass(frozen=True)
class Scheduled:
    """Where a clip went: its first frame on the stream and when that is heard."""

    frame: int
    heard: float
    late: float  # seconds later than asked (0 when placed exactly)


class AudioOutput(QObject):
    """One running output stream with a mixer; clips are placed at sample positions."""

    failed = Signal(str)
    # The default output changed and the stream followed it: the words for the user.
    moved = Signal(str)
    lost = Signal(str)  # the server went away, or is still away: waiting for it
    back = Signal(str)  # it came back: a new stream plays on the timeline again

    def __init__(self, device: QAudioDevice | None = None, clock: Clock | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock or MonotonicClock()
        self.device = device
        self.pipeline, self.pipeline_source = output_latency.choose(None, "not opened yet")
        self._holding = False  # a moved stream settling: nothing is placed
        self._opened_on = QAudioDevice()
        self._sink: QAudioSink | None = None
        self._io: QIODevice | None = None
        self._written = 0  # frames written to Qt since open
        self._pending = b""  # bytes Qt did not take yet
        self._active: list[tuple[int, array.array[int]]] = []  # (start frame, samples)
        self._due: list[tuple[float, array.array[int]]] = []  # (heard at, samples): unplaced
        self.timing = StreamTiming()
        self._underruns = 0
        self._feeder = named_timer("audio-feeder", self)
        self._feeder.setTimerType(Qt.TimerType.PreciseTimer)
        self._feeder.setInterval(FEED_MS)
        self._feeder.timeout.connect(self._feed)
        self._failed = False
        self._devices: QMediaDevices | None = None
        self.recovery = OutputRecovery(self, parent=self)  # after the server went away

    # ---- opening -------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._sink is not None

    @property
    def lookahead(self) -> float:
        """How early a cue must be handed over to be placed exactly on its beat."""
        return BUFFER_SECONDS + self.pipeline + MARGIN_SECONDS

    def probe(self) -> None:
        """Raise :class:`AudioUnavailable` now if there is no output at all (cheap: the
        stream itself is opened later, right before the session)."""
        if self.device is None and server_hangs():  # before Qt waits ~30 s for it
            raise AudioUnavailable(
                "The sound server (PulseAudio or PipeWire) does not answer, so you would not "
                "hear the cues. Restart it (or log out and in again).")
        if self.device is None and not audio_outputs():
            raise AudioUnavailable(
                "No audio output was found (no sound server or sound card is "
                "available), so you would not hear the cues.")

    def open(self) -> None:
        """Open the default output and start the stream; wait until it really runs.

        Raises :class:`AudioUnavailable` with a message for the user."""
        if self._sink is not None:
            return
        self.probe()
        self.recovery.check_can_open()
        device = self.device or QMediaDevices.defaultAudioOutput()
        fmt = QAudioFormat()
        fmt.setSampleRate(RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if not device.isFormatSupported(fmt):
            raise AudioUnavailable(f"The audio output {device.description()!r} cannot play "
                                   f"{RATE} Hz mono sound.")
        sink = QAudioSink(device, fmt, self)
        sink.setBufferSize(2 * round(BUFFER_SECONDS * RATE))
        io = sink.start()
        if io is None or sink.error() != QtAudio.Error.NoError:
            error = sink.error()
            sink.deleteLater()
            raise AudioUnavailable(f"The audio output {device.description()!r} could not be "
                                   f"opened ({error.name}).")
        self._sink, self._io = sink, io
        self._opened_on = device
        # A new stream (after a move): its frames and timing start afresh, and it settles
        # before its timing is trusted; nothing measured on the old one carries over.
        self._written, self._pending = 0, b""
        self.timing.restart()
        self._feed()
        self._feeder.start()
        if not self._wait_running(READY_TIMEOUT):
            self.close()
            raise AudioUnavailable(f"The audio output {device.description()!r} does not play "
                                   f"(nothing was taken from it within {READY_TIMEOUT:g} s).")
        self.pipeline, self.pipeline_source = output_latency.choose(*output_latency.measure())
        log.info("audio output %r open: %d Hz, Qt buffer %.0f ms, output latency %.1f ms "
                 "(%s)", device.description(), RATE, BUFFER_SECONDS * 1000,
                 self.pipeline * 1000, self.pipeline_source)
        if self.device is None and self._devices is None:
            self._devices = QMediaDevices(self)
            self._devices.audioOutputsChanged.connect(self._on_outputs_changed)

    def _wait_running(self, timeout: float) -> bool:
        """Run the event loop until the stream's timing is measured in its steady state."""
        loop = QEventLoop()
        started = self.clock.now()

        def check() -> None:
            if self._failed or self.clock.now() - started > timeout or self.settled:
                loop.quit()

        poll = named_timer("audio-ready-poll")
        poll.timeout.connect(check)
        poll.start(10)
        loop.exec()
        poll.stop()
        return self.settled and not self._failed

    @property
    def settled(self) -> bool:
        """The timing has been measured for a while since the stream (re)started."""
        return self.timing.settled

    def close(self) -> None:
        self.recovery.stop()
        self._feeder.stop()
        if self._sink is not None:
            if not self._failed:  # a dead server's stream must not be touched (Qt aborts)
                self._sink.reset()  # drop what is queued: stop() would push it out first
            self._sink.deleteLater()
            log.info("audio output closed (%d underruns, %d slips followed)", self._underruns,
                     self.timing.slips)
        self._sink = None
        self._io = None
        self.cancel()
        self.timing.restart()
        if self._devices is not None:
            self._devices.audioOutputsChanged.disconnect(self._on_outputs_changed)
            self._devices.deleteLater()
            self._devices = None

    # ---- the output changing under us --------------------------------------------------
    def _on_outputs_changed(self) -> None:
        """The default output changed (headphones plugged in, the user chose another):
        follow it, as a player that asked for "the default" should, and say so."""
        if self._sink is None or self._failed:
            return
        new = QMediaDevices.defaultAudioOutput()
        old = self._opened_on
        if new.isNull() or new.id() == old.id():
            return
        log.info("the default output changed from %r to %r: moving the stream",
                 old.description(), new.description())
        self.close()  # what was playing is cut: its frames mean nothing on a new stream
        try:
            self.open()
        except AudioUnavailable as exc:
            self._fail(f"The sound output changed to {new.description()!r}, which does not "
                       f"play: {exc}")
            return
        # A new pipewire-pulse stream takes more than usual for a second or two: timing
        # measured then would place cues up to 70 ms late. Let it flush out of the
        # envelope.
        self._holding = True
        loop = QEventLoop()
        hold = named_timer("audio-move-hold")
        hold.setSingleShot(True)
        hold.timeout.connect(loop.quit)
        hold.start(round(ENVELOPE_SECONDS * 1000))
        loop.exec()
        self._holding = False
        self.moved.emit(f"The sound now plays on {new.description()!r}.")

    # ---- the timing model ------------------------------------------------------------
    def base(self) -> float | None:
        """Clock time at which frame 0 was taken by the server (see ``stream_timing``)."""
        return self.timing.base()

    def schedule(self, clip: Clip, heard_at: float | None = None) -> Scheduled | None:
        """Mix ``clip`` in so that it starts being heard at ``heard_at`` (None: as soon as
        possible). Returns where it went, or None if the output is not running."""
        base = self.base()
        if self._sink is None or base is None or self._holding or self._failed:
            return None
        first_free = self._written + len(self._pending) // 2
        if heard_at is None:
            frame = first_free
        else:
            frame = max(first_free, round((heard_at - self.pipeline - base) * RATE))
        heard = base + frame / RATE + self.pipeline
        if clip.samples:
            if heard_at is None or frame == first_free:
                self._active.append((frame, clip.samples))
            else:  # its frame is chosen when rendered (see :meth:`_render`)
                self._due.append((heard_at, clip.samples))
        late = 0.0 if heard_at is None or heard - heard_at < 1 / RATE else heard - heard_at
        return Scheduled(frame, heard, late)

    def cut(self, keep: float) -> float | None:
        """Make room for another voice: clips not yet started are dropped; a clip already
        sounding finishes if it ends within ``keep`` seconds of the first frame not yet
        written, otherwise it fades out there (no click). Returns the clock time at which
        the stream is quiet, or None if it is not running (then everything is dropped)."""
        base = self.base()
        if self._sink is None or base is None:
            self.cancel()
            return None
        first_free = self._written + len(self._pending) // 2
        self._due.clear()
        quiet = first_free
        kept: list[tuple[int, array.array[int]]] = []
        for at, samples in self._active:
            if at >= first_free:
                continue
            if at + len(samples) > first_free + round(keep * RATE):
                samples = faded(samples, first_free - at)
            kept.append((at, samples))
            quiet = max(quiet, at + len(samples))
        self._active = kept
        return base + quiet / RATE + self.pipeline

    def cancel(self) -> None:
        """Silence everything playing or scheduled (e.g. on stop)."""
        self._active.clear()
        self._due.clear()

    @property
    def underruns(self) -> int:
        return self._underruns

    # ---- feeding ---------------------------------------------------------------------
    def _feed(self) -> None:
        sink, io = self._sink, self._io
        if sink is None or io is None:
            return
        self._check(sink)
        if self._failed:
            return
        free = sink.bytesFree()
        size = sink.bufferSize()
        if self._written and free >= size and not self._pending:
            # Qt's buffer ran dry: the stream slipped, the old timing no longer holds.
            self._underruns += 1
            self.timing.ran_dry()
        data = self._pending
        frames = (free - len(data)) // 2
        if frames > 0:
            data += self._render(self._written + len(data) // 2, frames)
        if data:
            taken = io.write(data)
            if taken < 0:
                self._fail("The audio output stopped accepting sound.")
                return
            taken -= taken % 2
            self._written += taken // 2
            self._pending = data[taken:]
        now = self.clock.now()
        consumed = self._written - (size - sink.bytesFree()) // 2
        if self.timing.look(now, consumed):
            self.recovery.stalled(now)
            return
        self.recovery.moving(now)
        self.recovery.steadied(now)

    def _render(self, start: int, frames: int) -> bytes:
        self._place_due(start, start + frames)
        out = array.array("h", bytes(2 * frames))
        keep = []
        for at, samples in self._active:
            if at < start + frames:
                mix_into(out, samples, at - start)
            if at + len(samples) > start + frames:
                keep.append((at, samples))
        self._active = keep
        return out.tobytes()

    def _place_due(self, start: int, end: int) -> None:
        """Give each clip due to start before frame ``end`` its frame, on the timing as
        known now; ``start`` is the first frame not written yet."""
        base = self.base()
        if not self._due or base is None:
            return
        keep = []
        for heard_at, samples in self._due:
            frame = round((heard_at - self.pipeline - base) * RATE)
            if frame < end:
                self._active.append((max(start, frame), samples))
            else:
                keep.append((heard_at, samples))
        self._due = keep

    def _check(self, sink: QAudioSink) -> None:
        # Polled from the feeder: see runtime/qt_workarounds.py (QAudioSink.stateChanged).
        error = sink.error()
        if error in (QtAudio.Error.OpenError, QtAudio.Error.IOError, QtAudio.Error.FatalError):
            self._fail(f"The audio output failed ({error.name}): the cues can no longer be "
                       "heard.")

    def _fail(self, message: str) -> None:
        if not self._failed:
            self._failed = True
            self.failed.emit(message)

