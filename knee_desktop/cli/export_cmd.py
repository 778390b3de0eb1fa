"""`knee-desktop export-audio ROUTINE OUT.wav`: the whole guided session as one WAV file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from knee_desktop.cli.options import add_session_options, saved_settings, settings_from_args
from knee_desktop.routine.loader import load_catalog


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export-audio", help="write the whole guided session as one WAV file",
                       description="Write the whole guided session as one WAV file (22050 Hz "
                       "mono), each phrase at its time, to follow on a phone or any player.")
    p.add_argument("routine", help="a routine id (see `knee-desktop routines`) or a .toml file")
    p.add_argument("out", metavar="OUT.wav", help="the file to write")
    add_session_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from knee_desktop.cli.run_cmd import Progress
    from knee_desktop.speech.export import export_session
    from knee_desktop.speech.timing import session_timeline

    routine = load_catalog().get(args.routine)
    saved = saved_settings()  # the base; the command line's options win for this file
    settings = settings_from_args(args, saved.to_plan_settings())
    # The same timeline as `plan` and a session: fitted to the same clips.
    planned = session_timeline(routine, settings, saved, Progress(sys.stderr),
                               fallback=False)
    for note in planned.notes:
        print(note, file=sys.stderr)
    timeline = planned.timeline
    out = Path(args.out)
    clip = export_session(timeline, planned.source, out)
    print(f"Wrote {out}: {clip.seconds / 60:.1f} minutes, {len(timeline.speech())} phrases.")
    return 0
