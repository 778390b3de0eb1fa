"""A private PulseAudio server for audio tests (marker ``audio``): null sink, own runtime
dir, stopped by its pid. Qt's sound engine connects once per process, so tests that play
real sound do it in a subprocess that gets :meth:`PrivatePulse.env`."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from bench.pipewire_lab import PrivatePipeWire, missing_programs
from bench.pulse_lab import PrivatePulse, PulseUnavailable

T = TypeVar("T")


def serve(start: Callable[[], T], unavailable: type[Exception]) -> Iterator[T]:
    """A private server for one test: skipped (saying why) where it cannot run, stopped after."""
    try:
        server = start()
    except unavailable as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.stop()  # type: ignore[attr-defined]


def wait_until(predicate: Callable[[], Any], timeout: float = 20.0) -> bool:
    """Poll ``predicate`` every 50 ms (another process is doing the work) until true."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return True
        pause.wait(0.05)
    return False


@pytest.fixture
def pulse() -> Iterator[PrivatePulse]:
    if shutil.which("pulseaudio") is None or shutil.which("parec") is None:
        pytest.skip("needs pulseaudio and parec (apt-get install pulseaudio pulseaudio-utils)")
    yield from serve(lambda: PrivatePulse(("test",)).start(), PulseUnavailable)


@pytest.fixture
def pipewire() -> Iterator[PrivatePipeWire]:
    """A private PipeWire with pipewire-pulse (see :mod:`bench.pipewire_lab`)."""
    missing = missing_programs() + [x for x in ("parec", "pacat") if shutil.which(x) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install pipewire wireplumber "
                    "pulseaudio-utils dbus-daemon)")
    yield from serve(lambda: PrivatePipeWire(("test",)).start(), PulseUnavailable)


def either_server(kind: str, sinks: tuple[str, ...]) -> Iterator[PrivatePulse | PrivatePipeWire]:
    """A private PulseAudio (``kind`` "pulseaudio") or PipeWire with these null sinks."""
    needed = ["parec", "pactl"] + (["pulseaudio"] if kind == "pulseaudio"
                                    else missing_programs())
    missing = [x for x in needed if shutil.which(x) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")
    server = PrivatePulse if kind == "pulseaudio" else PrivatePipeWire
    yield from serve(lambda: server(sinks).start(), PulseUnavailable)
