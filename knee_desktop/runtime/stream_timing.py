"""Where the sound server is in our output stream: the timing model of
:mod:`knee_desktop.runtime.audio_output`, fed one look per feed.

Each look is ``(now, consumed)``: the clock time, and the frames Qt has handed to the server
so far. ``now - consumed / RATE`` is when frame 0 was taken, if the server took this
feed's frames just now; it jumps up as the server takes data in bursts, so the lower
envelope over the last ENVELOPE_SECONDS is the estimate (:meth:`StreamTiming.base`). It
also follows the device's own clock rate (PulseAudio's null sink runs ~130 ppm fast against
``time.monotonic()`` here).

- **Settling.** When a stream starts (or restarts after running dry), the server first
  takes a burst to fill its own buffer, so for a moment ``consumed`` runs far ahead of the
  sound: a first cue placed with those values was heard 280 ms late. Nothing is measured
  until SETTLE_SECONDS after data starts flowing; meanwhile the last value stands in.
- **Slips.** When the server skips part of the stream (pipewire-pulse under load: steps of
  one or more graph cycles), everything after is heard that much later. The envelope is
  re-measured as soon as the recent looks show the step (a big one within QUICK_SECONDS,
  any within SLIP_SECONDS), not ENVELOPE_SECONDS later.
- **Stalls.** No sound taken for STALL_SECONDS while playing: the server went away (Qt
  reports no error then; its stream just stops moving).

No Qt here: the output hands the looks in, and tests hand in made-up ones.
"""

from __future__ import annotations

import collections
import logging

from knee_desktop.speech.clip import RATE

log = logging.getLogger(__name__)

ENVELOPE_SECONDS = 2.0
SETTLE_SECONDS = 0.6  # after the stream starts, before its timing is trusted
MEASURE_SECONDS = 0.4  # measured for this long: settled
# The stream slipped: the least "now - consumed" of the last SLIP_SECONDS is SLIP_STEP above
# the envelope, or that of the last QUICK_SECONDS (QUICK_LOOKS looks or more) is BIG_STEP
# above it. Measured on pipewire-pulse: steps of one or more graph quanta, 3-72 ms. Over
# 0.25 s the envelope's normal wobble is < 2 ms; over a few looks it is up to one feed
# interval (the server takes sound between feeds), so only a larger step is sure that early.
# (Replayed feed logs of a loaded machine: the time placed > 12 ms off fell from 1.2 % to
# 0.4 %, with no more false slips on a quiet one.)
SLIP_SECONDS = 0.25
SLIP_STEP = 0.003
QUICK_SECONDS = 0.08
QUICK_LOOKS = 3
BIG_STEP = 0.012
STALL_SECONDS = 0.5


class StreamTiming:
    """The lower envelope of ``now - consumed / RATE`` over the recent looks."""

    def __init__(self) -> None:
        self._env: collections.deque[tuple[float, float]] = collections.deque()
        # The envelope's minimum kept as looks come and go (a feed every 10 ms: no scan of
        # the ~200 looks each time): increasing values, each the least of the looks from it on.
        self._mins: collections.deque[tuple[float, float]] = collections.deque()
        self._last_base: float | None = None
        self._settle_until: float | None = None
        self._consumed = 0  # frames the server had taken at the last look
        self._progress: tuple[float, int] | None = None  # (when, consumed) last seen moving
        self.slips = 0

    def restart(self) -> None:
        """A new stream: nothing measured on the old one carries over."""
        self._env.clear()
        self._mins.clear()
        self._last_base = None
        self._settle_until = None
        self._consumed = 0
        self._progress = None

    def ran_dry(self) -> None:
        """Qt's buffer ran dry: the stream slipped and settles again; the last value stands
        in meanwhile."""
        self.base()
        self._env.clear()
        self._mins.clear()
        self._settle_until = None

    def forget_before(self, t: float) -> None:
        """Drop the looks before clock time ``t`` (as a slip does)."""
        while self._env and self._env[0][0] < t:
            if self._env.popleft() is self._mins[0]:
                self._mins.popleft()

    def _add(self, look: tuple[float, float]) -> None:
        self._env.append(look)
        while self._mins and self._mins[-1][1] >= look[1]:
            self._mins.pop()
        self._mins.append(look)

    def look(self, now: float, consumed: int) -> bool:
        """Take one look. Returns True while the stream is stalled (nothing measured)."""
        if self._stalled(now, consumed):
            return True
        if consumed > 0 and self._settle_until is None:
            self._settle_until = now + SETTLE_SECONDS
        if consumed > 0 and self._settle_until is not None and now >= self._settle_until:
            self.forget_before(now - ENVELOPE_SECONDS)
            # Only a look that saw the server take sound says where the stream is; one
            # between takes (or with the server gone) only shows time passing, which
            # would look like a slip and hide a stall.
            if consumed != self._consumed or not self._env:
                self._add((now, now - consumed / RATE))
                self._follow_slip(now)
        self._consumed = consumed
        return False

    def base(self) -> float | None:
        """Clock time at which frame 0 was taken by the server (lower envelope); while
        the stream settles after a gap, the last value measured before it."""
        if not self._env:
            return self._last_base
        self._last_base = self._mins[0][1]
        return self._last_base

    @property
    def settled(self) -> bool:
        """The timing has been measured for a while since the stream (re)started."""
        return bool(self._env) and self._env[-1][0] - self._env[0][0] >= MEASURE_SECONDS

    def _follow_slip(self, now: float) -> None:
        env = self._env
        floor = self._mins[0][1]
        for seconds, step, looks in ((QUICK_SECONDS, BIG_STEP, QUICK_LOOKS),
                                     (SLIP_SECONDS, SLIP_STEP, 1)):
            if env[0][0] >= now - seconds:
                continue
            count, least = _recent(env, now - seconds)
            if count >= looks and least - floor > step:
                self.forget_before(now - seconds)
                self.slips += 1
                log.debug("the stream slipped by %.1f ms: timing re-measured",
                          (least - floor) * 1000)
                return

    def _stalled(self, now: float, consumed: int) -> bool:
        if self._progress is None or consumed != self._progress[1] or self._settle_until is None:
            self._progress = (now, consumed)
            return False
        return now - self._progress[0] >= STALL_SECONDS


def _recent(env: collections.deque[tuple[float, float]], since: float) -> tuple[int, float]:
    """How many looks were taken at ``since`` or later, and their least value: read from
    the newest back (they are in time order), not over the whole envelope."""
    count, least = 0, float("inf")
    for t, v in reversed(env):
        if t < since:
            break
        count += 1
        least = min(least, v)
    return count, least
