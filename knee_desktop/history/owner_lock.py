"""A lock file held for as long as a session is being recorded.

The operating system releases the lock when its process ends in any way, SIGKILL and
crashes included, so "the lock can be taken" means "nobody is recording this session any
more". That tells a crashed session from one that a second running instance is recording,
with no heartbeat to keep and no risk from a reused process id.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        # flock locks belong to the open file, so two opens in one process exclude each
        # other too (tests play the second instance in the same process).
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class OwnerLock:
    """An exclusive lock on ``path``, held until :meth:`release` or the process ends."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd  # a raw descriptor: closed by __del__ without a warning

    @classmethod
    def acquire(cls, path: Path) -> OwnerLock | None:
        """Create and lock ``path``; None if it is locked already. OSError if it cannot
        be created (read-only disk)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            return None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return cls(path, fd)

    def __del__(self) -> None:
        # Dropped without release (e.g. a recorder of a session that never ended): nobody
        # records the session any more, which is what the free lock says.
        with contextlib.suppress(Exception):
            self.release()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
        try:
            _unlock(fd)
        finally:
            os.close(fd)


def is_held(path: Path) -> bool:
    """Whether a live process holds the lock at ``path`` (a missing file: nobody does)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: assume alive rather than mislabel a running session
    try:
        if _try_lock(fd):
            _unlock(fd)
            return False
        return True
    finally:
        os.close(fd)
