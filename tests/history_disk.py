"""Small real filesystems for disk trials: a tmpfs with a size limit ("full disk") that can
be remounted read-only mid-test. Needs `mount` (root in CI); the test is skipped, saying
why, where mounting is not allowed."""

from __future__ import annotations

import os
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
        fd = os.open(self.where / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)

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


class LoopDisk:
    """An ext4 image, loop-mounted: files can be made immutable (``chattr +i``) while open,
    which even root cannot write; the issue's "read-only mid-session"."""

    def __init__(self, where: Path) -> None:
        self.where = where

    def immutable(self, *names: str, yes: bool = True) -> None:
        targets = [str(self.where / n) for n in names if (self.where / n).exists()]
        proc = subprocess.run(["chattr", "+i" if yes else "-i", *targets],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr


@contextmanager
def loop_disk(where: Path, size_mb: int = 8) -> Iterator[LoopDisk]:
    image = where.with_name(where.name + ".img")
    with image.open("wb") as f:
        f.truncate(size_mb * 1024 * 1024)
    made = subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], capture_output=True,
                          text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot make an ext4 image here ({made.stderr.strip()})")
    where.mkdir(parents=True, exist_ok=True)
    proc = _mount("-o", "loop", str(image), str(where))
    if proc.returncode != 0:
        pytest.skip(f"cannot loop-mount an image here ({proc.stderr.strip()})")
    disk = LoopDisk(where)
    try:
        yield disk
    finally:
        subprocess.run(["chattr", "-R", "-i", str(where)], check=False, capture_output=True)
        subprocess.run(["umount", "-l", str(where)], check=False, capture_output=True)
        image.unlink(missing_ok=True)
