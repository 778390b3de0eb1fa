"""`knee-desktop report OUT.pdf`: the history of a period on one or two pages, for the
person's physiotherapist or doctor. Made here, headless; nothing is sent anywhere."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from knee_desktop.common.errors import quote
from knee_desktop.common.limits import DEFAULT_WEEKS, MAX_WEEKS

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def a_date(text: str) -> date:
    if _DATE.fullmatch(text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"expected a date like 2026-09-01, got {quote(text)}")


def weeks(text: str) -> int:
    if re.fullmatch(r"[0-9]{1,3}", text.strip(), re.ASCII) and 1 <= int(text) <= MAX_WEEKS:
        return int(text)
    raise argparse.ArgumentTypeError(f"expected a number of weeks from 1 to {MAX_WEEKS} (a "
                                     f"year fits two pages), got {quote(text)}")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report", help="write a PDF report of your sessions for your physiotherapist",
        description="Write one or two pages (PDF) for your physiotherapist or doctor: the "
        "routines and settings you used, sessions per week against your weekly target, a "
        "calendar, your knee feel before and after, what was skipped or stopped, your notes "
        "and the guide's safety words. Made on this computer; nothing is sent anywhere.")
    p.add_argument("out", metavar="OUT.pdf", help="the file to write (a new file, unless "
                   "--force)")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--weeks", type=weeks, metavar="N",
                      help=f"the last N weeks, this one included (default {DEFAULT_WEEKS})")
    when.add_argument("--since", type=a_date, metavar="DATE",
                      help=f"from DATE (like 2026-09-01) to today; at most {MAX_WEEKS} weeks")
    p.add_argument("--routine", metavar="ID", help="only this routine (its id, as in "
                   "`knee-desktop routines`)")
    p.add_argument("--paper", choices=("a4", "letter"),
                   help="the paper size (default: the one of your locale)")
    p.add_argument("--force", action="store_true",
                   help="replace OUT.pdf if it exists (a link or a device is never replaced)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from knee_desktop.cli.options import saved_settings
    from knee_desktop.history.records import local_now
    from knee_desktop.history.report import build, period_of, read
    from knee_desktop.history.store import HistoryStore
    from knee_desktop.printout.pdf import check, headless_app, write_pdf

    out = Path(args.out)
    check(out, force=args.force)  # before reading anything
    now = local_now()
    period = period_of(now.date(), args.weeks, args.since)
    if period.cut:
        print(f"knee-desktop: the report covers the last {MAX_WEEKS} weeks, from "
              f"{period.first} (a year fits two pages).", file=sys.stderr)
    store = HistoryStore()
    try:
        records, began = read(store, period)
    finally:
        for message in store.messages:
            print(f"knee-desktop: {message}", file=sys.stderr)
        store.close()
    if args.routine is not None and not any(r.routine_id == args.routine for r in records):
        known = sorted({r.routine_id for r in records})
        print(f"knee-desktop: no session of the routine {quote(args.routine)} in this period"
              + (f" (there are: {', '.join(known)})" if known else "") + "; the report says "
              "so.", file=sys.stderr)
    report = build(records, period, target=saved_settings().weekly_target, made=now,
                   routine=args.routine, began=began)
    headless_app()
    pages = write_pdf(report, out, force=args.force, paper=args.paper)
    print(f"Wrote {out}: {pages} page{'s' if pages != 1 else ''}, {report.sessions} "
          f"session{'s' if report.sessions != 1 else ''} from {report.period.first} to "
          f"{report.period.last}.")
    return 0
