"""History import fuzzing: a large corpus of import files through the real command
(`knee-desktop history --import`) into a history that already holds a session, then every
reader (`history`, `--json` re-imported, `--csv`, the window's table model).

Prints: tries, clear messages, crash reports, hangs, partial imports, broken histories (all
but tries and imports should be 0), and the median time per try. Besides the generated files
it tries odd files: a FIFO, a directory, /dev/zero, a symlink to it, a sparse 65 MB file and
JSON nested 100,000 deep.
Run: `python -m bench.fuzz_history [--tries N] [--seed N] [--hang-seconds S]`.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang


def odd_files(folder: Path) -> list[Path]:
    fifo = folder / "fifo.json"
    os.mkfifo(fifo)
    directory = folder / "dir.json"
    directory.mkdir()
    link = folder / "zero.json"
    link.symlink_to("/dev/zero")
    sparse = folder / "sparse.json"
    with sparse.open("wb") as f:
        f.truncate(65 * 1024 * 1024)
    return [fifo, directory, Path("/dev/zero"), link, sparse]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--hang-seconds", type=float, default=20.0)
    parser.add_argument("--generated-only", action="store_true",
                        help="skip the odd files (an unbounded reader eats all memory on "
                        "/dev/zero: use this to measure an old version)")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="knee-fuzz-"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[var] = str(home / var.lower())
    from PySide6.QtWidgets import QApplication

    from bench.labs.history_corpus import _main, corpus_case, nested, run_case
    from knee_desktop.history.store import HistoryStore

    app = QApplication.instance() or QApplication([])  # noqa: F841 - the table model needs it
    signal.signal(signal.SIGALRM, _alarm)
    counts: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}
    took: list[float] = []
    rnd = random.Random(args.seed)
    texts = [nested(100_000)] + [corpus_case(rnd) for _ in range(args.tries)]
    for n, text in enumerate(texts):
        work = home / f"case-{n}"
        work.mkdir()
        t0 = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, args.hang_seconds)
        try:
            outcome, detail = run_case(text, work)
        except Hang:
            outcome, detail = "hang", text[:300]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        took.append(time.perf_counter() - t0)
        counts[outcome] += 1
        examples.setdefault(outcome, detail[:400])
        for p in sorted(work.rglob("*"), reverse=True):
            p.rmdir() if p.is_dir() else p.unlink()
        work.rmdir()

    odd = home / "odd"
    odd.mkdir()
    with HistoryStore() as store:
        before = store.count()
    for path in [] if args.generated_only else odd_files(odd):
        signal.setitimer(signal.ITIMER_REAL, args.hang_seconds)
        try:
            rc, _, err = _main("history", "--import", str(path))
            outcome = "message" if rc == 2 and str(path) in err and "went wrong" not in err \
                else "crash"
        except Hang:
            outcome, err = "hang", ""
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        with HistoryStore() as store:
            if store.count() != before:
                outcome = "partial"
        counts[outcome] += 1
        examples.setdefault(outcome, err[:400])

    tries = sum(counts.values())
    print(f"tries: {tries}")
    print(f"  imported whole, read back by every reader: {counts['imported']}")
    print(f"  clear messages (nothing imported): {counts['message']}")
    print(f"  crash reports: {counts['crash']}")
    print(f"  hangs (> {args.hang_seconds:g} s): {counts['hang']}")
    print(f"  partial imports: {counts['partial']}")
    print(f"  broken histories: {counts['broken']}")
    print(f"median per try: {statistics.median(took) * 1000:.1f} ms")
    for outcome in ("crash", "hang", "partial", "broken"):
        if outcome in examples:
            print(f"first {outcome}: {examples[outcome]}")
    shutil.rmtree(home, ignore_errors=True)
    bad = counts["crash"] + counts["hang"] + counts["partial"] + counts["broken"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
