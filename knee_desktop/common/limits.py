"""The one table of limits: every range a user can set or a file can carry, the knee-feel
scale and the end states of a session. The loader, the settings file, the command line, the
settings dialog and the history import all read them from here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    """An allowed range, and how to say it in a message."""

    lo: float
    hi: float
    whole: bool = False  # a whole number
    unit: str = " seconds"

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool) \
            and self.lo <= value <= self.hi and (not self.whole or float(value).is_integer())

    def describe(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        return f"{kind} from {self.lo:g} to {self.hi:g}{self.unit}"


# Session numbers: the routine's defaults, the saved settings and one-run options alike.
PLAN: dict[str, Range] = {
    "reps": Range(1, 100, whole=True, unit=""),
    "pause_seconds": Range(0.5, 3600),
    "sweep_seconds": Range(0.5, 30),
    "circle_seconds": Range(0.5, 30),
    "lead_in_seconds": Range(0, 60),
}
# The voice.
RATE = Range(80, 300, whole=True, unit=" words per minute")
VOLUME = Range(0.0, 1.0, unit="")
# "How do your knees feel?": 0 no pain, 10 the worst pain.
KNEE_FEEL = Range(0, 10, whole=True, unit="")
# How a session ended, as the history stores it.
END_STATES = ("completed", "stopped", "interrupted")

# User files, read before parsing (common/safe_read.py): sizes, TOML shape and numbers.
ROUTINE_FILE_BYTES = 1 << 20  # 1 MiB: a routine is a few kilobytes
SETTINGS_FILE_BYTES = 1 << 20
HISTORY_IMPORT_BYTES = 256 << 20  # a lifetime of sessions is a few megabytes
TOML_MAX_DEPTH = 32  # arrays and inline tables inside each other
TOML_MAX_KEY_PARTS = 32  # a.b.c… parts in one dotted key (tomllib is quadratic in them)
NUMBER_MAX_DIGITS = 32  # digits in one number written in a file
INT_MAX = 2**63 - 1  # TOML integers are 64-bit
# How much of a bad value a message quotes.
QUOTE_CHARS = 60
VOICE_ID_CHARS = 200  # espeak ids are like "gmw/en-GB-scotland"; SAPI ids are longer paths
