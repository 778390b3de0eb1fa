"""export-audio's output path (issue 13): a message, never a crash report; nothing left
behind; no overwrite without --force; a link or a device never replaced; streamed to disk."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from bench.labs.routines import tiny_routine
from knee_desktop.main import main
from knee_desktop.plan.timeline import compile_timeline
from knee_desktop.prefs import user_settings as us
from knee_desktop.routine.loader import load_routine_file
from knee_desktop.speech import export
from knee_desktop.speech.clip import RATE
from knee_desktop.speech.tones import ToneSet


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    us.save(us.UserSettings(tones=True))  # tones: no speech engine needed
    return tiny_routine(tmp_path)


def _export(tiny: Path, out: Path, *extra: str,
            capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["export-audio", str(tiny), str(out), *extra])
    return code, capsys.readouterr().err


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


def test_streamed_file_is_the_mixed_session(tmp_path: Path, tiny: Path) -> None:
    timeline = compile_timeline(load_routine_file(tiny))
    out = tmp_path / "s.wav"
    done = export.export_session(timeline, ToneSet(), out)
    whole = export.render_session(timeline, ToneSet())
    with wave.open(str(out), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE)
        assert w.getnframes() == done.samples == len(whole.samples)
        assert w.readframes(w.getnframes()) == whole.to_bytes()
    assert whole.seconds >= timeline.duration


def test_chunks_mix_clips_that_cross_a_chunk_boundary(monkeypatch: pytest.MonkeyPatch,
                                                      tiny: Path) -> None:
    timeline = compile_timeline(load_routine_file(tiny))
    whole = export.render_session(timeline, ToneSet()).samples
    monkeypatch.setattr(export, "CHUNK", 997)  # a prime: every clip crosses boundaries
    assert export.render_session(timeline, ToneSet()).samples == whole


def test_an_existing_file_needs_force(tmp_path: Path, tiny: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.wav"
    out.write_bytes(b"mine")
    code, err = _export(tiny, out, capsys=capsys)
    assert code == 2 and "already exists; add --force to replace it" in err
    assert out.read_bytes() == b"mine"
    code, err = _export(tiny, out, "--force", capsys=capsys)
    assert code == 0 and out.read_bytes()[:4] == b"RIFF"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("force", [(), ("--force",)])
def test_a_link_a_folder_or_a_device_is_never_replaced(tmp_path: Path, tiny: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       force: tuple[str, ...]) -> None:
    target = tmp_path / "real.wav"
    target.write_bytes(b"keep")
    link = tmp_path / "link.wav"
    link.symlink_to(target)
    code, err = _export(tiny, link, *force, capsys=capsys)
    assert code == 2 and "is a link" in err and link.is_symlink()
    assert target.read_bytes() == b"keep"
    code, err = _export(tiny, tmp_path, *force, capsys=capsys)
    assert code == 2 and "is a folder" in err
    code, err = _export(tiny, Path("/dev/null"), *force, capsys=capsys)
    assert code == 2 and "not a regular file" in err and Path("/dev/null").is_char_device()
    assert _leftovers(tmp_path) == []


def test_an_unwritable_place_is_a_message(tiny: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    code, err = _export(tiny, Path("/proc/knee-desktop/s.wav"), capsys=capsys)
    assert code == 2 and "Cannot write in the folder /proc/knee-desktop" in err
    assert "went wrong" not in err


def _small_disk() -> None:
    """In the child: files may grow to 64 KiB, as on a disk that is full after that."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_a_full_disk_leaves_nothing_behind(tmp_path: Path, tiny: Path) -> None:
    out = tmp_path / "s.wav"
    proc = subprocess.run([sys.executable, "-m", "knee_desktop", "export-audio", str(tiny),
                           str(out)], capture_output=True, text=True, timeout=120,
                          preexec_fn=_small_disk, env=dict(os.environ), check=False)
    assert proc.returncode == 2, proc.stderr
    assert "could not be written: File too large. Nothing was left behind." in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() and _leftovers(tmp_path) == []


@pytest.mark.parametrize(("where", "said"), [("missing/folder/cues.jsonl", ": cannot be written"),
                                           (".", " is a folder, not a regular file")])
def test_a_bad_cue_log_path_is_a_message_before_the_session(tmp_path: Path, tiny: Path,
                                                             where: str, said: str) -> None:
    target = tmp_path / where
    proc = subprocess.run([sys.executable, "-m", "knee_desktop", "run", str(tiny), "--silent",
                           "--quiet", "--cue-log", str(target)], capture_output=True,
                          text=True, timeout=120, env=dict(os.environ), check=False)
    assert proc.returncode == 2, proc.stderr
    assert f"--cue-log {target}{said}" in proc.stderr
    assert "Traceback" not in proc.stderr and "went wrong" not in proc.stderr


def test_cues_printed_to_a_full_disk_are_said_once_and_the_session_goes_on(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from knee_desktop.cli.run_cmd import CuePrinter
    from knee_desktop.session.engine import Cue

    timeline = compile_timeline(load_routine_file(tiny))
    full = open("/dev/full", "w", buffering=1)  # noqa: SIM115 - closed below
    printer = CuePrinter(full)
    for i, event in enumerate(timeline.events[:3]):
        printer.cue(Cue(event, i, event.t, event.t))
    with contextlib.suppress(OSError):  # what is still buffered cannot be written either
        full.close()
    err = capsys.readouterr().err
    assert err.count("the cues are no longer printed: No space left on device") == 1
