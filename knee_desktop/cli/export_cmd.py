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
    p.add_argument("out", metavar="OUT.wav", help="the file to write (a new file, unless "
                   "--force)")
    p.add_argument("--force", action="store_true",
                   help="replace OUT.wav if it exists (a link or a device is never replaced)")
    add_session_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from knee_desktop.cli.run_cmd import RenderingProgress
    from knee_desktop.runtime.planning import session_timeline
    from knee_desktop.speech.export import check_target, export_session

    out = Path(args.out)
    check_target(out, force=args.force)  # before the minutes of rendering, not after
    routine = load_catalog().get(args.routine)
    saved = saved_settings()  # the base; the command line's options win for this file
    settings = settings_from_args(args, saved.to_plan_settings())
    # The same timeline as `plan` and a session: fitted to the same clips.
    planned = session_timeline(routine, settings, saved, RenderingProgress(sys.stderr),
                               fallback=False)
    for note in planned.notes:
        print(note, file=sys.stderr)
    timeline = planned.timeline
    done = export_session(timeline, planned.source, out, force=args.force)
    print(f"Wrote {out}: {done.seconds / 60:.1f} minutes, {len(timeline.speech())} phrases.")
    return 0
