"""One warm speech cache for a whole test run, linked into every test's own cache folder.

Every test has its own empty XDG cache (conftest ``isolated_dirs``), so each one that plans
or runs a session rendered the same phrases again: ~1,500 renders a run, each an espeak-ng
call plus the vowel-onset measurement (~30 ms of CPU), a third of the suite's CPU time. A
user has a warm cache after the first session; so do the tests now, except those marked
``cold_speech``, which test rendering itself.

Under pytest-xdist the controller builds the template once in a child process
(``python -m tests.speech_template FOLDER``) while the workers start; each worker waits
for it once and hard-links it into its own cache folder, which its tests' caches point
to. That is safe because the app never writes a cache file in place (clips, raw renders
and measurements are written to a temporary name and renamed): a test that renders or
re-measures replaces a link and never touches the template. A test that damages a cache
file in place must be marked ``cold_speech``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

READY, FAILED = "ready", "failed"
SUBDIR = Path("knee-desktop") / "speech"  # under XDG_CACHE_HOME, as paths.cache_dir() puts it
WAIT_SECONDS = 120.0


def phrases() -> list[str]:
    """What the tests' sessions say: the shipped routines and
    the tiny test routine at their own reps and at 2-4, with every prompt and status piece."""
    from bench.labs.routines import TINY
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.plan.timeline import compile_timeline
    from knee_desktop.routine.loader import load_catalog, parse_routine
    from knee_desktop.runtime.driver import SessionDriver

    routines = [*load_catalog().routines.values(), parse_routine(TINY, Path("tiny.toml"))]
    out: list[str] = []
    for routine in routines:
        for reps in (None, 2, 3, 4):
            settings = PlanSettings(reps=reps)
            out += compile_timeline(routine, settings).phrases()
            out += SessionDriver.extra_phrases(routine, settings)
    return list(dict.fromkeys(out))


def build(cache_home: Path) -> None:
    """Render :func:`phrases` into ``cache_home`` at the app's default voice settings
    (the saved-settings defaults) and at the speech layer's own (tests that make a
    SpeechCache directly), one speech worker each, at once."""
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.speech.render import SpeechCache, VoiceSettings

    folder = cache_home / SUBDIR
    todo = phrases()
    saved = UserSettings()
    voices = {VoiceSettings(rate=saved.rate, volume=saved.volume), VoiceSettings()}
    errors: list[BaseException] = []

    def render(voice: VoiceSettings) -> None:
        try:
            SpeechCache(voice, folder=folder).prepare(todo)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=render, args=(voice,)) for voice in voices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def start(cache_home: Path) -> subprocess.Popen[bytes]:
    """Build the template in a child process; it writes the READY or FAILED marker."""
    cache_home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home / "own")}
    return subprocess.Popen([sys.executable, "-m", "tests.speech_template", str(cache_home)],
                            cwd=Path(__file__).resolve().parent.parent, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def marker(cache_home: Path) -> Path:
    return cache_home / "state"


def wait(cache_home: Path, timeout: float = WAIT_SECONDS) -> list[Path] | None:
    """The template's files once it is built; None if it failed or never came."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.05)):
        try:
            state = marker(cache_home).read_text(encoding="utf-8")
        except FileNotFoundError:
            pause.wait(0.05)
            continue
        if state != READY:
            return None
        return sorted(p for p in (cache_home / SUBDIR).iterdir()
                      if p.suffix in (".wav", ".json") and ".raw." not in p.name)
    return None


def link_into(files: list[Path], cache_home: Path) -> None:
    if not files:
        return
    folder = cache_home / SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    for path in files:
        os.link(path, folder / path.name)


def main(argv: list[str]) -> int:
    cache_home = Path(argv[0])
    try:
        build(cache_home)
    except BaseException as exc:
        _mark(cache_home, f"{FAILED}: {exc}")
        return 1
    _mark(cache_home, READY)
    return 0


def _mark(cache_home: Path, state: str) -> None:
    tmp = marker(cache_home).with_suffix(".part")
    tmp.write_text(state, encoding="utf-8")
    tmp.replace(marker(cache_home))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
