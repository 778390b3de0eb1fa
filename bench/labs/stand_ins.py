"""Stand-ins for desktop services in the labs (no Qt here: cheap to import where a launch
is timed)."""

from __future__ import annotations

from collections.abc import Callable


class NoInhibit:
    """The screen saver's stand-in for the labs: answers at once that the screen is kept
    awake (as on a working desktop: no spoken or shown "could not keep the screen awake"
    before the cues). The inhibitor's protocol: ``inhibit(answered)`` never waits."""

    def inhibit(self, answered: Callable[[bool], None] | None = None) -> None:
        if answered is not None:
            answered(True)

    def release(self) -> None:
        pass
