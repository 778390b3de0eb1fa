"""The settings file on disk: read with limits, kept aside byte for byte, written atomically.

Kept apart from the settings themselves (user_settings.py) because the disk is where the
surprises are: the file may be a link (dotfile managers keep ``settings.toml`` in a repository
and link it), a FIFO, a device or a gigabyte. A link is never replaced: a damaged target is
copied aside and the repaired settings are written through to the target.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from knee_desktop.common import limits
from knee_desktop.common.errors import SettingsError
from knee_desktop.common.safe_read import InputFileError, read_text


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


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to a temporary file beside the target, then rename it over the target.

    A link is kept: its target is written (a link to a missing file creates that file).
    A target that is not a regular file (a FIFO, a device, a folder) is refused."""
    real = _target(path)
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise SettingsError(f"The settings file {path} cannot be written "
                            f"({exc.strerror or exc}).") from None
    if mode is not None and not stat.S_ISREG(mode):
        shown = f"{path} (a link to {real})" if real != path else str(path)
        raise SettingsError(f"The settings file {shown} is not a regular file; it was left as "
                            "it is. Remove it to let the app write its settings there.")
    real.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, stat.S_IMODE(mode))  # keep the user's permissions
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path
