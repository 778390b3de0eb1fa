"""`knee-desktop plan ROUTINE`: the whole cue script with times (or JSON: docs/plan-json.md)."""

from __future__ import annotations

import argparse
import json

from knee_desktop.cli.options import add_session_options, routine_and_timeline


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
    _, timeline = routine_and_timeline(args)
    if args.json:
        print(json.dumps(timeline.to_json(), indent=1))
        return 0
    s = timeline.settings
    print(f"{timeline.title}: {timeline.duration / 60:.1f} minutes, legs: {', '.join(s.legs)}; "
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
