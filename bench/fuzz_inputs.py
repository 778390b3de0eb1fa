"""Fuzz the user's input files at scale and count what happens, per area.

    .venv/bin/python -m bench.fuzz_inputs [--examples 1000] [--timeout 5]

Areas: routine files (generated, plus the special files of issue 13: a FIFO, a link to
/dev/zero, a folder, a 2 MiB file), settings files (the same), session options, and issue
29's: text the command line prints (routine titles, file names, imported sessions), files
the app writes (over links, FIFOs, devices, folders), and our own history export taken back
in. A write that changes what it must not, or a session lost on the way, counts as lost. Each try
ends as accepted, a clear message (one paragraph naming the file), a crash (any other
exception or a bad message), or a hang (longer than --timeout). For routine files it also
counts good routines hidden: the shipped routines must still be listed next to the fuzzed
file. The same generators run in CI with few examples (tests/test_fuzz_inputs.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bench.labs.fuzz_hostile import (
    DataLost,
    check_export,
    check_terminal,
    check_write,
    export_texts,
    hostile_text,
    write_targets,
)
from bench.labs.fuzz_strategies import (
    check_options,
    check_routine,
    check_settings,
    option_argv,
    routine_bytes,
    settings_bytes,
)
from knee_desktop.common import paths
from knee_desktop.routine.loader import load_catalog


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def fire(_sig: int, _frame: object) -> None:
        raise Hang

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class Area:
    def __init__(self, name: str, timeout: float) -> None:
        self.name = name
        self.timeout = timeout
        self.counts: Counter[str] = Counter()
        self.examples: list[str] = []
        self.times: list[float] = []

    def run(self, check: Callable[[], str], shown: object) -> None:
        self.counts["tries"] += 1
        start = time.perf_counter()
        try:
            with time_limit(self.timeout):
                self.counts[check()] += 1
        except Hang:
            self.counts["hangs"] += 1
            self._keep("hang", shown)
        except DataLost as exc:
            self.counts["lost"] += 1
            self._keep(f"lost: {exc}", shown)
        except Exception as exc:  # a crash report in real use
            self.counts["crashes"] += 1
            self._keep(f"{type(exc).__name__}: {str(exc)[:160]}", shown)
        self.times.append(time.perf_counter() - start)

    def _keep(self, what: str, shown: object) -> None:
        if len(self.examples) < 5:
            self.examples.append(f"{what}  <- {repr(shown)[:160]}")

    def line(self) -> str:
        c = self.counts
        ms = statistics.median(self.times) * 1000 if self.times else 0.0
        extra = f"  hidden {c['hidden']}" if self.name == "routine files" else ""
        return (f"{self.name:15} tries {c['tries']:5}  accepted {c['accepted']:5}  "
                f"messages {c['message']:5}  crashes {c['crashes']:3}  hangs {c['hangs']:3}"
                f"  lost {c['lost']:3}{extra}  (median {ms:.2f} ms, "
                f"slowest {max(self.times, default=0):.2f} s)")


def _hidden(folder: Path) -> bool:
    catalog = load_catalog((paths.shipped_routines_dir(), folder))
    return not {"windshield-wiper", "thigh-massage"} <= set(catalog.routines)


def _special(folder: Path, name: str) -> list[tuple[str, Callable[[], None]]]:
    path = folder / name

    def fifo() -> None:
        os.mkfifo(path)

    def zero() -> None:
        path.symlink_to("/dev/zero")

    def directory() -> None:
        path.mkdir()

    def big() -> None:
        path.write_bytes(b"# " + b"x" * (2 << 20))

    return [("fifo", fifo), ("link to /dev/zero", zero), ("folder", directory),
            ("2 MiB", big)]


def _clear_folder(folder: Path) -> None:
    for p in folder.iterdir():
        if p.is_dir() and not p.is_symlink():
            p.rmdir()
        else:
            p.unlink()


def fuzz(area: Area, strategy: st.SearchStrategy[Any], check: Callable[[Any], str],
         examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def one(value: Any) -> None:
        area.run(lambda: check(value), value)

    one()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="tries per area")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds before a hang")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for var, sub in (("XDG_CONFIG_HOME", "c"), ("XDG_DATA_HOME", "d"),
                         ("XDG_STATE_HOME", "s"), ("XDG_CACHE_HOME", "k")):
            os.environ[var] = str(root / sub)
        folder = root / "routines"
        folder.mkdir()
        routines = Area("routine files", opts.timeout)

        def routine_check(raw: bytes) -> str:
            _clear_folder(folder)
            outcome = check_routine(raw, folder)
            if _hidden(folder):
                routines.counts["hidden"] += 1
            return outcome

        fuzz(routines, routine_bytes(), routine_check, opts.examples)
        for what, make in _special(folder, "fuzz.toml"):
            _clear_folder(folder)
            make()
            routines.run(lambda: _special_routine(folder), what)

        settings_dir = root / "settings"
        settings_dir.mkdir()
        prefs = Area("settings files", opts.timeout)
        fuzz(prefs, settings_bytes(), lambda raw: check_settings(raw, settings_dir),
             opts.examples)
        for what, make in _special(settings_dir, "settings.toml"):
            _clear_folder(settings_dir)
            make()
            prefs.run(lambda: _special_settings(settings_dir), what)

        options = Area("session options", opts.timeout)
        fuzz(options, option_argv(), check_options, opts.examples)
        hostile = _hostile_areas(root, opts.examples, opts.timeout)

    reproductions()
    areas = (routines, prefs, options, *hostile)
    for area in areas:
        print(area.line())
        for example in area.examples:
            print(f"    {example}")
    bad = sum(a.counts["crashes"] + a.counts["hangs"] + a.counts["hidden"] + a.counts["lost"]
              for a in areas)
    return 1 if bad else 0


def _hostile_areas(root: Path, examples: int, timeout: float) -> tuple[Area, ...]:
    """Issue 29's areas: printed text, written files, the export round trip (a tenth of
    the examples for the two that run commands or a history each try)."""
    user = paths.user_routines_dir()
    user.mkdir(parents=True, exist_ok=True)
    printed = Area("printed text", timeout)
    fuzz(printed, st.tuples(hostile_text(), hostile_text()),
         lambda v: check_terminal(v[0], v[1], user), max(10, examples // 10))
    writes_dir = root / "writes"
    writes_dir.mkdir()
    writes = Area("file writes", timeout)
    fuzz(writes, write_targets(), lambda t: check_write(*t, writes_dir), examples)
    exports_dir = root / "exports"
    exports_dir.mkdir()
    exports = Area("export trips", timeout)
    fuzz(exports, export_texts(), lambda t: check_export(t, exports_dir),
         max(10, examples // 10))
    return printed, writes, exports


def reproductions(repeat: int = 11) -> None:
    """Median time to a message for issue 13's slow routine files (before: 30 s and ~3 GB
    for the format spec; a hang or a crash for the others), for the 1 MiB file of a quarter
    of a million numbers (before issue 29's value budget: tomllib's own ~1 s), and for issue
    29's parse bombs (before: ≥ 10 s for 30k digit parts, a hang for 250k, 3,000 steps
    rendered ~6,000 phrases in `routines`)."""
    from bench.labs.routines import GOOD
    from knee_desktop.common.errors import RoutineError
    from knee_desktop.routine.loader import parse_routine

    cases = {
        "{leg:>1000000000}": GOOD.replace("{reps} times", "{leg:>1000000000}"),
        "arrays 1,000 deep": "a = " + "[" * 1000 + "]" * 1000,
        "5,000-digit integer": "a = " + "9" * 5000,
        "100k dotted keys": "a" + ".a" * 100_000 + " = 1",
        "1 MiB of numbers": "a = [" + "1.5," * (1 << 18) + "]",
        # issue 29: past the old shape check (before: ≥ 10 s, a hang, 6,000 phrases)
        "30k digit key parts": "1" + ".2" * 30_000 + " = 1",
        "250k digit key parts": "1" + ".2" * 250_000 + " = 1",
        "3,000 steps": GOOD + '\n[[steps]]\ntype = "say"\nsay = "x"\n' * 3000,
        "10k tables": "".join(f"[t{i}]\n" for i in range(10_000)),
    }
    for name, text in cases.items():
        times = []
        for _ in range(repeat if len(text) < 100_000 or "dotted" in name else 3):
            start = time.perf_counter()
            with suppress(RoutineError):
                parse_routine(text, Path("x.toml"))
            times.append(time.perf_counter() - start)
        print(f"{name:22} median {statistics.median(times) * 1000:9.3f} ms")


def _special_routine(folder: Path) -> str:
    from knee_desktop.common.errors import RoutineError
    from knee_desktop.routine.loader import load_routine_file

    try:
        load_routine_file(folder / "fuzz.toml")
    except RoutineError:
        if _hidden(folder):
            raise AssertionError("good routines hidden") from None
        return "message"
    return "accepted"


def _special_settings(folder: Path) -> str:
    from knee_desktop.prefs import user_settings as us

    result = us.load(folder / "settings.toml")
    assert result.messages, "no message for a special file"
    return "message"


if __name__ == "__main__":
    sys.exit(main())
