"""Options shared by every command that plans a session: plan, run, export-audio, --start."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable

from knee_desktop.common.errors import quote
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.prefs.launch import SessionOverrides
from knee_desktop.prefs.user_settings import UserSettings
from knee_desktop.prefs.user_settings import load as load_user_settings

log = logging.getLogger(__name__)


# Plain ASCII digits only: int() would also take "١٢", "5_0" and 4,000 digits, float() "nan".
_WHOLE = re.compile(r"[0-9]{1,9}", re.ASCII)
_DECIMAL = re.compile(r"[0-9]{1,9}(\.[0-9]{1,9})?|\.[0-9]{1,9}", re.ASCII)


def whole_number(text: str) -> int:
    """An option's whole number, written plainly (the range is checked with the others)."""
    if not _WHOLE.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"expected a whole number like 10, got {quote(text)}")
    return int(text)


def seconds(text: str) -> float:
    """An option's seconds, written plainly like 2 or 2.5."""
    if not _DECIMAL.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"expected seconds like 2 or 2.5, got {quote(text)}")
    return float(text)


def _one_of(*choices: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        if text not in choices:
            allowed = ", ".join(repr(c) for c in choices)
            raise argparse.ArgumentTypeError(
                f"invalid choice: {quote(text)} (choose from {allowed})")
        return text
    return check


def add_session_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reps", type=whole_number, metavar="N",
                        help="repetitions of each movement (the routine's default: 10)")
    parser.add_argument("--pause", type=seconds, metavar="S",
                        help="seconds of each still pause (default 10)")
    parser.add_argument("--tempo", type=seconds, metavar="S",
                        help="seconds for one sweep or one circle")
    parser.add_argument("--lead-in", type=seconds, metavar="S", dest="lead_in",
                        help="seconds of count-in before the first movement")
    parser.add_argument("--leg", type=_one_of("left", "right", "both"), default=None,
                        metavar="{left,right,both}",
                        help="which leg to exercise (default both)")
    parser.add_argument("--first-leg", type=_one_of("left", "right"), default=None,
                        metavar="{left,right}",
                        dest="first_leg", help="with --leg both: which leg goes first")


def overrides_from_args(args: argparse.Namespace) -> SessionOverrides:
    """The session options given on this command line, as plain data."""
    return SessionOverrides(reps=args.reps, pause_seconds=args.pause, tempo=args.tempo,
                            lead_in_seconds=args.lead_in, leg=args.leg,
                            first_leg=args.first_leg)


def settings_from_args(args: argparse.Namespace,
                       base: PlanSettings | None = None) -> PlanSettings:
    """The command line's options on top of ``base`` (the saved settings)."""
    return overrides_from_args(args).apply(base)


def saved_settings() -> UserSettings:
    """The user's saved settings; a damaged file's messages go to stderr and the log."""
    result = load_user_settings()
    for line in result.messages:
        log.warning("%s", line, extra={"user_saw": True})
        print(f"knee-desktop: {line}", file=sys.stderr)
    return result.settings
