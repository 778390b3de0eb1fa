"""The whole guided session as one WAV: every clip mixed in at its timeline time.

Streamed: the session is mixed ten seconds at a time and written as it goes, so memory stays
flat however long the session (the longest allowed one, 18.4 hours, is a 2.9 GB file). The
file is written beside the target under a temporary name and renamed into place at the end;
any failure removes it. The target is checked first: an existing file is replaced only when
the caller says so, and a link, a folder or a device is never replaced.
"""

from __future__ import annotations

import array
import contextlib
import os
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from knee_desktop.common import safe_write
from knee_desktop.common.errors import KneeError
from knee_desktop.plan.events import Timeline
from knee_desktop.speech.clip import RATE, Clip, mix_into
from knee_desktop.speech.render import SpeechCache
from knee_desktop.speech.tones import ToneSet

TAIL = 1.0  # seconds of silence after the last word
CHUNK = RATE * 10  # samples mixed and written at a time
WAV_MAX_DATA = 0xFFFFFFFF - 36  # a RIFF file's sizes are 32-bit


class ExportError(KneeError):
    """The session could not be written to the file asked for; nothing was left behind."""


@dataclass(frozen=True)
class Exported:
    path: Path
    samples: int

    @property
    def seconds(self) -> float:
        return self.samples / RATE


def _placed(timeline: Timeline, source: SpeechCache | ToneSet) -> list[tuple[int, Clip]]:
    """Each clip with the sample it starts at, in order."""
    clips: list[tuple[int, Clip]] = []
    first = True
    for event in timeline.events:
        if isinstance(source, ToneSet):
            clip = source.clip(event.text or "", event.kind, first=first)
        elif event.text:
            clip = source.clip(event.text)
        else:
            continue
        first = False
        clips.append((round(event.t * RATE), clip))
    clips.sort(key=lambda c: c[0])
    return clips


def _length(timeline: Timeline, clips: list[tuple[int, Clip]]) -> int:
    end = max([at + len(c.samples) for at, c in clips] + [round(timeline.duration * RATE)])
    return end + round(TAIL * RATE)


def _chunks(clips: list[tuple[int, Clip]], total: int) -> Iterator[array.array[int]]:
    """The mixed session, :data:`CHUNK` samples at a time."""
    i = 0
    active: list[tuple[int, Clip]] = []
    for start in range(0, total, CHUNK):
        end = min(total, start + CHUNK)
        while i < len(clips) and clips[i][0] < end:
            active.append(clips[i])
            i += 1
        out = array.array("h", bytes(2 * (end - start)))
        for at, clip in active:
            mix_into(out, clip.samples, at - start)
        active = [(at, c) for at, c in active if at + len(c.samples) > end]
        yield out


def render_session(timeline: Timeline, source: SpeechCache | ToneSet) -> Clip:
    """The whole session in memory (for short sessions and tests; export streams)."""
    clips = _placed(timeline, source)
    out = array.array("h")
    for chunk in _chunks(clips, _length(timeline, clips)):
        out.extend(chunk)
    return Clip(out)


def _wav_header(samples: int) -> bytes:
    data = 2 * samples
    return struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + data, b"WAVE", b"fmt ", 16, 1, 1,
                       RATE, RATE * 2, 2, 16, b"data", data)


def check_target(path: Path, *, force: bool = False) -> None:
    """Raise :class:`ExportError` unless ``path`` may be written: it does not exist, or it is
    a regular file and ``force`` is set. A link, a folder or a device is never replaced."""
    try:
        safe_write.check_target(path, replace=force)
    except safe_write.UnsafeTarget as exc:
        raise ExportError(str(exc)) from None


def export_session(timeline: Timeline, source: SpeechCache | ToneSet, path: Path, *,
                   force: bool = False) -> Exported:
    """Write the session to ``path`` as a WAV file, streamed; :class:`ExportError` if it
    cannot be, with nothing left behind."""
    check_target(path, force=force)
    clips = _placed(timeline, source)
    total = _length(timeline, clips)
    if 2 * total > WAV_MAX_DATA:
        raise ExportError(f"The session is {total / RATE / 3600:.1f} hours: too long for one "
                          "WAV file (at most about 27 hours).")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as exc:
        raise ExportError(f"Cannot write in the folder {folder}: "
                          f"{exc.strerror or exc}.") from None
    try:
        # Whole or nothing: a failure, Ctrl+C, SIGTERM or SIGHUP removes the .part
        with safe_write.atomic_file(path, replace=force, binary=True) as f:
            f.write(_wav_header(total))
            for chunk in _chunks(clips, total):
                if sys.byteorder != "little":
                    chunk.byteswap()
                f.write(chunk.tobytes())
    except safe_write.UnsafeTarget as exc:
        raise ExportError(str(exc)) from None
    except OSError as exc:
        raise ExportError(f"{path} could not be written: {exc.strerror or exc}. Nothing was "
                          "left behind.") from None
    return Exported(path, total)


def _remove(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
