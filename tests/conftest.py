"""Shared fixtures. Qt runs offscreen; every test gets its own config, data and cache dirs.
The fixtures that start a private server (sound, D-Bus) come in as plugins: a test names
them as arguments, never imports them."""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests import speech_template

# Must be set before any QApplication exists (pytest-qt creates it lazily).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent

pytest_plugins = ("tests.fixtures.audio", "tests.fixtures.dbus")


TEMPLATE_ENV = "KNEE_TEST_SPEECH_TEMPLATE"
_template: dict[str, object] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist, the controller starts building the warm speech cache
    (tests/speech_template.py) while the workers start; they inherit where it is."""
    if hasattr(config, "workerinput"):
        # A worker has reported everything by the time the interpreter exits; tearing
        # down Qt and every module then kept the controller waiting ~2 s for the last one.
        # Registered first, so it runs after every other exit handler.
        atexit.register(os._exit, 0)
        return
    if not config.getoption("numprocesses", None):
        return
    home = Path(tempfile.mkdtemp(prefix="knee-speech-template-"))
    _template.update(home=home, builder=speech_template.start(home))
    os.environ[TEMPLATE_ENV] = str(home)


def pytest_unconfigure(config: pytest.Config) -> None:
    builder = _template.pop("builder", None)
    if isinstance(builder, subprocess.Popen):
        builder.kill()
        builder.wait()
        shutil.rmtree(str(_template.pop("home")), ignore_errors=True)
        os.environ.pop(TEMPLATE_ENV, None)


@pytest.fixture(scope="session")
def warm_speech(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """This worker's speech cache, started from the run's template; None without one.
    One folder a worker (its tests run one after another): linking the template into
    every test's folder was 300,000 files a run to make and to clean up."""
    where = os.environ.get(TEMPLATE_ENV)
    files = speech_template.wait(Path(where)) if where else None
    if not files:
        return None
    cache_home = tmp_path_factory.mktemp("warm-cache")
    speech_template.link_into(files, cache_home)
    return cache_home / speech_template.SUBDIR


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                  request: pytest.FixtureRequest) -> Path:
    """Point platformdirs (XDG on Linux) at a temporary home so no test touches real data.
    Its speech cache is this worker's warm one (tests/speech_template.py), unless the test
    is marked ``cold_speech``: clips are content-keyed and written by rename, as in a
    user's own cache, so sharing it between one worker's tests changes no outcome."""
    home = tmp_path / "home"
    for var, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
                     ("XDG_CACHE_HOME", ".cache"), ("XDG_STATE_HOME", ".local/state")):
        path = home / sub
        path.mkdir(parents=True)
        monkeypatch.setenv(var, str(path))
    if request.node.get_closest_marker("cold_speech") is None:
        warm = request.getfixturevalue("warm_speech")
        if warm is not None:
            speech = home / ".cache" / speech_template.SUBDIR
            speech.parent.mkdir(parents=True)
            speech.symlink_to(warm, target_is_directory=True)
    return home


@pytest.fixture
def user_routines(isolated_dirs: Path) -> Path:
    folder = isolated_dirs / ".config" / "knee-desktop" / "routines"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(autouse=True)
def no_leftover_timers(monkeypatch: pytest.MonkeyPatch):
    """Fail a test that leaves a QTimer running (napari's practice): an idle window and a
    stopped session must use no timer at all."""
    from PySide6.QtCore import QTimer

    started: list[QTimer] = []
    original = QTimer.start

    def start(self: QTimer, *args: object) -> None:
        started.append(self)
        original(self, *args)

    monkeypatch.setattr(QTimer, "start", start)
    yield
    running = []
    for timer in started:
        try:
            if timer.isActive():
                running.append(timer.objectName() or repr(timer))
        except RuntimeError:  # already deleted: not running
            pass
    assert not running, f"the test left QTimers running: {running}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start early what runs in real time (sound heard in a recording, sessions and child
    programs that take seconds), but not all at once: pytest-xdist hands tests out in this
    order, so the real-time tests are spread through the first half of the queue with
    quick tests between them. Their long waits then overlap the quick tests instead of
    trailing after them, and while some workers wait on real time, the others keep both
    cores busy (all real-time tests first left the CPU idle for half a minute, and the
    real-sound tests then shared the machine with each other more than with anything)."""
    late = [item for item in items if item.get_closest_marker("late")]
    items[:] = [item for item in items if not item.get_closest_marker("late")]

    def weight(item: pytest.Item) -> int:
        return 0 if item.get_closest_marker("audio") else 1 if item.get_closest_marker(
            "slow") else 2
    items.sort(key=weight)
    real = [item for item in items if weight(item) < 2]
    quick = items[len(real):]
    if not real:
        items.extend(late)
        return
    between = len(quick) // (2 * len(real))
    spread: list[pytest.Item] = []
    for k, item in enumerate(real):
        spread.append(item)
        spread.extend(quick[k * between:(k + 1) * between])
    spread.extend(quick[len(real) * between:])
    # Long and CPU-hungry but timing-tolerant (a screen reader, a speech recogniser): three
    # quarters down the queue, when the tests that measure when a cue is heard (all in the
    # first half) are done; beside them, they made cues late or dropped in one clean-clone
    # run in three. At the very end they added a minute of tail to the run.
    at = len(spread) * 3 // 4
    items[:] = spread[:at] + late + spread[at:]


# Under pytest-xdist, CPU-bound tests run beside the ones that play real sound. A user's
# machine gives the app its share of the CPU; so do the tests: the worker of a real-sound
# test (and the server, the app and the recorder it starts, which inherit it) runs at
# normal priority, the others at nice 19: whatever they do, the app under test gets the
# CPU it asks for, and they take the rest. Lowering it again needs root (CI is root);
# elsewhere everything stays at normal priority, as before.
BATCH_NICENESS = 19
_renice = os.environ.get("PYTEST_XDIST_WORKER") is not None and os.geteuid() == 0


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if _renice:
        nice = 0 if item.get_closest_marker("audio") else BATCH_NICENESS
        os.setpriority(os.PRIO_PROCESS, 0, nice)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what collection imported (PySide6, the package, the test modules) out of the
    collector's reach: it lives as long as the run, and scanning it again after every test
    cost a quarter of the suite's CPU time. Objects the tests create are still collected."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def collect_on_the_main_thread():
    """Free each test's Qt objects on the main thread. Left in reference cycles, they could
    be collected later by whichever thread allocates (a recorder thread of the audio tests),
    and a Qt object destroyed on a foreign thread crashes the process."""
    yield
    gc.collect()


# ---- the main window on fake timers with a recording voice (a test file may override) ----
@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    from knee_desktop.session.clock import FakeClock

    return FakeClock()


@pytest.fixture
def timers(clock):  # type: ignore[no-untyped-def]
    from knee_desktop.runtime.timers import FakeTimers

    return FakeTimers(clock)


@pytest.fixture
def voice():  # type: ignore[no-untyped-def]
    from tests.fakes import RecordingVoice

    return RecordingVoice()


@pytest.fixture
def inhibitor():  # type: ignore[no-untyped-def]
    from tests.fakes import FakeInhibitor

    return FakeInhibitor()


@pytest.fixture
def plan_settings():  # type: ignore[no-untyped-def]
    from knee_desktop.plan.settings import PlanSettings

    return PlanSettings(reps=3)


@pytest.fixture
def window(qtbot, timers, voice, inhibitor, plan_settings, monkeypatch):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from knee_desktop.routine.loader import load_catalog
    from knee_desktop.ui.session.main_window import MainWindow

    # closing a window mid-session asks first (tested on its own): here, the answer is yes
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win = MainWindow(load_catalog(), lambda: voice, timers=timers,
                     settings=plan_settings, inhibitor=inhibitor)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win



@pytest.fixture(autouse=True)
def no_leftover_dialogs():
    """A dialog a test leaves open (the app's own notices: no audio output, a voice note)
    is hidden when the test ends: a modal box left up in a worker would swallow the keys of
    every later test there (Space at launch did nothing, once in a full run). Hidden, not
    answered: no app slot runs after the test."""
    yield
    import sys
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication, QDialog
    if QApplication.instance() is None:
        return
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.hide()
            widget.deleteLater()
