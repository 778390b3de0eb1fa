"""The one table of limits: every range a user can set or a file can carry, the knee-feel
scale and the end states of a session. The loader, the settings file, the command line, the
settings dialog and the history import all read them from here."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Range:
    """An allowed range, and how to say it in a message."""

    lo: float
    hi: float
    whole: bool = False  # a whole number
    unit: str = " seconds"
    above: bool = False  # more than ``lo``, not ``lo`` itself
    says: str = ""  # the description, when the plain one will not do

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        low = self.lo < value if self.above else self.lo <= value
        return low and value <= self.hi and (
            not self.whole or isinstance(value, int) or value.is_integer())

    def describe(self) -> str:
        if self.says:
            return self.says
        kind = "a whole number" if self.whole else "a number"
        if self.above:
            return f"{kind} more than {self.lo:g} and at most {self.hi:g}{self.unit}"
        return f"{kind} from {self.lo:g} to {self.hi:g}{self.unit}"


# Session numbers: the routine's defaults, the saved settings and one-run options alike.
PLAN: dict[str, Range] = {
    "reps": Range(1, 100, whole=True, unit=""),
    "pause_seconds": Range(0.5, 3600),
    "sweep_seconds": Range(0.5, 30),
    "circle_seconds": Range(0.5, 30),
    "lead_in_seconds": Range(0, 60),
}
# A routine file's [defaults]: the same, but a routine may pause for less than half a second.
ROUTINE_DEFAULTS: dict[str, Range] = {
    "reps": PLAN["reps"],
    # at least a second: "Still." and its end must both be said inside it
    "pause_seconds": replace(PLAN["pause_seconds"], lo=1,
                             says="seconds, at least 1 and at most 3600 (an hour)"),
    "sweep_seconds": replace(PLAN["sweep_seconds"], says="seconds per sweep, from 0.5 to 30"),
    "circle_seconds": replace(PLAN["circle_seconds"],
                              says="seconds per circle, from 0.5 to 30"),
    "lead_in_seconds": replace(PLAN["lead_in_seconds"], says="seconds, from 0 to 60"),
}
# A routine's steps: their own counts and lengths.
STEP: dict[str, Range] = {
    "reps": PLAN["reps"],
    "presses": PLAN["reps"],
    "seconds": ROUTINE_DEFAULTS["pause_seconds"],
    "hold_seconds": Range(0, 600, above=True, says="seconds, more than 0 and at most 600"),
    "find_seconds": Range(0, 600, says="seconds, from 0 to 600"),
}
# The voice.
RATE = Range(80, 300, whole=True, unit=" words per minute")
VOLUME = Range(0.0, 1.0, unit="")
# "How do your knees feel?": 0 no pain, 10 the worst pain.
KNEE_FEEL = Range(0, 10, whole=True, unit="")
# Sessions a week the person aims for (Settings; the report, History and the reminder).
WEEKLY_TARGET = Range(1, 21, whole=True, unit=" sessions a week")
# How a session ended, as the history stores it.
END_STATES = ("completed", "stopped", "interrupted")

# User files, read before parsing (common/safe_read.py): sizes, TOML shape and numbers.
ROUTINE_FILE_BYTES = 1 << 20  # 1 MiB: a routine is a few kilobytes
SETTINGS_FILE_BYTES = 1 << 20
HISTORY_IMPORT_BYTES = 64 << 20  # ten years of daily sessions is about 20 MB
TOML_MAX_DEPTH = 32  # arrays and inline tables inside each other
TOML_MAX_KEY_PARTS = 32  # a.b.c… parts in one dotted key (tomllib is quadratic in them)
TOML_MAX_ALL_PARTS = 4096  # dotted key parts in a whole file
TOML_MAX_TABLES = 256  # [tables], [[arrays of tables]] and {inline tables} in a file
TOML_MAX_VALUES = 10_000  # key = value pairs and array items in a file (tomllib: ~4 µs each)
ROUTINE_MAX_STEPS = 100  # [[steps]] in a routine (the shipped ones have 2 and 11)
ROUTINE_FOLDER_FILES = 500  # .toml files read from one routines folder
NUMBER_MAX_DIGITS = 32  # digits in one number written in a file
INT_MAX = 2**63 - 1  # TOML integers are 64-bit
# How much of a bad value a message quotes.
QUOTE_CHARS = 60
NOTE_CHARS = 10_000  # a session's note, as the history keeps, exports and imports it
TITLE_CHARS = 200  # a routine's or a step's title: the history keeps it (its import: 500)
VOICE_ID_CHARS = 200  # espeak ids are like "gmw/en-GB-scotland"; SAPI ids are longer paths

# A report's period (``knee-desktop report --weeks N``), in weeks
DEFAULT_WEEKS = 12
MAX_WEEKS = 52  # a year: its calendar still fits two pages (at 7.5 pt)
