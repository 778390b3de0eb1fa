"""Every file the app writes goes through here: the cue log, the settings, the autostart
entry, history and audio exports, crash reports and the history database's path.

The rules, whatever the file:
- a link is never followed, and a FIFO, a device, a socket or a folder is never written
  (opening a FIFO for writing blocks; a device swallows the data or fills the disk);
- a file that is already there is replaced only when the caller was told to
  (``replace=True``: ``--force``, or a file that is the app's own, like the settings);
- a replaced file is written beside it and renamed over it (atomic): a reader sees the old
  file or the new one, never half of one, and a failed or interrupted write (SIGTERM, SIGHUP,
  Ctrl+C) leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from knee_desktop.common.errors import KneeError


class UnsafeTarget(KneeError):
    """The file cannot be written safely (a link, a special file, or already there)."""


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def check_target(path: Path | str, *, replace: bool = False, what: str = "",
                 force_hint: str = "--force") -> bool:
    """Raise :class:`UnsafeTarget` unless ``path`` may be written: it does not exist, or it
    is a regular file (not a link) and ``replace`` is set. Returns whether it exists."""
    path = Path(path)
    name = f"{what} {path}" if what else str(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise UnsafeTarget(f"{name} cannot be checked ({exc.strerror or exc}).") from None
    advice = " Give the name of a new file." if force_hint else ""
    if stat.S_ISLNK(info.st_mode):
        try:
            to = os.readlink(path)
        except OSError:
            to = "somewhere"
        raise UnsafeTarget(f"{name} is a link (to {to}); a link is never written through or "
                           f"replaced.{advice}")
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeTarget(f"{name} is {_kind(info.st_mode)}, not a regular file; it is never "
                           f"written.{advice}")
    if not replace:
        hint = f"; add {force_hint} to replace it" if force_hint else ""
        raise UnsafeTarget(f"{name} already exists{hint}.")
    return True


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def open_stream(path: Path | str, *, replace: bool = False, what: str = "",
                force_hint: str = "--force") -> IO[str]:
    """A text file to write line by line (the cue log): created new, or, with ``replace``,
    an existing regular file emptied. Never a link, never a FIFO or device (opened without
    blocking and checked again once open)."""
    path = Path(path)
    exists = check_target(path, replace=replace, what=what, force_hint=force_hint)
    flags = os.O_WRONLY | _NOFOLLOW | _CLOEXEC | os.O_NONBLOCK
    flags |= 0 if exists else os.O_CREAT | os.O_EXCL
    name = f"{what} {path}" if what else str(path)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        raise UnsafeTarget(f"{name}: cannot be written ({exc.strerror or exc}).") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeTarget(f"{name} is {_kind(info.st_mode)}; it is never written.")
        os.set_blocking(fd, True)
        os.ftruncate(fd, 0)
        return open(fd, "w", encoding="utf-8")
    except BaseException:
        os.close(fd)
        raise


def create_new(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new file at ``path``, or at ``path`` with ``-2``, ``-3``… before
    its suffix if that name is taken (two crash reports in one second). OSError if the
    folder cannot be written."""
    for n in range(1, 1000):
        target = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                         0o600)
        except FileExistsError:
            continue
        with open(fd, "wb") as f:
            f.write(data)
        return target
    raise FileExistsError(f"{path}: a thousand files of that name already exist")


# --- atomic replacement -----------------------------------------------------------------

class _Interrupted(BaseException):
    """SIGTERM or SIGHUP arrived while a file was being written: its part is removed, then
    the signal is delivered as it would have been."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _signals_clean_up(clean_up: Callable[[], None]) -> Iterator[None]:
    """While the body runs (in the main thread), SIGTERM and SIGHUP raise; ``clean_up`` runs,
    the old handlers are put back and the signal is sent again, to end the process as it
    would have (or to reach the app's own handler)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old: dict[int, Any] = {}

    def raise_it(signum: int, _frame: object) -> None:
        raise _Interrupted(signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):
            old[sig] = signal.signal(sig, raise_it)
    caught: _Interrupted | None = None
    try:
        yield
    except _Interrupted as exc:
        caught = exc
    finally:
        for number, handler in old.items():
            signal.signal(number, handler)
    if caught is not None:
        clean_up()
        os.kill(os.getpid(), caught.signum)  # now as the process would have had it
        raise SystemExit(128 + caught.signum)  # a handler that returns: stop writing anyway


@contextlib.contextmanager
def atomic_file(path: Path | str, *, replace: bool = False, what: str = "",
                force_hint: str = "--force", binary: bool = False,
                mode: int | None = None, follow: Callable[[Path], Path] | None = None,
                make_folder: bool = True) -> Iterator[IO[Any]]:
    """Write a file whole or not at all: the body writes to a ``.part`` beside ``path``,
    which is renamed over it when the body ends; any failure, Ctrl+C, SIGTERM or SIGHUP
    removes the part and leaves ``path`` as it was. ``mode``: the new file's permissions
    (default: an existing file's, else 0666 less the umask). ``follow``: where a link at
    ``path`` may lead (the settings file kept in a dotfiles repository): the target that
    the caller vouches for is replaced instead of the link. ``make_folder``: make the
    folder if it is missing."""
    path = Path(path)
    if follow is not None and path.is_symlink():
        path = follow(path)
    exists = check_target(path, replace=replace, what=what, force_hint=force_hint)
    if mode is None and exists:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode is None:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    folder = path.parent
    if make_folder:
        folder.mkdir(parents=True, exist_ok=True)
    fd, part = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)

    def remove_part() -> None:
        with contextlib.suppress(OSError):
            os.unlink(part)

    try:
        with _signals_clean_up(remove_part):
            text = {} if binary else {"encoding": "utf-8", "newline": ""}
            with open(fd, "wb" if binary else "w", **text) as f:  # type: ignore[call-overload]
                yield f
                f.flush()
                os.fsync(f.fileno())
            os.chmod(part, mode)
            check_target(path, replace=replace, what=what, force_hint=force_hint)
            os.replace(part, path)
    except BaseException:
        remove_part()
        raise


def write_atomic(path: Path | str, data: str | bytes, **options: Any) -> Path:
    """:func:`atomic_file` with the whole text or bytes at once."""
    with atomic_file(path, binary=isinstance(data, bytes), **options) as f:
        f.write(data)
    return Path(path)
