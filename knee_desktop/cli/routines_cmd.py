"""`knee-desktop routines`: list the routines, and name each bad file with its problem."""

from __future__ import annotations

import argparse
import sys

from knee_desktop.cli.options import saved_settings
from knee_desktop.common import paths
from knee_desktop.common.errors import KneeError
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.prefs.user_settings import UserSettings
from knee_desktop.routine.loader import load_catalog
from knee_desktop.routine.model import Routine


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("routines", help="list the routines you can run",
                       description="List the shipped routines and your own "
                       f"(in {paths.user_routines_dir()}); a bad file is named with its problem.")
    p.set_defaults(func=run)


def _all_cached(routine: Routine, settings: PlanSettings, source: object) -> bool:
    """Whether every phrase of the session is already rendered (a glance at the cache's
    files, no rendering): `routines` never renders, whatever a routine holds."""
    from knee_desktop.plan.timeline import compile_timeline
    from knee_desktop.session.engine import announcements
    from knee_desktop.speech.render import SpeechCache

    if not isinstance(source, SpeechCache):
        return True  # tones: nothing to render
    planned = compile_timeline(routine, settings)
    phrases = dict.fromkeys(planned.phrases() + announcements(planned))
    return all(source.path(p).is_file() for p in phrases)


def _length(routine: Routine, saved: UserSettings) -> tuple[str, bool, bool]:
    """(the session's length as `plan` shows it, estimated for lack of an engine, a guess
    because its phrases are not rendered yet)."""
    from knee_desktop.cli.run_cmd import RenderingProgress
    from knee_desktop.plan.timeline import compile_timeline, estimate_speech_seconds
    from knee_desktop.runtime.planning import clock, session_timeline, source_of

    settings = saved.to_plan_settings()
    source, _notes, _estimated = source_of(saved)
    if not _all_cached(routine, settings, source):
        guess = compile_timeline(routine, settings, speech=estimate_speech_seconds)
        return f"about {clock(guess.duration)}", False, True
    planned = session_timeline(routine, settings, saved, RenderingProgress(sys.stderr))
    return clock(planned.timeline.duration), planned.estimated, False


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    saved = saved_settings()
    estimated = guessed = False
    for rid, routine in sorted(catalog.routines.items()):
        try:
            length, estimate, guess = _length(routine, saved)
            estimated, guessed = estimated or estimate, guessed or guess
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
    if guessed:
        print("A length marked \"about\" is a guess until the routine's phrases are rendered: "
              "`knee-desktop plan ID` renders them and gives the exact time.", file=sys.stderr)
    for problem in catalog.problems:
        print(f"Skipped a bad routine file: {problem}", file=sys.stderr)
    return 1 if catalog.problems and not catalog.routines else 0
