"""Watching for the sound server to come back after it went away mid-session.

Qt 6.11.3's PulseAudio backend (also the one it uses on pipewire-pulse) reconnects its one
connection to the server on its own 3 s after losing it (again 3 s later if the server
answers but the connection fails); if the server's socket is not there at that moment, it gives up
for the rest of the process, and opening a new stream then aborts the process (libpulse:
"Assertion 'c' failed ... pa_context_get_state"). Measured on both private servers: the
server back within ~3 s (as ``systemctl --user restart``) → Qt reconnects and a new
stream plays; back later → Qt never reconnects. (Not tried: a socket-activated server keeps
its socket, so Qt's retry should reach it however long it takes to start.)

So the output may only reopen once Qt's engine is connected again: the server is asked
(libpulse, no autospawn, off the GUI thread) whether this process has a connection other
than the asking one (:func:`pulse_introspect.sound_engine_connected`). The server back but
no Qt connection for QT_RETRY_SECONDS means Qt gave up: that is said, not risked.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from enum import Enum
from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance

from knee_desktop.runtime import pulse_introspect
from knee_desktop.runtime.audio_unavailable import AudioUnavailable
from knee_desktop.runtime.qt_workarounds import named_timer
from knee_desktop.session.clock import Clock

log = logging.getLogger(__name__)

LOOK_EVERY_SECONDS = 0.25
LONG_GONE_SECONDS = 10.0  # then the window shows it (a banner) and the terminal prints it
QT_RETRY_SECONDS = 3.5  # the server is back: Qt's engine reconnects within 3 s, or never

STEADY_SECONDS = 2.0  # a new stream before cues are placed on it, as after a move
# A stall with the server still there and Qt still connected to it: a machine too busy to
# play for a moment (seen: 0.5 s with two cores shared by a dozen busy programs). Said, and
# the stream opened again, only once it lasts this long.
HICCUP_SECONDS = 2.0
GONE_WORDS = ("The sound stopped: the sound server went away (it was stopped or "
              "restarted). The session goes on; waiting for the sound to come back.")
BACK_WORDS = "The sound is back."
# No promise: without a socket-activated server, Qt has given up reconnecting by then.
LONG_GONE_WORDS = ("There is still no sound: the sound server has not come back for "
                   f"{LONG_GONE_SECONDS:g} seconds. The session goes on without sound; if the "
                   "server starts again and the sound does not come back, restart "
                   "knee-desktop.")
STALLED_WORDS = ("The sound stopped: the audio output took no sound for "
                 f"{HICCUP_SECONDS:g} seconds, though the sound server is there. The session "
                 "goes on; opening the output again.")
CANNOT_RECONNECT_WORDS = ("The sound server is back, but knee-desktop could not reconnect "
                          "to it (it was away for too long). The session goes on without "
                          "sound; restart knee-desktop to hear the cues again.")

Probe = Callable[[], bool | None]  # None: no server; False: no Qt connection; True: ready


class Seen(Enum):
    NOTHING = "no server"
    SERVER = "the server, without Qt's connection"
    READY = "the server, with Qt's connection"


class ServerWatch(QObject):
    """Looks for the server every LOOK_EVERY_SECONDS once :meth:`start` is called.

    Emits :attr:`found` once Qt's engine is connected again, :attr:`long_gone` once after
    LONG_GONE_SECONDS without it, :attr:`gave_up` when the server is back but Qt will not
    reconnect. The look itself runs in a thread (a hung server makes libpulse wait up to
    its timeout); ``threaded=False`` runs it inline, for tests with a fake probe."""

    found = Signal()
    long_gone = Signal(str)
    gave_up = Signal(str)

    def __init__(self, clock: Clock, probe: Probe = pulse_introspect.sound_engine_connected,
                 threaded: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.probe = probe
        self.threaded = threaded
        self._since: float | None = None  # when the server went away
        self._server_since: float | None = None  # when it was first seen back
        self._told_long = False
        self._result: list[Seen] = []  # filled by the probe thread
        self._thread: threading.Thread | None = None
        self._timer = named_timer("audio-server-watch", self)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.setInterval(round(LOOK_EVERY_SECONDS * 1000))
        self._timer.timeout.connect(self.look)

    @property
    def watching(self) -> bool:
        return self._since is not None

    def start(self) -> None:
        self._since = self.clock.now()
        self._server_since = None
        self._told_long = False
        self._result.clear()
        self._timer.start()

    def stop(self) -> None:
        self._since = None
        self._timer.stop()

    def _ask(self) -> None:
        try:
            answer = self.probe()
        except Exception:  # a thread's exception would only be printed: count it as away
            log.exception("looking for the sound server failed")
            answer = None
        self._result.append(Seen.NOTHING if answer is None else
                            Seen.READY if answer else Seen.SERVER)

    def look(self) -> None:
        """One look (the timer's tick): act on the last answer, ask again."""
        if self._since is None:
            return
        now = self.clock.now()
        if self.threaded:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._ask, name="audio-server-watch",
                                                daemon=True)
                self._thread.start()
        else:
            self._ask()
        seen = self._result.pop() if self._result else None
        self._result.clear()
        if seen is Seen.READY:
            self.stop()
            self.found.emit()
            return
        if seen is Seen.SERVER:
            if self._server_since is None:
                self._server_since = now
            elif now - self._server_since >= QT_RETRY_SECONDS:
                self.stop()
                self.gave_up.emit(CANNOT_RECONNECT_WORDS)
                return
        elif seen is Seen.NOTHING:
            self._server_since = None
        if not self._told_long and now - self._since >= LONG_GONE_SECONDS:
            self._told_long = True
            self.long_gone.emit(LONG_GONE_WORDS)


class WatchedOutput(Protocol):
    """What :class:`OutputRecovery` uses of the audio output (``audio_output.AudioOutput``),
    named here so that the output and its recovery do not import each other."""

    clock: Clock
    lost: SignalInstance
    back: SignalInstance
    failed: SignalInstance
    _failed: bool  # the stream is dead: neither fed nor touched
    _holding: bool  # a new stream settling: nothing is placed

    @property
    def settled(self) -> bool: ...

    def open(self) -> None: ...

    def close(self) -> None: ...

    def cancel(self) -> None: ...


class OutputRecovery(QObject):
    """The audio output's side of the server going away and coming back.

    :meth:`lose` (the output saw its stream stall): the dead stream is no longer fed or
    touched, what was placed on it is dropped, :attr:`AudioOutput.lost` says so and the
    watch starts. Found again: the dead stream is deleted, a new one is opened (settled,
    latency measured again: :meth:`AudioOutput.open`) and steadies for STEADY_SECONDS
    while nothing is placed; then :attr:`AudioOutput.back`. Cues due meanwhile were
    refused when handed over, so none plays late."""

    def __init__(self, output: WatchedOutput, parent: QObject | None = None,
                 watch: ServerWatch | None = None) -> None:
        super().__init__(parent)
        self.output = output
        self.watch = watch or ServerWatch(output.clock, parent=self)
        self.watch.found.connect(self._reopen)
        self.watch.long_gone.connect(output.lost.emit)
        self.watch.gave_up.connect(self._give_up)
        self._steady_at: float | None = None
        self._stall: tuple[float, list[bool | None]] | None = None  # (since, the server's answer)
        self.given_up = False  # the server came back too late for Qt: said, for good
        self.ever_lost = False  # then every later open asks first (Qt may have given up)

    @property
    def waiting(self) -> bool:
        """Gone, or a new stream steadying: nothing is placed meanwhile."""
        return self.watch.watching or self._steady_at is not None

    def check_can_open(self) -> None:
        """Before any new stream in a process whose server went away (a later session
        too): Qt's engine must be connected again, else opening would abort the process.
        Raises AudioUnavailable saying why not."""
        if not self.ever_lost:
            return
        answer = self.watch.probe()
        if answer is None:
            raise AudioUnavailable("The sound server is not running (it went away during "
                                   "the session), so you would not hear the cues.")
        if not answer:
            raise AudioUnavailable("knee-desktop lost its connection to the sound server "
                                   "and could not reconnect: restart knee-desktop to hear "
                                   "the cues.")

    def stalled(self, now: float) -> None:
        """The stream took no sound for a while (``runtime/stream_timing.py``): the server
        went away, unless it is still there with Qt's connection. Then the machine was only
        too busy to play for a moment, and nothing is said unless it lasts HICCUP_SECONDS.
        The server is asked once, off the GUI thread (:class:`ServerWatch`'s probe)."""
        if self.output._failed:
            return
        if self._stall is None:
            self._stall = (now, [])
            log.info("no sound taken for a while: asking the sound server")
            self._ask(self._stall[1])
        since, answers = self._stall
        if answers and answers[-1] is not True:  # away, or back without Qt's connection
            self.lose()
        elif now - since >= HICCUP_SECONDS:
            self.lose(STALLED_WORDS if answers else GONE_WORDS)

    def moving(self, now: float) -> None:
        """The stream takes sound (again). After a stall, what was placed on it is dropped,
        as when the server went away: the stream now plays that much later than it was
        placed, so none of it would be heard on its beat (the timing follows the slip)."""
        if self._stall is not None:
            log.info("the stream moves again after %.2f s without sound; the server was "
                     "there all along (a busy machine): what was placed is dropped",
                     now - self._stall[0])
            self._stall = None
            self.output.cancel()

    def _ask(self, answers: list[bool | None]) -> None:
        def ask() -> None:
            try:
                answers.append(self.watch.probe())
            except Exception:  # a thread's exception would only be printed: away
                log.exception("asking the sound server failed")
                answers.append(None)

        if self.watch.threaded:
            threading.Thread(target=ask, name="audio-server-ask", daemon=True).start()
        else:
            ask()

    def lose(self, words: str = GONE_WORDS) -> None:
        out = self.output
        self._stall = None
        if out._failed:
            return
        out._failed = True
        self.ever_lost = True
        out.cancel()
        log.info("no sound taken: watching for the server to come back")
        self.watch.start()
        out.lost.emit(words)

    def _give_up(self, message: str) -> None:
        self.given_up = True
        self.output.failed.emit(message)

    def stop(self) -> None:
        """The output closes: stop watching and steadying."""
        self.watch.stop()
        self._stall = None
        if self._steady_at is not None:
            self._steady_at = None
            self.output._holding = False

    def _reopen(self) -> None:
        out = self.output
        out.close()  # deletes the dead stream, never resets it (Qt aborts on that)
        out._failed = False
        out._holding = True  # nothing placed while it opens and settles
        self._steady_at = math.inf  # (:meth:`stop` sets None: closed while opening)
        try:
            out.open()  # runs the event loop: the session may end and close the output
        except RuntimeError as exc:  # AudioUnavailable: not playing yet; look again
            log.info("the sound server is back but the output does not play yet: %s", exc)
            closed = self._steady_at is None
            out.close()
            if not closed:
                out._failed = True
                self.watch.start()
            return
        if self._steady_at is None:  # closed meanwhile: stay closed
            out.close()
            return
        self._steady_at = out.clock.now() + STEADY_SECONDS

    def steadied(self, now: float) -> None:
        """Called after each feed: once the new stream has steadied, it is back."""
        if self._steady_at is not None and now >= self._steady_at and self.output.settled:
            self._steady_at = None
            self.output._holding = False
            log.info("the sound is back: a new stream plays on the timeline")
            self.output.back.emit(BACK_WORDS)
