"""`knee-desktop run ROUTINE`: a whole session by voice only, no window.

Qt's event loop drives the one cue scheduler (QCoreApplication: no display needed). Each cue
is printed as it is spoken; Ctrl+C stops the session cleanly (a periodic wake-up lets Python
run its signal handler while Qt waits). ``--cue-log FILE`` writes one JSON object a line per
cue: ``due`` (``time.monotonic()`` at which it should be heard), ``played`` (when it was
handed to the player), ``heard`` (when the player placed it to be heard), ``kind``, ``text``.

Observers of the session (printing, the cue log, the history recorder) are attached in one
place: :func:`attach_observers`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import time
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from knee_desktop.cli.options import add_session_options, saved_settings, settings_from_args
from knee_desktop.common.errors import KneeError
from knee_desktop.plan.timeline import Timeline
from knee_desktop.routine.loader import load_catalog
from knee_desktop.session.clock import MonotonicClock
from knee_desktop.session.engine import Cue, Session, State

if TYPE_CHECKING:
    from knee_desktop.history.recorder import HistoryRecorder

EXIT_NO_AUDIO = 3
TAIL_SECONDS = 0.5  # after the last cue is heard, before quitting


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("run", help="run a session by voice only, without a window",
                       description="Run a whole session by voice only, printing each cue as "
                       "it is spoken. Ctrl+C stops it.")
    p.add_argument("routine", help="a routine id (see `knee-desktop routines`) or a .toml file")
    add_session_options(p)
    p.add_argument("--silent", action="store_true",
                   help="no sound at all (the only way to run without an audio output)")
    p.add_argument("--cue-log", metavar="FILE", dest="cue_log",
                   help="write every cue as a JSON line (due, played, heard, kind, text)")
    p.add_argument("--quiet", action="store_true", help="do not print the cues")
    p.set_defaults(func=run)


class Progress:
    """Rendering progress on stderr: one updating line on a terminal, else two lines."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.shown = False
        self.tty = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if done >= total and not self.shown:
            return  # everything came from the cache: nothing worth a line
        if not self.shown:
            self.shown = True
            if not self.tty:
                self.stream.write(f"Preparing the voice: rendering {total - done} of {total} "
                                  "phrases...\n")
        if self.tty:
            end = "\n" if done >= total else ""
            self.stream.write(f"\rPreparing the voice: {done}/{total} phrases{end}")
        elif done >= total:
            self.stream.write("Preparing the voice: done.\n")
        self.stream.flush()


class CuePrinter:
    """Each cue as a line. Output that cannot be written (a full disk) is said once on stderr
    and printing stops; the session goes on, since the user is listening, not reading."""

    def __init__(self, session: Session, stream: IO[str]) -> None:
        self.session = session
        self.stream: IO[str] | None = stream

    def _line(self, line: str) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(line + "\n")
            self.stream.flush()
        except (OSError, KneeError) as exc:  # KneeError: main's guarded stdout
            self.stream = None
            if not isinstance(exc, BrokenPipeError):
                reason = exc.strerror if isinstance(exc, OSError) else str(exc).rstrip(".")
                print(f"knee-desktop: the cues are no longer printed: {reason}. The session "
                      "goes on.", file=sys.stderr)

    def cue(self, cue: Cue) -> None:
        t = cue.event.t
        text = cue.event.text or f"({cue.event.kind})"
        self._line(f"{int(t // 60):2d}:{t % 60:05.2f}  {text}")

    def dropped(self, cue: Cue) -> None:
        self._line(f"   (late, skipped: {cue.event.text or cue.event.kind})")

    def announce(self, text: str) -> None:
        self._line(f"        {text}")


class CueLog:
    """``--cue-log``: opened before the session (a bad path is a message, not a crash); a
    write that fails (a full disk, /dev/full) is said once and logging stops, the session
    goes on."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self.file: IO[str] | None = open(path, "w", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise KneeError(f"--cue-log {path}: cannot be written "
                            f"({exc.strerror or exc}).") from None

    def write(self, cue: Cue, played: float, heard: float | None, **extra: Any) -> None:
        if self.file is None:
            return
        row = {"due": round(cue.due, 6), "played": round(played, 6),
               "heard": None if heard is None else round(heard, 6),
               "kind": cue.event.kind, "text": cue.event.text, "t": round(cue.event.t, 3),
               **extra}
        try:
            self.file.write(json.dumps(row) + "\n")
            self.file.flush()
        except OSError as exc:
            print(f"knee-desktop: the cue log {self.path} could not be written "
                  f"({exc.strerror or exc}); cue logging stopped.", file=sys.stderr)
            self.close()

    def close(self) -> None:
        if self.file is not None:
            file, self.file = self.file, None
            with contextlib.suppress(OSError):
                file.close()


# Qt's multimedia start-up lines that say nothing to a user ("Couldn't load pipewire-0.3
# library" when PulseAudio is used, the FFmpeg version): kept off the terminal unless the
# user set their own rules.
QUIET_QT = "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg=false"


def run(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("QT_LOGGING_RULES", QUIET_QT)
    # Qt is imported here so that `plan` and `routines` stay light.
    from PySide6.QtCore import QCoreApplication, QTimer

    from knee_desktop.runtime.audio_output import AudioUnavailable
    from knee_desktop.runtime.scheduler import CueScheduler
    from knee_desktop.runtime.voice import choose_voice, voice_settings

    routine = load_catalog().get(args.routine)
    saved = saved_settings()
    settings = settings_from_args(args, saved.to_plan_settings())
    cue_log = CueLog(args.cue_log) if args.cue_log else None  # a bad path: said before we start
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])

    try:
        choice = choose_voice(silent=args.silent, settings=voice_settings(saved),
                              tones=saved.tones)
    except AudioUnavailable as exc:
        print(f"knee-desktop: {exc}", file=sys.stderr)
        return EXIT_NO_AUDIO
    voice = choice.voice
    for note in choice.notes:
        print(note, file=sys.stderr)
    try:
        timeline, notes = voice.plan(routine, settings, Progress(sys.stderr))
        for note in notes:
            print(note, file=sys.stderr)
    except KneeError:
        voice.close()
        raise
    except AudioUnavailable as exc:
        voice.close()
        print(f"knee-desktop: {exc}", file=sys.stderr)
        return EXIT_NO_AUDIO

    session = Session(timeline, MonotonicClock(), lookahead=voice.latency)
    scheduler = CueScheduler(session)
    runner = Runner(app, session, scheduler, voice, timeline)
    runner.log = cue_log
    attach_observers(session, scheduler, runner, args)

    wakeup = QTimer()  # lets Python notice Ctrl+C while Qt waits in C++
    wakeup.setObjectName("signal-wakeup")
    wakeup.timeout.connect(lambda: None)
    wakeup.start(100)
    previous = signal.signal(signal.SIGINT, runner.interrupt)
    s = timeline.settings
    print(f"{timeline.title}: {timeline.duration / 60:.1f} minutes, legs: {', '.join(s.legs)}."
          " Ctrl+C stops.", file=sys.stderr)
    try:
        scheduler.start()
        app.exec()
    finally:
        signal.signal(signal.SIGINT, previous)
        wakeup.stop()
        scheduler.stop()
        runner.close()
        voice.close()
    finish_history(runner, saved.knee_feel)
    return runner.exit_code


def finish_history(runner: Runner, ask_feel: bool) -> None:
    """After the session: ask how the knees feel (only at a terminal), then let go."""
    from knee_desktop.cli.feel import ask_feel_terminal

    recorder = runner.recorder
    if recorder is None:
        return
    if ask_feel and runner.session.state is State.FINISHED:
        recorder.keep_after(ask_feel_terminal("after"))  # None when stdin is not a terminal
    recorder.detach()


class Runner:
    """Plays the cues, and ends the event loop when the session is over."""

    def __init__(self, app: Any, session: Session, scheduler: Any, voice: Any,
                 timeline: Timeline) -> None:
        self.app = app
        self.session = session
        self.scheduler = scheduler
        self.voice = voice
        self.timeline = timeline
        self.exit_code = 0
        self.log: CueLog | None = None
        self.recorder: HistoryRecorder | None = None
        self.keep: list[object] = []
        self._interrupted = 0
        self._last_heard_end = 0.0

    # ---- what is heard -----------------------------------------------------------------
    def play(self, cue: Cue) -> None:
        event = cue.event
        speaks = getattr(self.voice, "speaks", True)
        played = time.monotonic()
        heard: float | None = None
        if event.text or not speaks:
            heard = self.voice.play_at(event.text or "", event.kind, cue.due)
            length = self.voice.duration(event.text or "") or 0.0
            self._last_heard_end = max(self._last_heard_end, (heard or cue.due) + length)
        if self.log:
            self.log.write(cue, played, heard)

    def say(self, text: str) -> None:
        self.voice.say(text)
        heard = time.monotonic() + self.voice.latency
        self._last_heard_end = max(self._last_heard_end, heard + (self.voice.duration(text)
                                                                 or 1.5))

    def on_state(self, state: State) -> None:
        if state in (State.PAUSED, State.STOPPED) and hasattr(self.voice, "stop_sound"):
            self.voice.stop_sound()
        if state in (State.FINISHED, State.STOPPED):
            if state is State.STOPPED:
                self.exit_code = 130 if self._interrupted else 1
            self._quit_after_sound()

    def problem(self, message: str) -> None:
        print(f"knee-desktop: {message}", file=sys.stderr)

    def history_problem(self, message: str) -> None:
        """The history could not be written: print it and say it (eyes are closed)."""
        self.problem(message)
        if self.session.active:
            self.voice.say(message)

    def history_note(self, message: str) -> None:
        print(f"knee-desktop: {message}", file=sys.stderr)

    # ---- ending ------------------------------------------------------------------------
    def interrupt(self, signum: int, frame: FrameType | None) -> None:
        self._interrupted += 1
        if self._interrupted > 1 or not self.session.active:
            self.app.quit()
            return
        print("\nStopping (Ctrl+C again to quit at once).", file=sys.stderr)
        self.scheduler.stop()

    def _quit_after_sound(self) -> None:
        from PySide6.QtCore import QTimer

        # Later, so that the confirmation that follows this state change is counted in.
        QTimer.singleShot(0, self._quit_when_heard)

    def _quit_when_heard(self) -> None:
        from PySide6.QtCore import QTimer

        wait = max(0.0, self._last_heard_end - time.monotonic()) + TAIL_SECONDS
        QTimer.singleShot(round(wait * 1000), self.app.quit)

    def close(self) -> None:
        if self.log:
            self.log.close()


def attach_observers(session: Session, scheduler: Any, runner: Runner,
                     args: argparse.Namespace) -> None:
    """Every observer of a voice-only session is attached here, and only here."""
    from knee_desktop.history.recorder import HistoryRecorder

    # The history is written as the session goes; `run` never asks the "before" question
    # (the user is already lying down). A problem is printed and said: eyes are closed.
    runner.recorder = HistoryRecorder.attach(session)
    runner.recorder.problem.connect(runner.history_problem)
    runner.recorder.recovered.connect(runner.history_note)
    runner.recorder.notice.connect(runner.history_note)
    scheduler.cue.connect(runner.play)
    scheduler.announce.connect(runner.say)
    scheduler.state_changed.connect(runner.on_state)
    runner.voice.problem.connect(runner.problem)
    if not args.quiet:
        printer = CuePrinter(session, sys.stdout)
        runner.keep.append(printer)  # a Qt connection does not keep a plain object alive
        scheduler.cue.connect(printer.cue)
        scheduler.dropped.connect(printer.dropped)
        scheduler.announce.connect(printer.announce)
