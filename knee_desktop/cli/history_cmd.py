"""`knee-desktop history`: print the history, export it (JSON, CSV) or import an export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from knee_desktop.common import paths
from knee_desktop.common.words import plural

if TYPE_CHECKING:  # the store is opened only when the command runs, not to open the window
    from knee_desktop.history.store import HistoryStore


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "history", help="print your session history, export it or import an export",
        description="Print your session history (newest last). --json and --csv export it "
        "(formats in docs/history.md); --import merges an exported JSON file back in, "
        f"without doubling sessions already there. The history is kept in "
        f"{paths.history_file()}.")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true",
                     help="everything, steps included, to rebuild the history elsewhere")
    fmt.add_argument("--csv", action="store_true", help="one row per session, for a spreadsheet")
    fmt.add_argument("--import", dest="import_file", metavar="FILE.json", type=Path,
                     help="merge a --json export into this history")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from knee_desktop.history import io as history_io
    from knee_desktop.history.store import HistoryError, HistoryStore

    store = HistoryStore()
    try:
        if args.import_file is not None:
            try:
                added, total = history_io.import_into(store, args.import_file)
            except HistoryError as exc:
                raise HistoryError(f"{exc} Nothing from {args.import_file} was imported; the "
                                   "history is as it was.") from exc
            present = total - added
            print(f"Imported {added} session{'s' if added != 1 else ''} from "
                  f"{args.import_file}; {present} {'were' if present != 1 else 'was'} "
                  "already there.")
        elif args.json:
            history_io.dump_json(store, sys.stdout)
        elif args.csv:
            history_io.dump_csv(store.sessions(), sys.stdout)
        else:
            _print_table(store)
    finally:
        for message in store.messages:
            print(f"knee-desktop: {message}", file=sys.stderr)
        store.close()
    return 0


def _print_table(store: HistoryStore) -> None:
    rows = store.rows()
    if not rows:
        print("No sessions yet. They are kept here as you do them.")
        return
    for r in reversed(rows):
        minutes = r.exercise_seconds / 60
        state = {"completed": "completed", "stopped": f"stopped at {r.at_title}",
                 "interrupted": f"interrupted at {r.at_title}"}.get(
                     r.end_state or "", "in progress")
        if r.damaged:
            state = "damaged record (kept as found)"
        feel = ""
        if r.feel_before is not None or r.feel_after is not None:
            def show(v: int | None) -> str:
                return "-" if v is None else str(v)
            feel = f"  knees {show(r.feel_before)} -> {show(r.feel_after)}"
        print(f"{r.started:%a %Y-%m-%d %H:%M}  {r.title:<36.36} {minutes:5.1f} min  "
              f"{state}{feel}")
    days = store.active_days()
    from knee_desktop.history.store import current_streak

    streak = current_streak(days, store.now_wall().date())
    total = sum(r.exercise_seconds for r in rows) / 3600
    print(f"\n{plural(len(rows), 'session')}, {total:.1f} hours of exercise on "
          f"{plural(len(days), 'day')}; current streak: {plural(streak, 'day')} in a row.")
