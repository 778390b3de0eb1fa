"""The window under a real Wayland compositor (a private headless Weston), the second-launch
hand-over with an XDG activation token, and the reminder without a tray: a desktop
notification (a private dunst) whose click opens the window."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QIcon

from bench.labs import REPO, run_module
from bench.labs.app_run import wait_until
from bench.labs.weston import PrivateNotifications, PrivateWeston, WestonUnavailable
from knee_desktop.desktop.tray import ReminderController
from knee_desktop.prefs.user_settings import Reminder
from tests.fixtures.audio import serve


@pytest.fixture
def notifications() -> Iterator[PrivateNotifications]:
    yield from serve(lambda: PrivateNotifications().start(), WestonUnavailable)


@pytest.fixture
def weston() -> Iterator[PrivateWeston]:
    yield from serve(lambda: PrivateWeston().start(), WestonUnavailable)


def test_reminder_without_a_tray_is_a_notification_whose_click_opens_the_window(
        qtbot, monkeypatch, notifications: PrivateNotifications) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", notifications.address)
    now = dt.datetime(2026, 1, 5, 9, 0, 1)
    controller = ReminderController(QIcon(), now=lambda: now)
    controller.apply(Reminder(True, dt.time(9, 0), frozenset(range(7))))
    controller._due = dt.datetime(2026, 1, 5, 9, 0)  # due a second ago
    assert controller.tray is None  # offscreen: no system tray, as on GNOME
    opened: list[bool] = []
    controller.open_requested.connect(lambda: opened.append(True))
    controller.check()
    assert opened == []  # not yet: the notification waits for the user
    assert wait_until(lambda: notifications.displayed() == 1)
    with qtbot.waitSignal(controller.open_requested, timeout=10_000):
        assert notifications.dunstctl("action", "0").returncode == 0  # the user clicks it
    controller.stop()
    assert controller._notify is not None
    controller._notify.close()


def launch(env: dict[str, str], *args: str, log: Path | None = None
           ) -> subprocess.Popen[str]:
    full = dict(env, PYTHONPATH=str(REPO))
    out = log.open("w") if log else None
    try:
        return subprocess.Popen([sys.executable, "-m", "knee_desktop", *args], env=full,
                                cwd=REPO, stdout=subprocess.PIPE,
                                stderr=out or subprocess.PIPE, text=True)
    finally:
        if out is not None:
            out.close()


@pytest.mark.slow
def test_window_and_second_launch_hand_over_under_weston(
        tmp_path: Path, weston: PrivateWeston, notifications: PrivateNotifications) -> None:
    env = notifications.env(weston.env())
    log = tmp_path / "first.log"
    first = launch(env, "-v", "--silent", log=log)
    try:
        assert wait_until(lambda: "single instance: listening" in log.read_text()), \
            log.read_text()
        second = subprocess.run(
            [sys.executable, "-m", "knee_desktop", "--silent"],
            env=dict(env, PYTHONPATH=str(REPO), XDG_ACTIVATION_TOKEN="token-from-launcher"),
            cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
        assert second.returncode == 0, second.stderr
        assert "already open" in second.stdout
        assert wait_until(lambda: "came forward" in log.read_text()
                          or "notification shown" in log.read_text()), log.read_text()
        text = log.read_text()
        assert "handed over its arguments: ['--silent'] (with an activation token)" in text
        assert "bringing the window forward on Wayland (with an activation token)" in text
        if "notification shown" in text:
            # Weston 10 has no xdg-activation: the user is told instead, and a click on
            # the notification brings the window forward (again).
            assert wait_until(lambda: notifications.displayed() == 1)
            assert notifications.dunstctl("action", "0").returncode == 0
            assert wait_until(lambda: "notification clicked" in log.read_text())
        assert first.poll() is None, "the first window is still open"
    finally:
        first.terminate()
        first.wait(10)
        first.stdout.close()  # type: ignore[union-attr]
    text = log.read_text()
    assert "does not support raise()" not in text
    assert "Traceback" not in text


@pytest.mark.slow
def test_window_dialog_and_keys_under_weston(weston: PrivateWeston) -> None:
    done = subprocess.run(run_module("bench.labs.wayland_check"), env=weston.env(), cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["platform"] == "wayland"
    assert result["window exposed"] and result["dialog exposed"]
    assert result["Space pauses"] and result["Esc Esc stops"]
    assert result["qt warnings"] == []
