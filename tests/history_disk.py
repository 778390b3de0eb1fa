"""Small real filesystems for disk trials: a tmpfs with a size limit ("full disk") that can
be remounted read-only mid-test. Needs `mount` (root in CI); the test is skipped, saying
why, where mounting is not allowed."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


class TinyDisk:
    def __init__(self, where: Path) -> None:
        self.where = where

    def read_only(self, yes: bool = True) -> None:
        proc = _mount("-o", f"remount,{'ro' if yes else 'rw'}", str(self.where))
        assert proc.returncode == 0, proc.stderr

    def fill(self) -> None:
        """Take every free byte (a file of zeros until ENOSPC)."""
        with (self.where / "filler").open("wb") as f:
            try:
                while True:
                    f.write(b"\0" * 4096)
                    f.flush()
            except OSError:
                pass

    def free(self) -> None:
        (self.where / "filler").unlink(missing_ok=True)


@contextmanager
def tiny_disk(where: Path, size: str = "256k") -> Iterator[TinyDisk]:
    where.mkdir(parents=True, exist_ok=True)
    proc = _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where))
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({proc.stderr.strip()})")
    try:
        yield TinyDisk(where)
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False, capture_output=True)
