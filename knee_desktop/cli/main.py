"""Entry point: `knee-desktop [COMMAND]`. With no command, the window opens."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from knee_desktop import __version__
from knee_desktop.cli import export_cmd, plan_cmd, routines_cmd, run_cmd
from knee_desktop.core.errors import KneeError

log = logging.getLogger("knee_desktop")

# Each command module has register(subparsers); add new commands here.
COMMANDS = [routines_cmd, plan_cmd, run_cmd, export_cmd]


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
