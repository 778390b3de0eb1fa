"""One instance: a second launch hands its arguments to the first (two real processes)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDir

from knee_desktop.common.logging_setup import log_file
from knee_desktop.desktop.single_instance import (
    MAX_MESSAGE,
    SingleInstance,
    send_to_running,
    server_name,
)

APP = [sys.executable, "-m", "knee_desktop"]


def log_text() -> str:
    path = log_file()
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.fixture
def env() -> dict[str, str]:
    # The isolated XDG dirs are in os.environ already (conftest); Qt runs offscreen.
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


@pytest.fixture
def first(env: dict[str, str], qtbot) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(APP, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        qtbot.waitUntil(lambda: "single instance: listening" in log_text()
                        or proc.poll() is not None, timeout=30_000)
        assert proc.poll() is None, proc.communicate()
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.communicate(timeout=30)


@pytest.mark.slow
def test_second_launch_hands_over_and_exits(first, env, qtbot):
    second = subprocess.run([*APP, "--start", "windshield-wiper", "--reps", "3"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert "already open" in second.stdout
    qtbot.waitUntil(lambda: "handed over its arguments: ['--start', 'windshield-wiper', "
                    "'--reps', '3']" in log_text(), timeout=10_000)
    assert first.poll() is None  # the first one is still running


@pytest.mark.slow
def test_a_crashed_instance_leaves_a_stale_socket_that_is_recovered(first, env, qtbot):
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    socket_file = Path(QDir.tempPath()) / server_name()
    assert socket_file.exists()  # the crash left it behind
    shown = log_text().count("window: shown")  # 0 or 1: it may have died before showing
    again = subprocess.Popen(APP, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    qtbot.waitUntil(lambda: log_text().count("window: shown") == shown + 1
                    or again.poll() is not None, timeout=30_000)
    again.terminate()  # SIGTERM: quits cleanly
    _, err = again.communicate(timeout=30)
    assert again.returncode == 0, err
    assert "removing the stale server" in log_text()


@pytest.mark.slow
def test_sigterm_mid_session_stops_records_and_quits(env, qtbot, tmp_path):
    """Logging out during a session: the session is stopped and recorded as stopped, and
    the app quits without asking (there is no one to answer)."""
    from bench.labs.routines import tiny_routine
    from knee_desktop.history.store import HistoryStore

    proc = subprocess.Popen([*APP, "--start", str(tiny_routine(tmp_path)), "--silent",
                             "--lead-in", "10"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: "session started: tiny" in log_text() or proc.poll() is not None,
                    timeout=30_000)
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    with HistoryStore() as store:
        (record,) = store.sessions()
    assert record.end_state == "stopped" and record.routine_id == "tiny"


def test_in_process_server_and_bad_messages(qtbot):
    name = server_name() + "-t"
    server = SingleInstance(name)
    assert server.listen()
    rival = SingleInstance(name)
    assert not rival.listen()  # a live server: the name is taken
    received: list[list[str]] = []
    server.received.connect(received.append)
    # send_to_running blocks on the reply, which needs this process's event loop: so only
    # the failure paths run in-process; the two-process tests cover the hand-over.
    assert not send_to_running(["x"], name + "-nobody")
    server.close()
    rival.close()
    assert received == []


def _ask(name: str, payload: bytes, qtbot) -> bytes:
    """Send ``payload`` to the server at ``name`` and wait (running this process's event
    loop, where the server answers) for its answer, or for it to hang up."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(name)
    client.sendall(payload)
    client.setblocking(False)
    reply = [b""]

    def answered() -> bool:
        try:
            chunk = client.recv(64)
        except BlockingIOError:
            return False
        reply[0] += chunk
        return not chunk or b"\n" in reply[0]

    qtbot.waitUntil(answered, timeout=5_000)
    client.close()
    return bytes(reply[0])


def test_the_server_answers_each_message_and_hands_good_ones_on(qtbot):
    name = server_name() + "-m"
    server = SingleInstance(name)
    assert server.listen()
    assert stat.S_IMODE(os.stat(name).st_mode) == 0o600  # only this user may connect
    received: list[list[str]] = []
    server.received.connect(received.append)
    good = json.dumps({"argv": ["--start", "windshield-wiper"], "token": "t-1"}).encode()
    assert _ask(name, good + b"\n", qtbot) == b"ok\n"
    assert received == [["--start", "windshield-wiper"]] and server.token == "t-1"
    assert _ask(name, b"{not json\n", qtbot) == b"bad\n"
    assert _ask(name, json.dumps({"argv": [1]}).encode() + b"\n", qtbot) == b"bad\n"
    # a line without end is not kept beyond MAX_MESSAGE: the server hangs up, unanswered
    assert _ask(name, b"x" * (MAX_MESSAGE + 1), qtbot) == b""
    assert received == [["--start", "windshield-wiper"]]
    server.close()
    assert not os.path.exists(name)  # closed: the name is free for the next launch


def test_a_socket_left_by_a_crash_is_taken_over_in_process() -> None:
    name = server_name() + "-s"
    crashed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    crashed.bind(name)  # bound and never listened on: what a killed instance leaves
    crashed.close()
    server = SingleInstance(name)
    assert server.listen()  # nobody answers there: removed and listened on again
    assert not send_to_running(["x"], name + "-nobody")
    server.close()


def test_the_socket_lives_in_a_private_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    from knee_desktop.desktop import single_instance as si

    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    short = Path(tempfile.mkdtemp(prefix="kd-"))  # not the real /tmp/knee-desktop-UID, which
    monkeypatch.setattr(si.tempfile, "gettempdir", lambda: str(short))  # other runs share
    name = si.server_name()
    assert name is not None
    folder = Path(name).parent
    assert folder.parent == short
    assert folder.name == f"knee-desktop-{os.getuid()}"
    assert folder.stat().st_mode & 0o777 == 0o700 and folder.stat().st_uid == os.getuid()
    runtime = short / "run"  # short: a socket path has at most 107 bytes
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert Path(si.server_name() or "").parent == runtime
    runtime.chmod(0o755)  # not private: the temporary folder's own 0700 folder instead
    assert Path(si.server_name() or "").parent == folder
    shutil.rmtree(short)


def test_a_squatted_folder_is_never_used(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    from knee_desktop.desktop import single_instance as si

    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(si.tempfile, "gettempdir", lambda: str(tmp_path))
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    (tmp_path / f"knee-desktop-{os.getuid()}").symlink_to(tmp_path / "elsewhere")
    assert si.server_name() is None  # a link planted by someone else
    server = SingleInstance()
    assert server.listen() and server.name is None  # the window opens, nothing listens
    assert not send_to_running(["--start", "x"])


def test_handed_over_messages_must_be_a_short_list_of_strings() -> None:
    from knee_desktop.desktop.single_instance import MAX_ARGS, _argv

    assert _argv({"argv": ["--start", "windshield-wiper"]}) == ["--start", "windshield-wiper"]
    for bad in ({"argv": [1, 2]}, {"argv": {"a": 1}}, {"argv": ["x"] * (MAX_ARGS + 1)}, [],
                {"argv": "--start"}):
        with pytest.raises(TypeError):
            _argv(bad)


def test_the_activation_token_is_a_short_string_or_none() -> None:
    from knee_desktop.desktop.single_instance import MAX_TOKEN, _token

    assert _token({"argv": [], "token": "abc_123"}) == "abc_123"
    assert _token({"argv": []}) == "" and _token({"argv": [], "token": None}) == ""
    for bad in (["x"], 5, {"t": 1}, "x" * (MAX_TOKEN + 1)):
        with pytest.raises(TypeError):
            _token({"argv": [], "token": bad})
