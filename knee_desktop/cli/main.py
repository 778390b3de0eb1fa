"""Entry point: `knee-desktop [COMMAND]`. With no command, the window opens."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from knee_desktop import __version__
from knee_desktop.cli import plan_cmd, routines_cmd, voices_cmd
from knee_desktop.cli.options import add_session_options
from knee_desktop.core.errors import KneeError
from knee_desktop.logging_setup import setup_logging

log = logging.getLogger("knee_desktop")

# Each command module has register(subparsers); add new commands here.
COMMANDS = [routines_cmd, plan_cmd, voices_cmd]

EPILOG = """\
examples:
  knee-desktop                               open the window
  knee-desktop --start windshield-wiper      open the window and start a session
  knee-desktop plan windshield-wiper --reps 5
  knee-desktop COMMAND --help                the options of one command

Your settings (Settings in the window) are the defaults; options given on the command line
override them for that one run. Only move to a point of resistance, never to a point of pain.
This app is not a replacement for your doctor."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    window.add_argument("--tray", action="store_true",
                        help="start in the tray without a window (the daily reminder's "
                        "login entry uses this)")
    window.add_argument("--quit-after-show", action="store_true", dest="quit_after_show",
                        help=argparse.SUPPRESS)  # smoke tests and start-up timing
    add_session_options(window)  # type: ignore[arg-type]
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = argv  # the raw arguments, handed to an already running window
    log_path = setup_logging(args.verbose)
    log.debug("knee-desktop %s, argv %s, log %s", __version__, argv, log_path)
    func = getattr(args, "func", None)
    try:
        if func is None:
            from knee_desktop.gui.app import run_app

            return run_app(args)
        return int(func(args))
    except KneeError as exc:
        log.info("error for the user: %s", exc)
        print(f"knee-desktop: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nknee-desktop: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        log.exception("unexpected error")
        raise
