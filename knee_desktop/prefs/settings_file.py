"""The settings file on disk: read with limits, kept aside byte for byte, written atomically.

Kept apart from the settings themselves (user_settings.py) because the disk is where the
surprises are: the file may be a link (dotfile managers keep ``settings.toml`` in a repository
and link it), a FIFO, a device or a gigabyte. A link is never replaced: a damaged target is
copied aside and the repaired settings are written through to the target.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from knee_desktop.common import limits, safe_write
from knee_desktop.common.errors import SettingsError
from knee_desktop.common.safe_read import InputFileError, load_toml, read_text
from knee_desktop.common.safe_write import UnsafeTarget


@dataclass(frozen=True)
class Read:
    """What reading the settings file gave: its text, or why there is none.

    ``damaged``: the file is a regular file that cannot be used (too large, not UTF-8) and
    must be kept aside; otherwise ``problem`` means "leave it alone" (a FIFO, a folder)."""

    text: str | None
    problem: str | None = None
    damaged: bool = False


def read(path: Path) -> Read | None:
    """The settings file's text; ``None`` if there is no file (nor a link)."""
    if not os.path.lexists(path):
        return None
    try:
        return Read(read_text(path, max_bytes=limits.SETTINGS_FILE_BYTES))
    except InputFileError as exc:
        try:
            regular = stat.S_ISREG(os.stat(path).st_mode)
        except OSError:
            regular = False
        problem = exc.problem + (f" (line {exc.line})" if exc.line else "")
        return Read(None, problem, damaged=regular)


def _target(path: Path) -> Path:
    """Where writing ``path`` must go: the file a link points to, else ``path`` itself."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def keep_aside(path: Path, now: dt.datetime) -> Path:
    """Keep the damaged file under a timestamped name beside ``path``, byte for byte.

    A plain file is renamed; a link stays where it is, and its target's bytes are copied."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while os.path.lexists(target):
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    if path.is_symlink():
        with open(_target(path), "rb") as src, open(target, "xb") as dst:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
    else:
        path.rename(target)
    return target


def _vouched_target(link: Path) -> Path:
    """Where a settings link may be written: its target, if that is missing (it is made) or
    reads as TOML (a settings file kept elsewhere, as dotfile managers do). A link to
    anything else (``~/.bashrc``, another app's file) is never written through."""
    real = Path(os.path.realpath(link))
    if not os.path.lexists(real):
        return real
    try:
        load_toml(read_text(real, max_bytes=limits.SETTINGS_FILE_BYTES), real)
    except InputFileError as exc:
        raise SettingsError(f"The settings file {link} is a link to {real}, which is not a "
                            f"settings file ({exc.problem}); it was left as it is. Remove the "
                            "link to let the app write its settings there.") from None
    return real


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` whole or not at all (common/safe_write.py): to a temporary file beside
    the target, renamed over it. A link is kept and its target written, if that target is a
    settings file (or missing); a link to anything else, a FIFO, a device or a folder is
    refused."""
    try:
        safe_write.write_atomic(path, text, replace=True, follow=_vouched_target,
                                what="The settings file", force_hint="")
    except UnsafeTarget as exc:
        raise SettingsError(f"{exc} It was left as it is; remove it to let the app write its "
                            "settings there.") from None
    except OSError as exc:
        raise SettingsError(f"The settings file {path} cannot be written "
                            f"({exc.strerror or exc}).") from None
    return path
