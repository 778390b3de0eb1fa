"""`knee-desktop plan ROUTINE`: the whole cue script with times (or JSON: docs/plan-json.md)."""

from __future__ import annotations

import argparse
import json
import sys

from knee_desktop.cli.options import add_session_options, saved_settings, settings_from_args
from knee_desktop.routine.loader import load_catalog


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("plan", help="print what will be said, and when",
                       description="Print the whole cue script of a session with its times, "
                       "so you can read exactly what will be said and when. Your saved "
                       "settings are the base; the options below override them for this run.")
    p.add_argument("routine", help="a routine id (see `knee-desktop routines`) or a .toml file")
    p.add_argument("--json", action="store_true",
                   help="machine-readable output (documented in docs/plan-json.md)")
    add_session_options(p)
    p.set_defaults(func=run)


def _clock(t: float) -> str:
    minutes, seconds = divmod(t, 60)
    return f"{int(minutes):2d}:{seconds:05.2f}"


def run(args: argparse.Namespace) -> int:
    from knee_desktop.cli.run_cmd import RenderingProgress
    from knee_desktop.runtime.planning import clock, session_timeline

    routine = load_catalog().get(args.routine)
    saved = saved_settings()
    planned = session_timeline(routine, settings_from_args(args, saved.to_plan_settings()),
                               saved, RenderingProgress(sys.stderr))
    for note in planned.notes:
        print(note, file=sys.stderr)
    timeline = planned.timeline
    if args.json:
        data = timeline.to_json()
        data["estimated"] = planned.estimated
        print(json.dumps(data, indent=1))
        return 0
    s = timeline.settings
    estimate = " (estimated: no speech engine)" if planned.estimated else ""
    print(f"{timeline.title}: {clock(timeline.duration)}{estimate}, legs: {', '.join(s.legs)}; "
          f"{s.reps} reps, {s.pause_seconds:g} s pauses, {s.sweep_seconds:g} s per sweep, "
          f"{s.circle_seconds:g} s per circle")
    step = -1
    for event in timeline.events:
        if event.step != step:
            step = event.step
            span = timeline.steps[step]
            leg = f" ({span.leg} leg)" if span.leg else ""
            print(f"\n{_clock(span.start)}  == {span.title}{leg}")
        extra = f" [{event.duration:g} s]" if event.kind in ("still", "rest", "press") else ""
        print(f"{_clock(event.t)}  {event.kind:9} {event.text or '(silence)'}{extra}")
    return 0
