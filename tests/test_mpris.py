"""MPRIS2 against a private dbus-daemon: an outside client (gdbus) calls the methods and reads
the properties; every call reaches the same control as the keys and is confirmed aloud."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from PySide6.QtDBus import QDBusConnection
from pytestqt.qtbot import QtBot

from knee_desktop.desktop import mpris
from knee_desktop.desktop.mpris import PATH, SERVICE, MediaPlayer
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.runtime.driver import CONFIRM_STOP
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import PAUSED_SAY, RESUMING_SAY, STOPPED_SAY, State
from knee_desktop.ui.app.media_link import MediaLink, start_media
from knee_desktop.ui.session.main_window import MainWindow
from tests.fakes import RecordingVoice
from tests.fixtures.dbus import PrivateBus

PLAYER = "org.mpris.MediaPlayer2.Player"


@pytest.fixture
def plan_settings() -> PlanSettings:
    return PlanSettings(reps=3, lead_in_seconds=1, pause_seconds=1)


@pytest.fixture
def linked(window: MainWindow, clock: FakeClock, voice: RecordingVoice,
           private_bus: PrivateBus
           ) -> Iterator[tuple[MainWindow, FakeClock, RecordingVoice, MediaLink, PrivateBus]]:
    """The conftest window (closing it answers yes) on MPRIS, on a private bus."""
    bus = QDBusConnection.connectToBus(private_bus.address, f"mpris-test-{time.monotonic()}")
    link = start_media(window, bus)
    assert link is not None
    yield window, clock, voice, link, private_bus
    link.player.close()
    window.driver.close()
    QDBusConnection.disconnectFromBus(bus.name())


def call(qtbot: QtBot, bus: PrivateBus, method: str, *args: str) -> str:
    return bus.gdbus(qtbot, "call", "--session", "-d", SERVICE, "-o", PATH, "-m", method, *args)


def prop(qtbot: QtBot, bus: PrivateBus, name: str, iface: str = PLAYER) -> str:
    return call(qtbot, bus, "org.freedesktop.DBus.Properties.Get", iface, name)


def step(window: MainWindow, clock: FakeClock, seconds: float) -> None:
    timers = window.driver.timers
    assert isinstance(timers, FakeTimers)
    for _ in range(round(seconds / 0.05)):
        timers.advance(0.05)


def test_identity_and_idle_state(qtbot: QtBot, linked) -> None:
    window, _, _, _, bus = linked
    root = call(qtbot, bus, "org.freedesktop.DBus.Properties.GetAll", "org.mpris.MediaPlayer2")
    assert "'Identity': <'Knee routine'>" in root and "'CanRaise': <true>" in root
    assert "'DesktopEntry': <'io.github.kneedesktop.KneeDesktop'>" in root
    player = call(qtbot, bus, "org.freedesktop.DBus.Properties.GetAll", PLAYER)
    assert "'PlaybackStatus': <'Stopped'>" in player
    assert "'CanPlay': <true>" in player and "'CanPause': <false>" in player
    assert "'CanGoNext': <false>" in player and "'Position': <int64 0>" in player
    assert window.routine is not None
    assert f"'xesam:album': <'{window.routine.title}'>" in player
    assert "'xesam:title': <'Ready to start'>" in player


def test_media_calls_drive_the_session_and_are_confirmed_aloud(qtbot: QtBot, linked) -> None:
    window, clock, voice, _, bus = linked
    ctl = window.driver
    monitor, log = bus.monitor(SERVICE)
    try:
        call(qtbot, bus, f"{PLAYER}.Play")  # idle: the Start button
        qtbot.waitUntil(lambda: ctl.state is State.RUNNING)
        step(window, clock, 4.0)
        assert "'Playing'" in prop(qtbot, bus, "PlaybackStatus")
        # GNOME Shell lists a player only while CanPlay is true (bench/gnome_shell_lab.py)
        assert "<true>" in prop(qtbot, bus, "CanPlay")
        meta = prop(qtbot, bus, "Metadata")
        assert window.routine is not None and f"'xesam:album': <'{window.routine.title}'>" in meta
        span = ctl.session.current_step if ctl.session else None
        assert span is not None and f"'xesam:title': <'{span.title}'>" in meta
        assert "objectpath '/io/github/kneedesktop/step/" in meta
        assert " of " in meta  # "Step 2 of 9" or "2 of 3"

        call(qtbot, bus, f"{PLAYER}.PlayPause")
        qtbot.waitUntil(lambda: ctl.state is State.PAUSED)
        assert voice.said[-1] == PAUSED_SAY
        assert "'Paused'" in prop(qtbot, bus, "PlaybackStatus")
        assert "<true>" in prop(qtbot, bus, "CanPlay")

        call(qtbot, bus, f"{PLAYER}.Play")
        qtbot.waitUntil(lambda: ctl.state is State.RUNNING)
        assert voice.said[-1] == RESUMING_SAY

        before = ctl.session.current_step.index if ctl.session else -1
        call(qtbot, bus, f"{PLAYER}.Next")
        qtbot.waitUntil(lambda: ctl.session is not None
                        and ctl.session.current_step.index == before + 1)
        assert voice.said[-1].startswith("Skipping")
        step(window, clock, 0.5)
        assert ctl.session is not None
        title = ctl.session.current_step.title
        assert f"'xesam:title': <'{title}'>" in prop(qtbot, bus, "Metadata")

        heard = len(voice.played)
        call(qtbot, bus, f"{PLAYER}.Previous")  # R: the last cue again
        qtbot.waitUntil(lambda: len(voice.played) > heard)

        call(qtbot, bus, f"{PLAYER}.Stop")  # Esc: asks first, aloud
        qtbot.waitUntil(lambda: voice.said[-1] == CONFIRM_STOP)
        assert ctl.active
        call(qtbot, bus, f"{PLAYER}.Stop")
        qtbot.waitUntil(lambda: ctl.state is State.STOPPED)
        assert voice.said[-1] == STOPPED_SAY
        assert "'Stopped'" in prop(qtbot, bus, "PlaybackStatus")
    finally:
        monitor.terminate()
        monitor.wait(timeout=5)
    signals = [line for line in log.read_text().splitlines() if "PropertiesChanged" in line]
    assert any("'PlaybackStatus': <'Playing'>" in s for s in signals)
    assert any("'PlaybackStatus': <'Paused'>" in s for s in signals)
    assert any("'PlaybackStatus': <'Stopped'>" in s for s in signals)
    assert any("'xesam:title'" in s for s in signals)
    assert all(s.rstrip().endswith("@as [])") for s in signals)  # invalidated: an empty as


def test_a_call_that_opens_a_dialog_is_answered_at_once(qtbot: QtBot, linked) -> None:
    """Play when idle asks the knee question first (a modal dialog): the D-Bus call must
    not wait for it."""
    window, *_, bus = linked
    asked: list[bool] = []

    def before() -> bool:
        asked.append(True)
        return False  # like Escape on the question: no start
    window.before_session = before
    started = time.monotonic()
    call(qtbot, bus, f"{PLAYER}.PlayPause")
    assert time.monotonic() - started < 5
    qtbot.waitUntil(lambda: asked == [True])
    assert not window.driver.active


def test_play_while_the_knee_question_is_open_asks_once(qtbot: QtBot, linked) -> None:
    window, _, _, link, _ = linked
    asked: list[bool] = []

    def before() -> bool:  # the question is open (a nested event loop): Play again
        asked.append(True)
        link.dispatch("play")
        return True
    window.before_session = before
    link.dispatch("play_pause")
    assert asked == [True] and window.driver.state is State.RUNNING


def test_no_bus_runs_without_mpris_and_says_so_once(qtbot: QtBot,
                                                    caplog: pytest.LogCaptureFixture,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mpris, "_warned", False)
    bus = QDBusConnection.connectToBus("unix:path=/nonexistent/bus", "mpris-no-bus")
    with caplog.at_level(logging.WARNING):
        assert not MediaPlayer().start(bus)
        assert not MediaPlayer().start(bus)
    warnings = [r for r in caplog.records if "Media keys" in r.getMessage()]
    assert len(warnings) == 1 and "no D-Bus session bus" in warnings[0].getMessage()
    QDBusConnection.disconnectFromBus("mpris-no-bus")
