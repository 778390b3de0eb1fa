"""A private PulseAudio server for audio tests (marker ``audio``): null sink, own runtime
dir, stopped by its pid. Qt's sound engine connects once per process, so tests that play
real sound do it in a subprocess that gets :meth:`PrivatePulse.env`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from bench.pipewire_lab import PrivatePipeWire, missing_programs
from bench.pulse_lab import PrivatePulse, PulseUnavailable


@pytest.fixture
def pulse() -> Iterator[PrivatePulse]:
    if shutil.which("pulseaudio") is None or shutil.which("parec") is None:
        pytest.skip("needs pulseaudio and parec (apt-get install pulseaudio pulseaudio-utils)")
    try:
        server = PrivatePulse(("test",)).start()
    except PulseUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pipewire() -> Iterator[PrivatePipeWire]:
    """A private PipeWire with pipewire-pulse (see :mod:`bench.pipewire_lab`)."""
    missing = missing_programs() + [x for x in ("parec", "pacat") if shutil.which(x) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install pipewire wireplumber "
                    "pulseaudio-utils dbus-daemon)")
    try:
        server = PrivatePipeWire(("test",)).start()
    except PulseUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.stop()
