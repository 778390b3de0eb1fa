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
from typing import IO

if sys.platform == "win32":
    import msvcrt

    def _try_lock(f: IO[bytes]) -> bool:
        try:
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(f: IO[bytes]) -> None:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(f: IO[bytes]) -> bool:
        # flock locks belong to the open file, so two opens in one process exclude each
        # other too (tests play the second instance in the same process).
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(f: IO[bytes]) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)


class OwnerLock:
    """An exclusive lock on ``path``, held until :meth:`release` or the process ends."""

    def __init__(self, path: Path, handle: IO[bytes]) -> None:
        self.path = path
        self._handle: IO[bytes] | None = handle

    @classmethod
    def acquire(cls, path: Path) -> OwnerLock | None:
        """Create and lock ``path``; None if it is locked already. OSError if it cannot
        be created (read-only disk)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+b")  # noqa: SIM115 - held open on purpose
        if not _try_lock(handle):
            handle.close()
            return None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
        return cls(path, handle)

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        if self._handle is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
        try:
            _unlock(self._handle)
        finally:
            self._handle.close()
            self._handle = None


def is_held(path: Path) -> bool:
    """Whether a live process holds the lock at ``path`` (a missing file: nobody does)."""
    try:
        handle = open(path, "r+b")  # noqa: SIM115
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: assume alive rather than mislabel a running session
    try:
        if _try_lock(handle):
            _unlock(handle)
            return False
        return True
    finally:
        handle.close()
