"""What a launch asks for, as plain frozen data: the CLI builds it, the window reads it.

The window never sees an ``argparse.Namespace``: a second launch's arguments reach the running
window through the same :class:`LaunchOptions`, parsed by the entry point's parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from knee_desktop.plan.settings import LegChoice, PlanSettings


@dataclass(frozen=True)
class SessionOverrides:
    """Session options given for one run (``--reps`` …); ``None`` keeps the saved value."""

    reps: int | None = None
    pause_seconds: float | None = None
    tempo: float | None = None
    lead_in_seconds: float | None = None
    leg: LegChoice | None = None
    first_leg: str | None = None

    def apply(self, base: PlanSettings | None = None) -> PlanSettings:
        """These options on top of ``base`` (the saved settings), checked."""
        s = base or PlanSettings()
        changes = {name: value for name, value in (
            ("reps", self.reps), ("pause_seconds", self.pause_seconds),
            ("lead_in_seconds", self.lead_in_seconds), ("leg", self.leg),
            ("first_leg", self.first_leg)) if value is not None}
        return replace(s, **changes).with_tempo(self.tempo).validate()  # type: ignore[arg-type]

    @property
    def empty(self) -> bool:
        return self == SessionOverrides()


@dataclass(frozen=True)
class LaunchOptions:
    """How the window was asked to open."""

    start: str | None = None  # a routine id or file to start at once
    silent: bool = False  # no voice at all, chosen knowingly
    tray: bool = False  # start in the tray, without a window
    listen: bool = False  # listen for spoken commands this time, whatever the settings say
    overrides: SessionOverrides = field(default_factory=SessionOverrides)
    argv: tuple[str, ...] = ()  # the raw arguments, handed to an already running window

    def without_start(self) -> LaunchOptions:
        return replace(self, start=None)
