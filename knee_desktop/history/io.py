"""History export (JSON, CSV) and import (JSON). Formats: docs/history.md.

The JSON export carries everything needed to rebuild the history on another machine; each
session has a UUID, so importing a file twice, or into the history it came from, adds
nothing twice.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Container, Iterable
from pathlib import Path
from typing import IO

from knee_desktop import __version__
from knee_desktop.common.errors import KneeError
from knee_desktop.history import import_check as check
from knee_desktop.history.jsonformat import (
    FORMAT,
    FORMAT_VERSION,
    KNOWN_VERSIONS,
    iso,
    session_json,
)
from knee_desktop.history.store import HistoryStore, SessionRecord

__all__ = ["CSV_COLUMNS", "FORMAT", "FORMAT_VERSION", "csv_text", "dump_csv", "dump_json",
           "load_json", "session_json"]
CSV_COLUMNS = ("uuid", "started", "ended", "routine", "title", "end_state", "at_step",
               "at_title", "exercise_minutes", "paused_minutes", "planned_minutes",
               "steps_done", "steps_planned", "reps_done", "legs_done", "feel_before",
               "feel_after", "note")


def importable(lines: list[str]) -> tuple[list[str], int]:
    """The exported sessions the import would take back (checked by the import's own
    checks, so an export always re-imports), and how many were not (damaged: left out)."""
    good = []
    for i, line in enumerate(lines):
        try:
            check.session(json.loads(line, parse_constant=check.Bad), f"session {i + 1}")
        except (check.ImportProblem, ValueError):
            continue
        good.append(line)
    return good, len(lines) - len(good)


def dump_json(store: HistoryStore, out: IO[str]) -> None:
    """Write the export: a header, then one session per line (diff- and grep-friendly).
    Only sessions the import takes back are written; the others are counted and said."""
    head = {"format": FORMAT, "version": FORMAT_VERSION, "app_version": __version__,
            "exported": iso(store.now_wall())}
    lines, damaged = importable(store.export_json())
    if damaged:
        store.left_out += damaged
        store.messages.append(
            f"{damaged} session{'s' if damaged != 1 else ''} that could not be read back "
            f"{'were' if damaged != 1 else 'was'} left out of the export (kept in "
            f"{store.path}).")
    size = sum(len(line.encode("utf-8")) + 2 for line in lines)
    if size > check.MAX_FILE_BYTES:
        store.messages.append(
            f"This export is {size / (1 << 20):.0f} MiB, more than the "
            f"{check.MAX_FILE_BYTES >> 20} MiB an import reads at once.")
    out.write(json.dumps(head)[:-1] + ', "sessions": [')
    out.write("\n" + ",\n".join(lines) + "\n]}\n")


def spreadsheet_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula (=, +, -, @, a tab or a carriage return
    first) gets a leading apostrophe, as OWASP advises for CSV files."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def dump_csv(records: Iterable[SessionRecord], out: IO[str]) -> None:
    """One row per session, for a spreadsheet (no steps: use JSON for those). Text that a
    spreadsheet would take for a formula is written so that it shows as text."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in records:
        w.writerow(map(spreadsheet_cell, [
                    r.uuid, iso(r.started), iso(r.ended) or "", r.routine_id, r.title,
                    r.end_state or "running", "" if r.at_step is None else r.at_step,
                    r.at_title or "", f"{r.exercise_seconds / 60:.2f}",
                    f"{r.paused_seconds / 60:.2f}", f"{r.planned_seconds / 60:.2f}",
                    r.steps_done, r.steps_planned, r.reps_done, r.legs_done,
                    "" if r.feel_before is None else r.feel_before,
                    "" if r.feel_after is None else r.feel_after, r.note]))


def csv_text(records: Iterable[SessionRecord]) -> str:
    buf = io.StringIO()
    dump_csv(records, buf)
    return buf.getvalue()


def load_json(path: Path,
              known: Container[str] = frozenset()) -> tuple[list[SessionRecord], int]:
    """Read and check a whole export: (its sessions, how many it has). KneeError naming the
    file, the session, the step and the field of the first problem found.

    The file is read with limits (a regular file, at most ``MAX_FILE_BYTES``) and every
    session is checked before any is returned, so the caller writes all or nothing. Sessions
    whose uuid is in ``known`` (already in the history) are counted, not checked further
    and not returned (nothing of them is written). A
    session without an end state was running when exported: it comes in as interrupted.
    """
    try:
        return _load(path, known)
    except KneeError as exc:
        told = str(exc)
        if "Nothing was imported" not in told:
            told += " Nothing was imported."
        raise KneeError(told) from exc


def export_bytes(records: Iterable[SessionRecord]) -> int:
    """About how many bytes these sessions take in an export (compact JSON, as SQLite
    writes it)."""
    return sum(len(json.dumps(session_json(r), separators=(",", ":"),
                              ensure_ascii=False).encode("utf-8", "replace")) + 2
               for r in records)


def import_into(store: HistoryStore, path: Path) -> tuple[int, int]:
    """Read, check and add an export to ``store`` in one transaction: (added, already
    there). Refused whole if the history would then export to more than an import reads,
    so that every history this app holds can be exported and imported again."""
    records, total = load_json(path, store.uuids())
    if records:
        now = sum(len(line.encode("utf-8")) + 2 for line in store.export_json())
        after = now + export_bytes(records)
        if after > check.MAX_FILE_BYTES:
            raise KneeError(f"{path}: with these {len(records)} sessions the history would "
                            f"export to about {after / (1 << 20):.0f} MiB, more than the "
                            f"{check.MAX_FILE_BYTES >> 20} MiB an import reads back. Nothing "
                            "was imported.")
    added, _ = store.import_sessions(records)  # one transaction: all or nothing
    return added, total


def _load(path: Path, known: Container[str]) -> tuple[list[SessionRecord], int]:
    data = check.parse(check.read_bounded(path), path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise KneeError(f'{path} is not a knee-desktop history export (no "format": '
                        f'"{FORMAT}").')
    version = data.get("version")
    if type(version) is int and version > FORMAT_VERSION:
        raise KneeError(f"{path} is a history export of format version {version!r}; this "
                        f"version of knee-desktop reads up to {FORMAT_VERSION}. Update "
                        "knee-desktop to import it.")
    if type(version) is not int or version not in KNOWN_VERSIONS:
        raise KneeError(f'{path}: field "version": expected a format version this app knows '
                        f"({', '.join(map(str, KNOWN_VERSIONS))}), got {version!r}.")
    sessions = data.get("sessions")
    if not isinstance(sessions, list):
        raise KneeError(f'{path}: field "sessions" is missing or not a list.')
    try:
        out = []
        for i, s in enumerate(sessions):
            if isinstance(s, dict) and isinstance(s.get("uuid"), str) and s["uuid"] in known:
                continue  # already in the history: nothing of it is written
            out.append(check.session(s, f"session {i + 1}"))
    except check.ImportProblem as exc:
        raise KneeError(f"{path}: {exc}. Nothing was imported.") from exc
    return out, len(sessions)
