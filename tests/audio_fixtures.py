"""A private PulseAudio server for audio tests (marker ``audio``): null sink, own runtime
dir, stopped by its pid. Qt's sound engine connects once per process, so tests that play
real sound do it in a subprocess that gets :meth:`PrivatePulse.env`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

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
