"""`knee-desktop voices`: the installed speech voices, with their language.

The settings dialog runs `knee-desktop voices --json` in a worker process with a time limit,
so a speech engine that hangs can never freeze the window.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("voices", help="list the installed speech voices",
                       description="List the speech voices installed on this computer, with "
                       "their language. Pick one in Settings (or write its id as `voice` in "
                       "the settings file).")
    p.add_argument("--json", action="store_true",
                   help='machine-readable: {"default": ID, "voices": [{id, name, languages, '
                   'gender, licence}]}')
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from knee_desktop.speech.voices import engine_voices, list_voices

    voices, default = list_voices()
    others = engine_voices()  # festival, flite, Piper voice files: each with its licence
    voices = voices + others
    if args.json:
        print(json.dumps({"default": default, "voices": [asdict(v) for v in voices]}))
        return 0
    for v in sorted(voices[:len(voices) - len(others)], key=lambda v: v.name.lower()):
        mark = "*" if v.id == default else " "
        print(f"{mark} {v.id:28} {v.label}")
    for v in others:
        print(f"  {v.id:28} {v.label}\n  {'':28}   licence: {v.licence}")
    print(f"\n{len(voices)} voices; * marks the default.")
    return 0
