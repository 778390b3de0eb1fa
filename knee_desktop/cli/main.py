"""The command line: `knee-desktop [COMMAND]`. With no command, the entry point
(:mod:`knee_desktop.main`) opens the window with the :class:`LaunchOptions` parsed here."""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from knee_desktop import __version__
from knee_desktop.cli.options import add_session_options, overrides_from_args
from knee_desktop.common import environment, paths
from knee_desktop.common.errors import KneeError
from knee_desktop.common.logging_setup import setup_logging
from knee_desktop.common.plain_text import TerminalFilter
from knee_desktop.common.safe_write import create_new
from knee_desktop.prefs.launch import LaunchOptions

log = logging.getLogger("knee_desktop")

def command_modules() -> list[Any]:
    """The command modules, each with register(subparsers): add new commands here. They
    are imported when a command line may name one, by a plain import (not by string: the
    PyInstaller bundle must see them)."""
    from knee_desktop.cli import (
        export_cmd,
        history_cmd,
        plan_cmd,
        report_cmd,
        routines_cmd,
        run_cmd,
        voices_cmd,
    )

    return [routines_cmd, plan_cmd, run_cmd, export_cmd, history_cmd, report_cmd, voices_cmd]

EPILOG = """\
examples:
  knee-desktop                               open the window
  knee-desktop --start windshield-wiper      open the window and start a session
  knee-desktop plan windshield-wiper --reps 5
  knee-desktop COMMAND --help                the options of one command

Your settings (Settings in the window) are the defaults; options given on the command line
override them for that one run. Only move to a point of resistance, never to a point of pain.
This app is not a replacement for your doctor."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors cut to one short paragraph: it quotes a bad argument
    in full, and an argument can be megabytes."""

    def error(self, message: str) -> NoReturn:
        if len(message) > MESSAGE_CHARS:
            message = message[: MESSAGE_CHARS - 1] + "…"
        super().error(message)


MESSAGE_CHARS = 300


def names_no_command(argv: Sequence[str]) -> bool:
    """Options only, no help: the command line cannot name a command (every token starts
    with "-"; a command, or an option's value given apart, would not), so the window's
    launch need not load and build the commands' parsers (~3 ms)."""
    return all(len(token) > 1 and token.startswith("-") and token != "--"
               and not token.startswith(("-h", "--h")) for token in argv)


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; with ``commands`` False, only the window's options (for
    a command line that :func:`names_no_command`)."""
    parser = _Parser(
        prog="knee-desktop",
        description="A guided knee routine with spoken cues.\n"
        "With no command, the window opens; if it is already open, it comes to the front.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"knee-desktop {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log everything, to the terminal as well as to the log file")
    window = parser.add_argument_group("the window")
    window.add_argument("--start", metavar="ROUTINE",
                        help="open the window and start ROUTINE at once (with the session "
                        "options below); passed on to the window if it is already open")
    window.add_argument("--silent", action="store_true",
                        help="no voice at all (the window still shows every cue)")
    window.add_argument("--tray", action="store_true",
                        help="start in the tray without a window (the daily reminder's "
                        "login entry uses this)")
    window.add_argument("--listen", action="store_true",
                        help="listen for spoken commands (pause, go on, where am I, repeat, "
                        "next, stop; start on the ready screen), offline")
    add_session_options(window)  # type: ignore[arg-type]
    if commands:
        sub = parser.add_subparsers(title="commands", metavar="COMMAND")
        for command in command_modules():
            command.register(sub)
    return parser


class OutputError(KneeError):
    """Standard output could not be written (a full disk, ``> /dev/full``)."""


class _GuardedOutput:
    """``sys.stdout`` while a command runs: a failed write becomes one clear message, not a
    crash report. A closed pipe stays a :class:`BrokenPipeError` (handled quietly)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def _guard(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"the output could not be written ({exc.strerror or exc}); "
                              "it is incomplete.") from None

    def write(self, text: str) -> int:
        return int(self._guard(lambda: self.inner.write(text)))

    def flush(self) -> None:
        self._guard(self.inner.flush)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _quiet_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def launch_options(args: argparse.Namespace, argv: Sequence[str] = ()) -> LaunchOptions:
    """What the window needs of a parsed command line."""
    return LaunchOptions(start=args.start, silent=args.silent, tray=args.tray,
                         listen=getattr(args, "listen", False),
                         overrides=overrides_from_args(args), argv=tuple(argv))


def parse_launch(argv: Sequence[str]) -> LaunchOptions | None:
    """Arguments from a second launch, parsed like our own; ``None`` if they are not valid
    (argparse would exit, and that must never end the running window)."""
    try:
        args = build_parser().parse_args(list(argv))
    except SystemExit:
        log.warning("ignored bad arguments from another launch: %s", list(argv))
        return None
    return launch_options(args, argv)


# Opens the window: (options, parse_launch for later launches) -> exit code.
OpenWindow = Callable[[LaunchOptions, Callable[[Sequence[str]], LaunchOptions | None]], int]


def _machine_output(args: argparse.Namespace) -> bool:
    """JSON or CSV for another program, not to a terminal: passed on byte for byte (JSON
    escapes every control character itself)."""
    machine = bool(getattr(args, "json", False) or getattr(args, "csv", False))
    try:
        return machine and not sys.stdout.isatty()
    except (ValueError, OSError):
        return machine


def main(argv: Sequence[str] | None = None, open_window: OpenWindow | None = None) -> int:
    notes = environment.prepare()  # closed streams, odd encodings, umask, TZ, folders
    argv = list(sys.argv[1:] if argv is None else argv)
    real_stdout, real_stderr = sys.stdout, sys.stderr
    sys.stderr = TerminalFilter(real_stderr)  # every line we print shows as text
    try:
        return _main(argv, open_window, notes, real_stdout)
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr


def _main(argv: list[str], open_window: OpenWindow | None, notes: list[str],
          real_stdout: Any) -> int:
    parser = build_parser(commands=not names_no_command(argv))
    args = parser.parse_args(argv)
    log_path = setup_logging(args.verbose)
    log.debug("knee-desktop %s, argv %s, log %s", __version__, argv, log_path)
    for note in notes:
        log.warning("%s", note)
    func = getattr(args, "func", None)
    shown = real_stdout if _machine_output(args) else TerminalFilter(real_stdout)
    try:
        if func is None:
            if open_window is None:
                parser.error("no command given (the window opens from knee_desktop.main)")
            sys.stdout = shown
            return open_window(launch_options(args, argv), parse_launch)
        sys.stdout = _GuardedOutput(shown)
        code = int(func(args))
        sys.stdout.flush()  # a full disk is found here, not at exit
        return code
    except KneeError as exc:
        log.info("error for the user: %s", exc)
        print(f"knee-desktop: {exc}", file=sys.stderr)
        if isinstance(exc, OutputError):
            _quiet_stdout()  # what is still buffered must not fail again at exit
        return 2
    except KeyboardInterrupt:
        print("\nknee-desktop: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_stdout()  # output piped into `head`: no second error when Python flushes
        return 0
    except Exception as exc:  # a bug: say so in one paragraph, keep the details in a file
        return _report_bug(exc)


def _report_bug(exc: BaseException) -> int:
    """Write the traceback to the log folder and tell the user where, in one paragraph."""
    detail = "".join(traceback.format_exception(exc))
    if log.hasHandlers():  # the log file only: never a traceback on stderr
        log.error("unexpected error\n%s", detail, extra={"user_saw": True})
    where: Path | str = "(it could not be saved)"
    try:
        folder = paths.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        where = create_new(folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.txt",
                           detail.encode("utf-8", "backslashreplace"))
    except OSError:
        pass
    print(f"knee-desktop: something went wrong that should not have "
          f"({type(exc).__name__}: {exc}). Your history is safe. The details are in {where}; "
          "please include that file if you report it.", file=sys.stderr)
    return 70
