"""Options shared by every command that plans a session: plan, run, export-audio, --start."""

from __future__ import annotations

import argparse
import logging
import sys

from knee_desktop.core.loader import Catalog, load_catalog
from knee_desktop.core.routine import Routine
from knee_desktop.core.settings import PlanSettings
from knee_desktop.core.timeline import Timeline, compile_timeline
from knee_desktop.core.user_settings import UserSettings
from knee_desktop.core.user_settings import load as load_user_settings

log = logging.getLogger(__name__)


def add_session_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reps", type=int, metavar="N",
                        help="repetitions of each movement (the routine's default: 10)")
    parser.add_argument("--pause", type=float, metavar="S",
                        help="seconds of each still pause (default 10)")
    parser.add_argument("--tempo", type=float, metavar="S",
                        help="seconds for one sweep or one circle")
    parser.add_argument("--lead-in", type=float, metavar="S", dest="lead_in",
                        help="seconds of count-in before the first movement")
    parser.add_argument("--leg", choices=("left", "right", "both"), default=None,
                        help="which leg to exercise (default both)")
    parser.add_argument("--first-leg", choices=("left", "right"), default=None,
                        dest="first_leg", help="with --leg both: which leg goes first")


def settings_from_args(args: argparse.Namespace,
                       base: PlanSettings | None = None) -> PlanSettings:
    """The command line's options on top of ``base`` (the saved settings)."""
    s = base or PlanSettings()
    changes: dict[str, object] = {}
    if args.reps is not None:
        changes["reps"] = args.reps
    if args.pause is not None:
        changes["pause_seconds"] = args.pause
    if args.lead_in is not None:
        changes["lead_in_seconds"] = args.lead_in
    if args.leg is not None:
        changes["leg"] = args.leg
    if args.first_leg is not None:
        changes["first_leg"] = args.first_leg
    s = PlanSettings(**{**s.__dict__, **changes}).with_tempo(args.tempo)
    return s.validate()


def saved_settings() -> UserSettings:
    """The user's saved settings; a damaged file's messages go to stderr and the log."""
    result = load_user_settings()
    for line in result.messages:
        log.warning("%s", line, extra={"user_saw": True})
        print(f"knee-desktop: {line}", file=sys.stderr)
    return result.settings


def routine_and_timeline(args: argparse.Namespace,
                         catalog: Catalog | None = None) -> tuple[Routine, Timeline]:
    """The routine named on the command line, planned with the saved settings as the base
    and the command line's options on top."""
    routine = (catalog or load_catalog()).get(args.routine)
    base = saved_settings().to_plan_settings()
    return routine, compile_timeline(routine, settings_from_args(args, base))
