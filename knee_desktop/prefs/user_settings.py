"""The saved settings: one readable TOML file in the user config dir.

``settings.toml`` holds what the user set up once: the voice, the session's tempo and pauses,
which leg, the knee-feel question, tones instead of speech and the daily reminder. A key that is
left out means "the default" (for the session numbers: the routine's own value, e.g. 10
repetitions and 10-second pauses for the windshield wiper).

Loading never fails: a file that cannot be read, or a value that is out of range, falls back to
the default with a message for the user, and the file as it was is kept aside under a
timestamped name (``settings.toml.damaged-20260124-081500``) before anything writes over it.
Saving is atomic (a temporary file, then a rename), so a crash never leaves half a file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from knee_desktop.common import limits, paths
from knee_desktop.common.errors import SettingsError, quote
from knee_desktop.common.safe_read import InputFileError, load_toml
from knee_desktop.plan.settings import PlanSettings, shown_number
from knee_desktop.prefs import settings_file

WhoSpeaks = Literal["auto", "app", "both"]  # see docs/desktop.md, "Screen readers"
Theme = Literal["system", "light", "dark", "high-contrast"]  # the window's colours
THEMES: tuple[Theme, ...] = ("system", "light", "dark", "high-contrast")
FILE_NAME = "settings.toml"
SCHEMA = 1
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Fields whose change means the spoken clips must be rendered again.
SPEECH_FIELDS = frozenset({"voice", "rate", "volume", "tones"})
# Fields whose change means the session must be planned again (the timeline's times and words
# change; the voice layer then renders only phrases it has not cached yet).
PLAN_FIELDS = frozenset({"reps", "pause_seconds", "sweep_seconds", "circle_seconds",
                         "lead_in_seconds", "leg", "first_leg", "knee_feel"})
REMINDER_FIELDS = frozenset({"reminder"})
# The session settings, kept in UserSettings.plan but written flat in the file as always.
PLAN_KEYS = tuple(f.name for f in fields(PlanSettings))


@dataclass(frozen=True)
class Reminder:
    """The opt-in daily reminder: off unless the user turns it on."""

    enabled: bool = False
    time: dt.time = dt.time(9, 0)
    weekdays: frozenset[int] = frozenset(range(7))  # 0 = Monday, as datetime.weekday()

    def weekday_names(self) -> list[str]:
        return [WEEKDAYS[d] for d in sorted(self.weekdays)]


@dataclass(frozen=True)
class UserSettings:
    """Everything the settings dialog edits. ``None`` means "the routine's own value"."""

    voice: str = ""  # a pyttsx3 voice id; "" = the engine's default voice
    rate: int = 170  # words per minute: a little calmer than pyttsx3's 200
    volume: float = 1.0  # 0.0 … 1.0
    tones: bool = False  # tones instead of speech for counts and pauses
    plan: PlanSettings = field(default_factory=PlanSettings)  # reps, pauses, tempo, legs
    knee_feel: bool = True  # ask "how does your knee feel?" at the end
    who_speaks: WhoSpeaks = "auto"  # the app's voice, and/or the screen reader's announcements
    theme: Theme = "system"  # the window's colours: the desktop's, or a named palette
    reminder: Reminder = field(default_factory=Reminder)
    weekly_target: int | None = None  # sessions a week; None: from the person's last month
    listen: bool = False  # listen for spoken commands (docs/voice.md): off unless chosen
    listen_explained: bool = False  # the app has said once what listening does

    def to_plan_settings(self) -> PlanSettings:
        """The session part, as the base that command-line options override."""
        return self.plan

    def value(self, name: str) -> object:
        """One setting by its name in the file (``reps`` lives in :attr:`plan`)."""
        return getattr(self.plan if name in PLAN_KEYS else self, name)

    def validate(self) -> UserSettings:
        """Raise :class:`SettingsError` naming the first setting that is out of range."""
        for name in _KEYS:
            _check(name, self.value(name))
        return self


@dataclass(frozen=True)
class Changes:
    """Which settings differ between two :class:`UserSettings`, and what that costs.

    ``rerender_speech``: voice, rate, volume or tones changed, so every clip is stale.
    ``replan``: the session's numbers changed; plan again, and render only the phrases that
    are new (the clip cache is keyed by text, voice, rate and volume).
    """

    fields: frozenset[str]

    @property
    def rerender_speech(self) -> bool:
        return bool(self.fields & SPEECH_FIELDS)

    @property
    def replan(self) -> bool:
        return bool(self.fields & PLAN_FIELDS)

    @property
    def reminder(self) -> bool:
        return bool(self.fields & REMINDER_FIELDS)

    def __bool__(self) -> bool:
        return bool(self.fields)


def changes(old: UserSettings, new: UserSettings) -> Changes:
    """The fields that differ between ``old`` and ``new``."""
    return Changes(frozenset(name for name in _KEYS if old.value(name) != new.value(name)))


@dataclass(frozen=True)
class LoadResult:
    settings: UserSettings
    messages: tuple[str, ...] = ()  # one line each, for the user
    kept_aside: Path | None = None  # where the damaged file went, if it was damaged


def settings_path() -> Path:
    return paths.config_dir() / FILE_NAME


# --- validation ------------------------------------------------------------------------------

def _number(r: limits.Range, *, optional: bool = True) -> Callable[[object], str | None]:
    lo, hi, unit = r.lo, r.hi, r.unit

    def check(value: object) -> str | None:
        if (value is None and optional) or value in r:
            return None
        kind = "a whole number" if r.whole else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"expected {kind} from {lo:g} to {hi:g}{unit}, got {quote(value)}"
        if r.whole and not (isinstance(value, int) or value.is_integer()):
            return f"expected a whole number from {lo:g} to {hi:g}, got {quote(value)}"
        return f"expected {lo:g} to {hi:g}{unit}, got {shown_number(value)}"
    return check


def _one_of(*choices: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if value in choices:
            return None
        return f"expected {', '.join(choices[:-1])} or {choices[-1]}, got {quote(value)}"
    return check


def _type(kind: type, what: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return None
        return f"expected {what}, got {quote(value)}"
    return check


def _reminder_check(value: object) -> str | None:
    if not isinstance(value, Reminder):
        return f"expected a [reminder] table, got {quote(value)}"
    if not isinstance(value.enabled, bool):
        return f"enabled: expected true or false, got {quote(value.enabled)}"
    bad = [d for d in value.weekdays if not (isinstance(d, int) and 0 <= d <= 6)]
    if bad:
        return f"days: expected days from {WEEKDAYS[0]} to {WEEKDAYS[-1]}, got {quote(bad)}"
    return None


def _voice_check(value: object) -> str | None:
    if isinstance(value, str) and len(value) <= limits.VOICE_ID_CHARS and (
            value.isprintable()):
        return None
    return (f'expected a voice id in quotes of at most {limits.VOICE_ID_CHARS} characters '
            f'(or "" for the default voice), got {quote(value)}')


_CHECKS: dict[str, Callable[[object], str | None]] = {
    "voice": _voice_check,
    "rate": _number(limits.RATE, optional=False),
    "volume": _number(limits.VOLUME, optional=False),
    "tones": _type(bool, "true or false"),
    **{key: _number(r) for key, r in limits.PLAN.items()},
    "leg": _one_of("left", "right", "both"),
    "first_leg": _one_of("left", "right"),
    "knee_feel": _type(bool, "true or false"),
    "who_speaks": _one_of("auto", "app", "both"),
    "theme": _one_of(*THEMES),
    "reminder": _reminder_check,
    "weekly_target": _number(limits.WEEKLY_TARGET),
    "listen": _type(bool, "true or false"),
    "listen_explained": _type(bool, "true or false"),
}
_KEYS = tuple(_CHECKS)


def _check(name: str, value: object) -> None:
    problem = _CHECKS[name](value)
    if problem:
        raise SettingsError(f"{name}: {problem}.")


# --- reading ---------------------------------------------------------------------------------

def _parse_time(value: object) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            hours, minutes = value.split(":")
            if len(minutes) == 2:
                return dt.time(int(hours), int(minutes))
    raise SettingsError(f'reminder time: expected a time like "09:00", got {quote(value)}.')


def _parse_reminder(table: object, problems: list[str]) -> Reminder:
    default = Reminder()
    if not isinstance(table, Mapping):
        problems.append(f"reminder: expected a [reminder] table, got {quote(table)}; "
                        "the reminder stays off.")
        return default
    values: dict[str, Any] = {}
    enabled = table.get("enabled", default.enabled)
    if isinstance(enabled, bool):
        values["enabled"] = enabled
    else:
        problems.append(f"reminder enabled: expected true or false, got {quote(enabled)}; "
                        "the reminder stays off.")
    if "time" in table:
        try:
            values["time"] = _parse_time(table["time"])
        except SettingsError as exc:
            problems.append(f"{exc} Using {default.time:%H:%M}.")
    if "days" in table:
        days = table["days"]
        names = [str(d).lower()[:3] for d in days] if isinstance(days, list) else None
        if names is None or any(n not in WEEKDAYS for n in names):
            problems.append(f"reminder days: expected a list like [\"mon\", \"wed\"], "
                            f"got {quote(days)}; using every day.")
        else:
            values["weekdays"] = frozenset(WEEKDAYS.index(n) for n in names)
    for key in table:
        if key not in ("enabled", "time", "days"):
            problems.append(f"reminder: unknown setting {quote(key)} ignored.")
    return replace(default, **values)


def parse(data: Mapping[str, object]) -> tuple[UserSettings, list[str]]:
    """Settings from a parsed TOML table, and one message per value that was not usable.

    Each bad value falls back to its default; the other values are kept.
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "schema":
            if value != SCHEMA:
                problems.append(f"schema: this version reads schema {SCHEMA}, got {quote(value)}.")
            continue
        if key == "reminder":
            values["reminder"] = _parse_reminder(value, problems)
            continue
        if key not in _CHECKS:
            problems.append(f"unknown setting {quote(key)} ignored.")
            continue
        problem = _CHECKS[key](value)
        if problem:
            problems.append(f"{key}: {problem}; using the default.")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            # TOML writes 10 and 10.0 alike for people; keep the dataclass's types.
            values[key] = (int(value) if key in ("rate", "reps", "weekly_target")
                           else float(value))
        else:
            values[key] = value
    plan = PlanSettings(**{k: values.pop(k) for k in PLAN_KEYS if k in values})
    return UserSettings(plan=plan, **values), problems


def load(path: Path | None = None, *, now: dt.datetime | None = None) -> LoadResult:
    """The saved settings; defaults if there is no file. Never raises.

    A damaged file (too large, not UTF-8, not TOML, a value out of range) is kept aside under
    a timestamped name byte for byte, the usable values are kept and saved back, and the
    messages say what happened. A file that is not a regular file (a FIFO, a folder, a link to
    a device) is left as it is and the defaults are used.
    """
    path = path or settings_path()
    got = settings_file.read(path)
    if got is None:
        return LoadResult(UserSettings())
    if got.text is None and not got.damaged:
        return LoadResult(UserSettings(), (f"Could not read your settings file {path}: it "
                                           f"{got.problem}. Using the defaults; the file was "
                                           "left as it is.",))
    settings, problems = UserSettings(), [f"it {got.problem}"]
    parsed = False
    if got.text is not None:
        try:
            settings, problems = parse(load_toml(got.text, path))
            parsed = True
        except InputFileError as exc:
            where = f" (line {exc.line})" if exc.line else ""
            what = f"{exc.field}: " if exc.field else ""
            problems = [f"it is not a readable TOML file{where}: {what}{exc.problem}"]
    if not problems:
        return LoadResult(settings)
    if path.is_symlink() and (got.text is None or not parsed):
        real = os.path.realpath(path)
        return LoadResult(UserSettings(), (f"Your settings file {path} is a link to {real}, "
                                           f"which is not a settings file: {problems[0]}. "
                                           "Using the defaults; both were left as they are.",))
    messages = [f"Your settings file {path} has problems:"]
    messages += [f"  {p}" for p in problems]
    try:
        aside = settings_file.keep_aside(path, now or dt.datetime.now())
    except OSError as exc:
        messages.append(f"It could not be kept aside ({exc.strerror or exc}); it was left as it "
                        "is and will not be written over this time.")
        return LoadResult(settings, tuple(messages))
    messages.append(f"The file as it was is kept in {aside}; the other settings were kept.")
    try:
        save(settings, path)
    except (OSError, SettingsError) as exc:
        messages.append(f"The repaired settings could not be saved: "
                        f"{getattr(exc, 'strerror', None) or exc}")
    return LoadResult(settings, tuple(messages), aside)


# --- writing ---------------------------------------------------------------------------------

def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


_COMMENTS = {
    "voice": 'pyttsx3 voice id (see `knee-desktop voices`); "" = the default voice',
    "rate": f"speech rate, words per minute ({limits.RATE.lo:g}-{limits.RATE.hi:g})",
    "volume": "speech volume, 0.0 to 1.0",
    "tones": "true: tones instead of spoken counts",
    "reps": "repetitions of each movement",
    "pause_seconds": "seconds of each still pause",
    "sweep_seconds": "seconds per windshield-wiper sweep",
    "circle_seconds": "seconds per foot circle",
    "lead_in_seconds": "seconds before the first movement",
    "leg": "left, right or both",
    "first_leg": "with leg = both: which leg goes first",
    "knee_feel": "ask how your knee feels at the end",
    "who_speaks": "auto: both, or the app alone while a screen reader runs; app; both",
    "listen": "true: listen for spoken commands (pause, go on, where am I, repeat, next, stop)",
    "listen_explained": "the app has said once what listening does",
    "theme": "the window's colours: system, light, dark or high-contrast",
    "weekly_target": "sessions a week you aim for (History, the report, the reminder)",
}
_UNSET = {"weekly_target": "(from your last month)"}


def dumps(settings: UserSettings) -> str:
    """The settings as commented TOML; values left to the routine are written as comments."""
    settings.validate()
    lines = ["# knee-desktop settings. Edit with care, or use Settings in the app.",
             "# A line left out (or commented out) means the default.",
             f"schema = {SCHEMA}", ""]
    for name, comment in _COMMENTS.items():
        value = settings.value(name)
        if value is None:
            unset = _UNSET.get(name, "(the routine's own)")
            lines.append(f"# {name} = {unset}  # {comment}")
        else:
            lines.append(f"{name} = {_toml_value(value)}  # {comment}")
    r = settings.reminder
    lines += ["", "[reminder]  # a daily notification; nothing runs in the background when off",
              f"enabled = {_toml_value(r.enabled)}",
              f'time = "{r.time:%H:%M}"',
              f"days = {_toml_value(r.weekday_names())}", ""]
    return "\n".join(lines)


def save(settings: UserSettings, path: Path | None = None) -> Path:
    """Write the settings atomically (a temporary file, then a rename); a link is kept and
    its target written."""
    return settings_file.write_atomic(path or settings_path(), dumps(settings))
