"""`knee-desktop routines`: list the routines, and name each bad file with its problem."""

from __future__ import annotations

import argparse
import sys

from knee_desktop.cli.options import saved_settings
from knee_desktop.common import paths
from knee_desktop.common.errors import KneeError
from knee_desktop.routine.loader import load_catalog


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("routines", help="list the routines you can run",
                       description="List the shipped routines and your own "
                       f"(in {paths.user_routines_dir()}); a bad file is named with its problem.")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from knee_desktop.cli.run_cmd import RenderingProgress
    from knee_desktop.runtime.planning import clock, session_timeline

    catalog = load_catalog()
    saved = saved_settings()
    estimated = False
    for rid, routine in sorted(catalog.routines.items()):
        # The length a session with the saved settings and voice plays, as `plan` shows it.
        try:
            planned = session_timeline(routine, saved.to_plan_settings(), saved,
                                       RenderingProgress(sys.stderr))
            length = clock(planned.timeline.duration)
            estimated = estimated or planned.estimated
        except KneeError as exc:
            length = "does not fit the saved settings"
            print(f"{rid}: {exc}", file=sys.stderr)
        origin = "yours" if routine.source and paths.user_routines_dir() in routine.source.parents \
            else "shipped"
        print(f"{rid:20} {routine.title}  ({length}, {origin})")
        if routine.summary:
            print(f"{'':20} {routine.summary}")
    if estimated:
        from knee_desktop.runtime.planning import ESTIMATE_NOTE

        print(ESTIMATE_NOTE, file=sys.stderr)
    for problem in catalog.problems:
        print(f"Skipped a bad routine file: {problem}", file=sys.stderr)
    return 1 if catalog.problems and not catalog.routines else 0
