"""The output latency is measured from the sound server at run time (our own stream's
figures, nothing recorded), ``KNEE_DESKTOP_OUTPUT_LATENCY_MS`` overrides it, the built-in
figure is the fallback, and the log says which; the audio output's timing follows a
stream that slipped within SLIP_SECONDS instead of two seconds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.labs.pipewire import PrivatePipeWire
from bench.labs.pulse import PrivatePulse
from knee_desktop.runtime import output_latency
from knee_desktop.runtime.output_latency import LATENCY_ENV, PIPELINE_SECONDS, Latency
from knee_desktop.runtime.pulse_introspect import SinkInput
from knee_desktop.runtime.stream_timing import (
    QUICK_SECONDS,
    SETTLE_SECONDS,
    SLIP_SECONDS,
    StreamTiming,
)
from knee_desktop.speech.clip import RATE
from tests.fixtures.audio import either_server

REPO = Path(__file__).resolve().parent.parent


def report(buffer_usec: int, sink_usec: int, **props: str) -> SinkInput:
    return SinkInput(7, 22050, 1, buffer_usec, sink_usec, "protocol-native.c", props)


# ---- from the server's figures to a latency -----------------------------------------------
def test_pulseaudio_figures_give_the_fullest_buffer_plus_the_outputs_least_delay() -> None:
    """The envelope point is right after Qt handed sound over: the buffer at its fullest."""
    reports = [report(b, s) for b, s in ((29000, 10746), (34829, 4837), (31000, 1812),
                                         (29012, 10228), (34829, 5434))]
    got = output_latency.from_server(reports)
    assert got is not None
    assert got.seconds == pytest.approx(0.034829 + 0.001812)
    assert got.how.startswith("measured") and "34.8 ms" in got.how and "1.8 ms" in got.how


def test_pipewire_pulse_zeros_give_an_estimate_from_what_the_stream_asked_for() -> None:
    zeros = report(0, 0, **{"pulse.attr.tlength": "1536", "node.latency": "256/22050"})
    got = output_latency.from_server([zeros, zeros])
    assert got is not None
    assert got.seconds == pytest.approx(1536 / 2 / 22050 + 256 / 22050)
    assert got.how.startswith("estimated") and "reports no latency" in got.how


@pytest.mark.parametrize("props", [{}, {"pulse.attr.tlength": "1536"},
                                   {"pulse.attr.tlength": "x", "node.latency": "256/22050"},
                                   {"pulse.attr.tlength": "1536", "node.latency": "256/0"}])
def test_zeros_without_usable_properties_are_not_a_measurement(props: dict[str, str]) -> None:
    assert output_latency.from_server([report(0, 0, **props)]) is None
    assert output_latency.from_server([]) is None


def test_the_override_wins_and_the_log_still_says_what_was_measured(
        monkeypatch: pytest.MonkeyPatch) -> None:
    measured = Latency(0.0412, "measured: the server holds 34.8 ms")
    monkeypatch.delenv(LATENCY_ENV, raising=False)
    assert output_latency.choose(measured) == (0.0412, measured.how)
    monkeypatch.setenv(LATENCY_ENV, "50")
    seconds, how = output_latency.choose(measured)
    assert seconds == 0.05 and LATENCY_ENV in how and "41.2 ms measured: the server" in how


def test_nothing_measured_falls_back_to_the_built_in_figure_and_says_why(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(LATENCY_ENV, "fifty")
    seconds, how = output_latency.choose(None, "no libpulse connection to the sound server")
    assert seconds == PIPELINE_SECONDS
    assert "built-in" in how and "not measured (no libpulse connection" in how
    assert "is not a number of milliseconds" in caplog.text


def test_no_server_is_said_as_the_reason_for_the_built_in_figure(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE")}
    env.update(XDG_RUNTIME_DIR=str(tmp_path), HOME=str(tmp_path),
               PULSE_SERVER=f"unix:{tmp_path}/none", QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(REPO))
    child = ("from knee_desktop.runtime import output_latency\n"
             "print(output_latency.measure())\n")
    done = subprocess.run([sys.executable, "-c", child], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    assert "(None, 'no libpulse connection to the sound server')" in done.stdout


# ---- the envelope follows a slip ---------------------------------------------------------
@pytest.mark.parametrize(("slip", "within"), [(0.027, QUICK_SECONDS), (0.005, SLIP_SECONDS)])
def test_a_slipped_stream_is_followed_within_slip_seconds(slip: float, within: float) -> None:
    """pipewire-pulse skipping part of the stream (measured: missed graph cycles under
    load): every later frame is heard that much later, and the timing says so within
    QUICK_SECONDS for a big slip, SLIP_SECONDS for a small one; the normal wobble of the
    envelope (the server takes sound between feeds) is not taken for a slip."""
    timing = StreamTiming()
    wobble = [0.0, 0.0016, 0.009, 0.0153, 0.0007, 0.012]  # as measured

    def look(t: float, base: float, k: int) -> None:  # the server took frames at t - wobble
        assert not timing.look(t, round((t - base - wobble[k % len(wobble)]) * RATE))

    t = 100.0
    for k in range(round((SETTLE_SECONDS + 2.0) * 100)):  # settle, then 2 s of feeds
        look(t, 50.0, k)
        t += 0.01
    assert timing.settled and timing.base() == pytest.approx(50.0, abs=1e-4)
    assert timing.slips == 0
    slipped_at = t
    while t < slipped_at + 1.0:
        look(t, 50.0 + slip, round(t * 100))  # every frame from now on is taken later
        if timing.base() == pytest.approx(50.0 + slip, abs=1e-4):
            break
        t += 0.01
    assert timing.base() == pytest.approx(50.0 + slip, abs=1e-4)
    assert t - slipped_at <= within + 0.011
    assert timing.slips == 1


def test_one_late_take_is_not_a_slip() -> None:
    """Qt's sound thread answering the server 30 ms late once: that sound was in the
    server's buffer in time, nothing after it moves."""
    timing = StreamTiming()
    t, consumed = 100.0, 0
    for k in range(300):
        late = 0.03 if k == 200 else 0.0
        consumed = round((t - 50.0 - late) * RATE)
        timing.look(t, consumed)
        t += 0.01
    assert timing.slips == 0 and timing.base() == pytest.approx(50.0, abs=1e-4)


# ---- on real servers -------------------------------------------------------------------------
@pytest.fixture(params=["pulseaudio", "pipewire"])
def server(request: pytest.FixtureRequest) -> Iterator[PrivatePulse | PrivatePipeWire]:
    yield from either_server(request.param, ("test",))


@pytest.mark.audio
def test_the_output_measures_its_latency_at_open_and_logs_it(
        server: PrivatePulse | PrivatePipeWire) -> None:
    """No recording, no ticks: the server's own figures for our stream, in the log; the
    override still wins (and the log still says what was measured)."""
    child = ("import logging, sys\n"
             "logging.basicConfig(level=logging.INFO, stream=sys.stdout)\n"
             "from PySide6.QtCore import QCoreApplication\n"
             "app = QCoreApplication([])\n"
             "from knee_desktop.runtime.audio_output import AudioOutput\n"
             "out = AudioOutput()\n"
             "out.open()\n"
             "print('PIPELINE', out.pipeline)\n"
             "out.close()\n")
    env = dict(server.env(), QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    env.pop(LATENCY_ENV, None)
    runs = {}
    for name, extra in (("measured", {}), ("override", {LATENCY_ENV: "50"})):
        done = subprocess.run([sys.executable, "-c", child], env={**env, **extra}, cwd=REPO,
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        lines = done.stdout.splitlines()
        latency = float(next(x for x in lines if x.startswith("PIPELINE")).split()[1])
        runs[name] = (latency, next(x for x in lines if "output latency" in x))
    latency, logged = runs["measured"]
    word = "measured" if isinstance(server, PrivatePulse) else "estimated"
    assert f"({word}: " in logged, logged
    assert 0.02 < latency < 0.1, logged  # a null sink: a 35 ms buffer plus a few ms
    latency, logged = runs["override"]
    assert latency == 0.05 and LATENCY_ENV in logged
    assert re.search(rf"; \d+\.\d ms {word}: ", logged), logged
