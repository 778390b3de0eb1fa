"""`knee-desktop routines`: list the routines, and name each bad file with its problem."""

from __future__ import annotations

import argparse
import sys

from knee_desktop.common import paths
from knee_desktop.plan.timeline import compile_timeline
from knee_desktop.routine.loader import load_catalog


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("routines", help="list the routines you can run",
                       description="List the shipped routines and your own "
                       f"(in {paths.user_routines_dir()}); a bad file is named with its problem.")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    for rid, routine in sorted(catalog.routines.items()):
        minutes = compile_timeline(routine).duration / 60
        origin = "yours" if routine.source and paths.user_routines_dir() in routine.source.parents \
            else "shipped"
        print(f"{rid:20} {routine.title}  (about {minutes:.0f} min, {origin})")
        if routine.summary:
            print(f"{'':20} {routine.summary}")
    for problem in catalog.problems:
        print(f"Skipped a bad routine file: {problem}", file=sys.stderr)
    return 1 if catalog.problems and not catalog.routines else 0
