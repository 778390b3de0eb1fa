"""The output latency the audio output uses: measured from the sound server at run time,
``KNEE_DESKTOP_OUTPUT_LATENCY_MS`` as an override, the built-in figure as a fallback.

"Output latency" is the time from the moment Qt's buffer handed the most sound to the
server (the lower envelope the audio output measures) to the moment it is heard: the
sound the server holds for our stream plus the output's own delay.

- PulseAudio reports both for our stream (its "sink input"): ``buffer_usec`` (the sound
  it holds for the stream now: fullest right after Qt handed it sound, which is the
  envelope point, so the largest of SAMPLES samples is taken; 34.8 ms here, samples down
  to 29 ms) and ``sink_usec`` (how long the output still takes: it runs down within each
  block the output renders, so its least value is the delay every sound has).
- pipewire-pulse 0.3.65 reports zeros there. It does list the buffer our stream asked for
  (``pulse.attr.tlength``) and the graph latency it asked for (``node.latency``); the sum
  is the estimate, and the log says it is one.

Nothing here records or plays anything (a recording would show the desktop's microphone
indicator and need audible ticks).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEventLoop

from knee_desktop.runtime.pulse_introspect import PulseIntrospect, SinkInput
from knee_desktop.runtime.qt_workarounds import named_timer

log = logging.getLogger(__name__)

PIPELINE_SECONDS = 0.0347  # built-in: measured with bench/cue_timing.py on PulseAudio 16
LATENCY_ENV = "KNEE_DESKTOP_OUTPUT_LATENCY_MS"  # overrides the measured latency
# Server reports taken at open, 7 ms apart. Eight (56 ms) sometimes missed the buffer's
# fullest moment on a loaded machine: 30.9 ms measured against 34.0 ms heard, every cue 3 ms
# late; 24 span several of the server's requests for sound.
SAMPLES = 24


@dataclass(frozen=True)
class Latency:
    """The latency in seconds and, for the log, what it is."""

    seconds: float
    how: str


def measure() -> tuple[Latency | None, str]:
    """Ask the server about our newest stream a few times while it plays (the event loop
    runs meanwhile, so the stream is fed): the latency, or None and why not."""
    server = PulseIntrospect()
    reports: list[SinkInput] = []
    try:
        if not server.connect():
            return None, "no libpulse connection to the sound server"
        loop = QEventLoop()
        timer = named_timer("audio-latency-poll")

        def ask() -> None:
            mine = server.own_stream()
            if mine is not None:
                reports.append(mine)
            if mine is None or len(reports) >= SAMPLES:
                loop.quit()

        timer.timeout.connect(ask)
        timer.start(7)  # not a divisor of the output's blocks: samples spread over them
        loop.exec()
        timer.stop()
    finally:
        server.close()
    if not reports:
        return None, "the server does not list this stream"
    return from_server(reports), ""


def from_server(reports: Sequence[SinkInput]) -> Latency | None:
    """The output latency of our stream from the server's reports of it, or None."""
    if not reports:
        return None
    if any(r.reports_latency for r in reports):
        buffer = max(r.buffer_usec for r in reports) / 1e6
        output = min(r.sink_usec for r in reports) / 1e6
        return Latency(buffer + output,
                       f"measured: the server holds {buffer * 1000:.1f} ms for the stream, "
                       f"the output adds {output * 1000:.1f} ms")
    last = reports[-1]
    requested = last.requested_buffer
    quantum = _fraction(last.props.get("node.latency", ""))
    if requested is None or quantum is None:
        return None
    return Latency(requested + quantum,
                   f"estimated: {last.driver} reports no latency; the stream's requested "
                   f"buffer {requested * 1000:.1f} ms + its graph latency "
                   f"{quantum * 1000:.1f} ms")


def _fraction(text: str) -> float | None:
    """``"256/22050"`` (PipeWire's node.latency) in seconds."""
    num, _, den = text.partition("/")
    if not num.isdigit() or not den.isdigit() or int(den) == 0:
        return None
    return int(num) / int(den)


def override() -> float | None:
    """``KNEE_DESKTOP_OUTPUT_LATENCY_MS`` in seconds, if set to a number."""
    env = os.environ.get(LATENCY_ENV)
    if not env:
        return None
    try:
        return float(env) / 1000.0
    except ValueError:
        log.warning("%s=%r is not a number of milliseconds; ignoring it", LATENCY_ENV, env)
        return None


def choose(measured: Latency | None, why_not: str = "") -> tuple[float, str]:
    """The latency to use and the log's words for it: the override, else the measured
    figure, else the built-in one."""
    forced = override()
    seen = (f"{measured.seconds * 1000:.1f} ms {measured.how}" if measured
            else f"not measured ({why_not or 'the server did not say'})")
    if forced is not None:
        return forced, f"{LATENCY_ENV}; {seen}"
    if measured is not None:
        return measured.seconds, measured.how
    return PIPELINE_SECONDS, f"built-in, from bench/cue_timing.py; {seen}"
