"""When the opt-in daily reminder is due: pure functions of (time, weekdays, now).

Times are local wall-clock times. ``now`` may be naive (local time) or aware; the answer has
the same kind. The Qt side (:mod:`knee_desktop.desktop.tray`) asks :func:`next_reminder` for the
next due time and checks the wall clock against it, so a clock change or a suspended machine
never makes it fire twice or drift.

An XDG autostart entry (:func:`set_autostart`) starts the app in the tray at login while the
reminder is on; turning the reminder off removes it. Nothing runs in the background otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from knee_desktop import APP_ID
from knee_desktop.common.safe_write import check_target, write_atomic

# A reminder found late (the machine was asleep at the time) is still shown if it is less
# than this late; otherwise it is skipped quietly and the next one is planned.
GRACE = dt.timedelta(hours=1)


def next_reminder(at: dt.time, weekdays: Iterable[int], now: dt.datetime) -> dt.datetime | None:
    """The first time strictly after ``now`` that is at ``at`` on one of ``weekdays``.

    ``weekdays`` are ``datetime.weekday()`` numbers (0 = Monday). No weekdays: ``None``.
    """
    days = frozenset(weekdays)
    if not days:
        return None
    bad = [d for d in days if not 0 <= d <= 6]
    if bad:
        raise ValueError(f"weekdays must be 0 (Monday) to 6 (Sunday), got {sorted(bad)}")
    at = at.replace(second=0, microsecond=0, tzinfo=None)
    for offset in range(8):
        day = now.date() + dt.timedelta(days=offset)
        candidate = dt.datetime.combine(day, at, tzinfo=now.tzinfo)
        if day.weekday() in days and candidate > now:
            return candidate
    raise AssertionError("unreachable: a chosen weekday occurs within 8 days")


def is_due(due: dt.datetime, now: dt.datetime, grace: dt.timedelta = GRACE) -> bool | None:
    """``True``: show it now. ``False``: not yet. ``None``: missed by more than ``grace``."""
    if now < due:
        return False
    return True if now - due <= grace else None


def autostart_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / f"{APP_ID}.desktop"


def autostart_entry(command: Sequence[str]) -> str:
    exec_line = " ".join(_desktop_quote(a) for a in command)
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Knee routine reminder\n"
        "Comment=Waits in the tray for the daily knee routine reminder you turned on\n"
        f"Exec={exec_line}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "NoDisplay=true\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def set_autostart(enabled: bool, command: Sequence[str]) -> Path | None:
    """Write (or remove) the login entry that starts ``command`` in the tray; a link or a
    special file in its place is never written through or removed (UnsafeTarget)."""
    path = autostart_path()
    what = "The reminder's login entry"
    if not enabled:
        # only our own plain file: a link or anything else there is the user's, left alone
        if check_target(path, replace=True, what=what, force_hint=""):
            path.unlink()
        return None
    return write_atomic(path, autostart_entry(command), replace=True, what=what,
                        force_hint="")


def _desktop_quote(arg: str) -> str:
    """Quote one Exec argument as the Desktop Entry spec asks (and ``%`` as ``%%``)."""
    arg = arg.replace("%", "%%")
    if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'
