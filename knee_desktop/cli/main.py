"""Entry point: `knee-desktop [COMMAND]`. With no command, the window opens."""

from __future__ import annotations

import argparse
import logging
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from knee_desktop import __version__
from knee_desktop.cli import plan_cmd, routines_cmd
from knee_desktop.core import paths
from knee_desktop.core.errors import KneeError

log = logging.getLogger("knee_desktop")

# Each command module has register(subparsers); add new commands here.
COMMANDS = [routines_cmd, plan_cmd]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="knee-desktop",
        description="A guided knee routine with spoken cues. With no command, the window opens.",
    )
    parser.add_argument("--version", action="version", version=f"knee-desktop {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    try:
        if func is None:
            from knee_desktop.gui.app import run_app

            return run_app(args)
        return int(func(args))
    except KneeError as exc:
        print(f"knee-desktop: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nknee-desktop: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so in one paragraph, keep the details in a file
        return _report_bug(exc)


def _report_bug(exc: BaseException) -> int:
    """Write the traceback to the log folder and tell the user where, in one paragraph."""
    detail = "".join(traceback.format_exception(exc))
    if log.hasHandlers():  # else logging's last resort would print the traceback on stderr
        log.error("unexpected error\n%s", detail)
    where: Path | str = "(it could not be saved)"
    try:
        folder = paths.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        where = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.txt"
        where.write_text(detail, encoding="utf-8")
    except OSError:
        pass
    print(f"knee-desktop: something went wrong that should not have "
          f"({type(exc).__name__}: {exc}). Your history is safe. The details are in {where}; "
          "please include that file if you report it.", file=sys.stderr)
    return 70
