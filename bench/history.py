"""History benchmark: 10,000 sessions in a temporary history, then time

- the history window until its table and charts are shown (a fresh store each run, so the
  file is opened and read each time),
- the JSON export of every session with its steps,
- the import of that export into an empty history, and into one that has it all already,
- recording one step of a running session (what the recorder does at each step's end),
- the report for a physio over the last 12 weeks (read, build, written as a PDF).

Prints the median of several runs. Targets: window <= 300 ms, step <= 5 ms, export <= 1 s,
report <= 1 s.
Run: `make bench-history` (or `python -m bench.history [--sessions N] [--runs N]`).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from knee_desktop.history import io as history_io
from knee_desktop.history.recorder import HistoryRecorder
from knee_desktop.history.store import HistoryStore, SessionRecord, StepRecord
from knee_desktop.plan.timeline import compile_timeline
from knee_desktop.routine.loader import load_catalog
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import Session, State


def make_records(n: int, seed: int = 1) -> list[SessionRecord]:
    """``n`` sessions of the real routine (25 steps each when completed), one or two a day
    going back in time, with knee feel, notes, stops and interruptions."""
    rnd = random.Random(seed)
    timeline = compile_timeline(load_catalog().get("windshield-wiper"))
    start = datetime.now().astimezone().replace(hour=8, minute=0, second=0, microsecond=0)
    records = []
    for i in range(n):
        when = start - timedelta(days=i * 0.6, minutes=rnd.randrange(600))
        state = rnd.choices(["completed", "stopped", "interrupted"], [85, 10, 5])[0]
        count = len(timeline.steps) if state == "completed" else rnd.randrange(2, 24)
        t = when
        steps = []
        for span in timeline.steps[:count]:
            t += timedelta(seconds=span.end - span.start)
            steps.append(StepRecord(span.index, span.title, span.kind, span.movement, span.leg,
                                    span.reps, span.reps or 0, span.end - span.start, True, t))
        pain = rnd.randrange(11)
        records.append(SessionRecord(
            routine_id=timeline.routine_id, title=timeline.title, started=when, ended=t,
            end_state=state, at_step=count - 1, at_title=timeline.steps[count - 1].title,
            settings={"reps": 10, "legs": ["left", "right"]},
            planned_seconds=timeline.duration, steps_planned=len(timeline.steps),
            paused_seconds=rnd.choice([0, 0, 20]), feel_before=pain,
            feel_after=max(0, pain - rnd.randrange(3)),
            note=rnd.choice(["", "", "", "Right knee stiff this morning."]), steps=steps))
    return records


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), times


def report(name: str, result: tuple[float, list[float]], target: float | None) -> bool:
    med, times = result
    ok = target is None or med <= target
    goal = f"(target <= {target:g} ms) {'ok' if ok else 'TOO SLOW'}" if target else ""
    runs = ", ".join(f"{t:.1f}" for t in times)
    print(f"{name:<38} median {med:8.1f} ms  {goal}   runs: {runs}")
    return ok


def bench_report(path: Path, tmp: Path, runs: int) -> bool:
    """The report for a physio over the last 12 weeks: read, build, written as a PDF."""
    from knee_desktop.history.records import local_now
    from knee_desktop.history.report import build, period_of, read
    from knee_desktop.printout.pdf import write_pdf

    n = 0

    def make() -> None:
        nonlocal n
        n += 1
        now = local_now()
        period = period_of(now.date(), 12)
        with HistoryStore(path) as store:
            records, began = read(store, period)
        report = build(records, period, target=None, made=now, began=began)
        write_pdf(report, tmp / f"report-{n}.pdf")
    return report("report, 12 weeks (read, build, PDF)", median_ms(make, runs), 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the temporary history")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from knee_desktop.ui.app.launch import make_app
    from knee_desktop.ui.history.window import HistoryWindow

    app = make_app()
    tmp = Path(tempfile.mkdtemp(prefix="knee-history-bench-"))
    path = tmp / "history.sqlite3"
    t0 = time.perf_counter()
    records = make_records(args.sessions)
    with HistoryStore(path) as store:
        store.import_sessions(records)
        steps = store.open().execute("SELECT count(*) FROM steps").fetchone()[0]
        store.open().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size / 1e6
    print(f"{args.sessions} sessions, {steps} steps, {size:.1f} MB; filled in "
          f"{time.perf_counter() - t0:.1f} s ({tmp})\n")

    ok = True

    def open_window() -> None:
        window = HistoryWindow(HistoryStore(path))
        window.show()
        QApplication.processEvents()  # laid out and painted: table and charts shown
        assert window.model.rowCount() == args.sessions
        window.close()
        window.store.close()
        window.deleteLater()

    def open_and_render() -> None:
        window = HistoryWindow(HistoryStore(path))
        window.show()
        QApplication.processEvents()
        window.grab()  # paints every widget, both charts included, into a pixmap
        window.close()
        window.store.close()
        window.deleteLater()

    open_window()  # warm-up: fonts, Qt plugins, imports
    QApplication.processEvents()
    ok &= report("history window ready", median_ms(open_window, args.runs), 300)
    report("  ... and fully painted (grab)", median_ms(open_and_render, args.runs), None)

    with HistoryStore(path) as store:
        out = io.StringIO()

        def export() -> None:
            out.seek(0)
            out.truncate()
            history_io.dump_json(store, out)
        ok &= report("JSON export (all sessions + steps)", median_ms(export, args.runs), 1000)
        export_file = tmp / "export.json"
        export_file.write_text(out.getvalue(), encoding="utf-8")
        print(f"{'':38} export: {len(out.getvalue()) / 1e6:.1f} MB")

        n = 0

        def import_fresh() -> None:
            nonlocal n
            n += 1
            with HistoryStore(tmp / f"import-{n}.sqlite3") as fresh:
                records, _ = history_io.load_json(export_file, fresh.uuids())
                added, _ = fresh.import_sessions(records)
                assert added == args.sessions
        report("import into an empty history", median_ms(import_fresh, 3), None)

        def import_again() -> None:
            records, _ = history_io.load_json(export_file, store.uuids())
            added, _ = store.import_sessions(records)
            assert added == 0
        report("import again (all already there)", median_ms(import_again, 3), None)

    ok &= bench_report(path, tmp, args.runs)

    with HistoryStore(path) as store:
        settings_tl = compile_timeline(load_catalog().get("windshield-wiper"))
        step_times: list[float] = []
        for _ in range(3):
            clock = FakeClock()
            session = Session(settings_tl, clock)
            recorder = HistoryRecorder(store, session)
            record_step = recorder._on_step_finished

            def timed(result: object, record_step: Callable[[object], None] = record_step
                      ) -> None:
                t = time.perf_counter()
                record_step(result)  # type: ignore[arg-type]
                step_times.append((time.perf_counter() - t) * 1000)
            session.step_finished.disconnect(record_step)
            session.step_finished.connect(timed)
            session.start()
            while session.state is State.RUNNING:
                clock.advance(0.5)
                session.poll()
            assert not recorder.unsaved
        ok &= report(f"record one step ({len(step_times)} steps)",
                     (statistics.median(step_times), sorted(step_times)[-5:]), 5)
        print(f"{'':38} (runs shown: the 5 slowest steps)")
    app.quit()
    if args.keep:
        print(f"\nkept {tmp}")
    else:
        shutil.rmtree(tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
