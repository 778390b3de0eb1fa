"""`knee-desktop run ROUTINE`: a whole session by voice only, no window.

Qt's event loop drives the one cue scheduler (QCoreApplication: no display needed). Each cue
is printed as it is spoken; at a terminal the session keys work as in the window
(``cli/run_keys.py``). Ctrl+C (or SIGTERM) stops the session cleanly, a second one quits
at once (``runtime.qt_workarounds.UnixSignals`` brings the signal into the event loop).
``--cue-log FILE`` writes one JSON object a line per
cue: ``due`` (``time.monotonic()`` at which it should be heard), ``played`` (when the session
handed it over), ``heard`` (when the player placed it to be heard), ``kind``, ``text``; a cue
too late to be useful after a stall is logged with ``"dropped": true`` and not played.

The session itself is run by the one session driver (``runtime/driver.py``), as in the
window; this module only prints what it does (:func:`attach_views`), gives it the history
recorder and the terminal's knee question, and ends the event loop when it is done.
"""

from __future__ import annotations

import argparse
import signal
import sys
from typing import IO, TYPE_CHECKING, Any

from knee_desktop.cli.cue_log import CueLog
from knee_desktop.cli.options import add_session_options, saved_settings, settings_from_args
from knee_desktop.common.errors import KneeError
from knee_desktop.history.feel import KneeFeel, When, spoken_answer, spoken_question
from knee_desktop.routine.loader import load_catalog
from knee_desktop.session.engine import Cue, Session, State

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

    from knee_desktop.history.recorder import HistoryRecorder
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.plan.timeline import Timeline
    from knee_desktop.routine.model import Routine
    from knee_desktop.runtime.driver import SessionDriver
    from knee_desktop.runtime.voice_commands import VoiceCommands

EXIT_NO_AUDIO = 3


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
    p.add_argument("--force", action="store_true",
                   help="replace the --cue-log FILE if it exists (a link, a FIFO or a device "
                   "is never written)")
    p.add_argument("--quiet", action="store_true", help="do not print the cues")
    p.add_argument("--listen", action="store_true",
                   help="listen for spoken commands: pause, go on, where am I, repeat, next, "
                   "stop (offline; the audio stays on this computer; see docs/voice.md)")
    p.set_defaults(func=run)


class RenderingProgress:
    """Rendering progress on stderr: one updating line on a terminal, else two lines."""

    def __init__(self, stream: IO[str]) -> None:
        # Our own words and numbers only: past the terminal filter, which would show the
        # carriage return that updates the line as text.
        self.stream = getattr(stream, "inner", stream)
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

    def __init__(self, stream: IO[str]) -> None:
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


# Qt's multimedia start-up lines that say nothing to a user ("Couldn't load pipewire-0.3
# library" when PulseAudio is used, the FFmpeg version): kept off the terminal unless the
# user set their own rules.
QUIET_QT = "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg=false"


def run(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("QT_LOGGING_RULES", QUIET_QT)
    # Qt is imported here so that `plan` and `routines` stay light.
    from PySide6.QtCore import QCoreApplication

    from knee_desktop.runtime.audio_output import AudioUnavailable
    from knee_desktop.runtime.driver import SessionDriver
    from knee_desktop.runtime.planning import voice_settings
    from knee_desktop.runtime.voice import choose_voice

    routine = load_catalog().get(args.routine)
    saved = saved_settings()
    settings = settings_from_args(args, saved.to_plan_settings())
    # a bad path (or a file there without --force): said before we start
    cue_log = CueLog(args.cue_log, args.force) if args.cue_log else None
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])

    try:
        choice = choose_voice(silent=args.silent, settings=voice_settings(saved),
                              tones=saved.tones)
    except AudioUnavailable as exc:
        print(f"knee-desktop: {exc}", file=sys.stderr)
        return EXIT_NO_AUDIO
    for note in choice.notes:
        print(note, file=sys.stderr)
    runner = Runner(app)
    # `run` never asks the "before" question (the user is already lying down), and asks
    # the one after only when the session ran to its end (Ctrl+C means: let me go).
    driver = SessionDriver(choice.voice, recorder=runner.record,
                           asker=terminal_asker if saved.knee_feel else None,
                           ask_after_stop=False)
    runner.driver = driver
    timeline = _plan_session(driver, routine, settings)
    if timeline is None:
        return EXIT_NO_AUDIO
    attach_views(driver, runner, args)
    if choice.voice.speaks and choice.voice.audible:
        for note in choice.notes:  # e.g. the chosen voice is not installed: said, then begun
            driver.say(note)

    runner.log = cue_log
    listening = args.listen or saved.listen
    commands = None
    if listening:
        from knee_desktop.cli.run_listen import start_listening

        commands = start_listening(driver, saved, cue_log)
    return _run_session(app, driver, runner, timeline, commands)


def _plan_session(driver: SessionDriver, routine: Routine,
                  settings: PlanSettings) -> Timeline | None:
    """The fitted timeline (its notes printed); ``None``, said, when no output plays."""
    from knee_desktop.runtime.audio_output import AudioUnavailable

    try:
        timeline, notes = driver.plan(routine, settings, RenderingProgress(sys.stderr))
        for note in notes:
            print(note, file=sys.stderr)
    except KneeError:
        driver.close()
        raise
    except AudioUnavailable as exc:
        driver.close()
        print(f"knee-desktop: {exc}", file=sys.stderr)
        return None
    return timeline


def _run_session(app: QCoreApplication, driver: SessionDriver, runner: Runner,
                 timeline: Timeline, commands: VoiceCommands | None = None) -> int:
    """Run the session until it ends or Ctrl+C; the exit code."""
    from knee_desktop.cli.run_keys import HELP as KEYS_HELP
    from knee_desktop.cli.run_keys import TerminalKeys
    from knee_desktop.runtime.qt_workarounds import UnixSignals

    signals = UnixSignals(runner.interrupt)
    keys = TerminalKeys.attach(driver, runner.say_where)
    if keys is not None:
        print(KEYS_HELP, file=sys.stderr)
    s = timeline.settings
    print(f"{timeline.title}: {timeline.duration / 60:.1f} minutes, legs: {', '.join(s.legs)}."
          " Ctrl+C stops.", file=sys.stderr)
    try:
        driver.start(timeline)
        app.exec()
    finally:
        if commands is not None:
            commands.end()
        signals.close()
        if keys is not None:
            keys.close()
        driver.close()
        runner.close()
    return runner.exit_code


def terminal_asker(when: When, say: Any) -> KneeFeel | None:
    """The knee question at the terminal (only when stdin is one), asked aloud as well;
    Ctrl+C while it waits skips it."""
    from knee_desktop.cli.knee_question import ask_feel_terminal

    if not sys.stdin.isatty():
        return None
    say(spoken_question(when))
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        feel = ask_feel_terminal(when)
    except KeyboardInterrupt:
        feel = None
    finally:
        signal.signal(signal.SIGINT, previous)
    if feel is not None:
        say(spoken_answer(feel))
    return feel


class Runner:
    """The terminal's side of a session: prints problems, ends the event loop when the
    driver is done, and turns Ctrl+C into a stop."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.driver: SessionDriver | None = None
        self.exit_code = 0
        self.log: CueLog | None = None
        self.recorder: HistoryRecorder | None = None
        self._interrupted = 0
        self._signum = 2

    def record(self, session: Session, feel: KneeFeel) -> HistoryRecorder:
        """The driver's recorder: the history, written as the session goes. A problem is
        printed and said: eyes are closed."""
        from knee_desktop.history.recorder import HistoryRecorder

        recorder = HistoryRecorder.attach(session, feel_before=feel.score, note=feel.note)
        recorder.problem.connect(self.history_problem)
        recorder.recovered.connect(self.problem)
        recorder.notice.connect(self.problem)
        recorder.unsaved_at_end.connect(self.history_unsaved)
        self.recorder = recorder
        return recorder

    def on_state(self, state: State) -> None:
        if state is State.STOPPED:
            self.exit_code = 128 + self._signum if self._interrupted else 1

    def problem(self, message: str) -> None:
        print(f"knee-desktop: {message}", file=sys.stderr)

    def say_where(self, answer: str) -> None:
        """The answer to I, printed as it is said."""
        print(f"        {answer}", flush=True)

    def history_problem(self, message: str) -> None:
        self.problem(message)
        if self.driver is not None and self.driver.active:
            self.driver.say(message)

    def history_unsaved(self, message: str) -> None:
        """The session ended and is not in the history: print and say where it is kept
        (the driver counts it in the wait for the last words), and exit with 4."""
        self.problem(message)
        if self.driver is not None:
            self.driver.say(message)
        if self.exit_code == 0:
            self.exit_code = 4

    def log_cue(self, cue: Cue, played: float, heard: float | None) -> None:
        if self.log:
            self.log.write(cue, cue.fired, heard)

    def log_dropped(self, cue: Cue) -> None:
        if self.log:
            self.log.write(cue, cue.fired, None, dropped=True)

    # ---- ending ------------------------------------------------------------------------
    def interrupt(self, signum: int) -> None:
        self._interrupted += 1
        self._signum = signum
        if self._interrupted > 1 or self.driver is None or not self.driver.active:
            self.app.quit()
            return
        print("\nStopping (Ctrl+C again to quit at once).", file=sys.stderr)
        self.driver.stop()

    def done(self, session: Session) -> None:
        self.nudge(session)
        self.app.quit()

    def nudge(self, session: Session) -> None:
        """The safety nudge after a session that felt worse (as one of the two before it
        did), with smaller moves to try next time: offered, never applied."""
        from knee_desktop.history.progress import nudge_after, smaller_moves
        from knee_desktop.history.store import HistoryError, HistoryStore

        try:
            with HistoryStore(read_only=True) as store:
                rows = [r for r in reversed(store.rows()) if not r.damaged]
        except HistoryError:
            return
        found = nudge_after(rows)
        if found is None:
            return
        s = session.timeline.settings
        moves = smaller_moves({"reps": s.reps, "sweep": s.sweep_seconds,
                               "circle": s.circle_seconds})
        print(f"\n{found.text()}\nSmaller moves next time, if you like: knee-desktop run "
              f"{session.timeline.routine_id} {moves.options()}", flush=True)

    def close(self) -> None:
        if self.log:
            self.log.close()


def attach_views(driver: SessionDriver, runner: Runner, args: argparse.Namespace) -> None:
    """Everything the terminal shows of a session is attached here, and only here."""
    from knee_desktop.runtime.qt_workarounds import keep_alive

    driver.state_changed.connect(runner.on_state)
    driver.done.connect(runner.done)
    driver.message.connect(runner.problem)
    driver.played.connect(runner.log_cue)
    driver.dropped.connect(runner.log_dropped)
    if not args.quiet:
        printer = CuePrinter(sys.stdout)
        keep_alive(runner, printer)
        driver.cue.connect(printer.cue)
        driver.dropped.connect(printer.dropped)
        driver.announced.connect(printer.announce)
