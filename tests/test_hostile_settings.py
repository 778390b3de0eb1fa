"""Issue 13's reproductions for settings.toml: any damage gives the defaults, a message, and
the file kept aside byte for byte; a link stays a link; nothing blocks or crashes later."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from knee_desktop.common.errors import SettingsError
from knee_desktop.main import main
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.prefs import user_settings as us
from knee_desktop.prefs.user_settings import UserSettings

NOW = dt.datetime(2026, 1, 24, 8, 15, 0)

DAMAGED = [
    pytest.param(b"reps = " + b"9" * 309 + b"\n", "more than 32 digits", id="309-digits"),
    pytest.param(b"reps = " + b"9" * 5000 + b"\n", "more than 32 digits", id="5000-digits"),
    pytest.param(b"reps = " + b"[" * 5000 + b"]" * 5000, "nested more than 32", id="deep"),
    pytest.param(b"a" + b".a" * 100_000 + b" = 1", "dotted key", id="dotted-keys"),
    pytest.param(b"rate = 0x" + b"f" * 60, "past 64 bits", id="hex"),
    pytest.param(b"rate = nan\nvolume = inf\n", "rate: expected", id="nan"),
    pytest.param(b"voice = '" + b"v" * 500_000 + b"'\n", "voice: expected", id="long-voice"),
    pytest.param(b"rate = \xff\n", "not UTF-8", id="latin-1"),
    pytest.param(b"# " + b"x" * (2 << 20), "expected at most 1 MiB", id="2-MiB"),
    pytest.param(b"[reminder]\ndays = [" + b"[" * 40 + b"]" * 40 + b"]", "nested", id="days"),
]


def _write(raw: bytes) -> Path:
    path = us.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize(("raw", "expected"), DAMAGED)
def test_damage_gives_defaults_a_message_and_the_bytes_kept_aside(raw: bytes,
                                                                   expected: str) -> None:
    path = _write(raw)
    result = us.load(now=NOW)
    assert result.settings == UserSettings()
    text = "\n".join(result.messages)
    assert expected in text and str(path) in text and len(text) < 1000
    assert result.kept_aside is not None and result.kept_aside.read_bytes() == raw
    assert us.load().messages == ()  # repaired


@pytest.mark.parametrize(("raw", "expected"), DAMAGED[:4])
def test_later_commands_still_work(raw: bytes, expected: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    _write(raw)
    assert main(["plan", "windshield-wiper"]) == 0
    assert expected in capsys.readouterr().err
    assert main(["plan", "windshield-wiper"]) == 0
    assert capsys.readouterr().err == ""


def test_a_fifo_is_left_alone_and_never_blocks() -> None:
    path = us.settings_path()
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    result = us.load()
    assert result.settings == UserSettings() and result.kept_aside is None
    assert "FIFO" in result.messages[0] and "left as it is" in result.messages[0]
    with pytest.raises(SettingsError, match="not a regular file"):
        us.save(UserSettings(rate=120))
    assert path.is_fifo()


def test_a_link_to_a_device_is_left_alone() -> None:
    path = us.settings_path()
    path.parent.mkdir(parents=True)
    path.symlink_to("/dev/zero")
    result = us.load()
    assert "character device" in result.messages[0] and "/dev/zero" in result.messages[0]
    assert path.is_symlink() and os.readlink(path) == "/dev/zero"


def test_a_damaged_linked_file_is_repaired_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "knee.toml"
    real.parent.mkdir()
    raw = b"rate = 999\nreps = 7\n"
    real.write_bytes(raw)
    path = us.settings_path()
    path.parent.mkdir(parents=True)
    path.symlink_to(real)
    result = us.load(now=NOW)
    assert result.settings == UserSettings(plan=PlanSettings(reps=7))
    assert path.is_symlink() and path.resolve() == real  # the link is kept
    assert result.kept_aside is not None and result.kept_aside.read_bytes() == raw
    assert not result.kept_aside.is_symlink()
    assert us.load().settings == UserSettings(plan=PlanSettings(reps=7))
    assert us.load().messages == ()


def test_saving_through_a_link_keeps_it(tmp_path: Path) -> None:
    real = tmp_path / "knee.toml"
    real.write_text("rate = 120\n")
    real.chmod(0o640)
    path = us.settings_path()
    path.parent.mkdir(parents=True)
    path.symlink_to(real)
    us.save(UserSettings(rate=150))
    assert path.is_symlink() and us.load().settings == UserSettings(rate=150)
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.toml"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["knee.toml"]


def test_an_unknown_voice_is_said_in_a_note_and_the_default_speaks() -> None:
    """espeak takes an unknown voice id without a word; the speech worker lists the real
    ones, so the session's notes (printed, shown) say what happened."""
    from knee_desktop.runtime.voice import speech_source
    from knee_desktop.speech.render import SpeechCache, VoiceSettings, Worker

    source, notes = speech_source(VoiceSettings(voice="no-such-voice"))
    assert isinstance(source, SpeechCache) and source.settings.voice is None
    assert len(notes) == 1 and "'no-such-voice' chosen in Settings is not installed" in notes[0]
    worker = Worker()
    real = worker.voices[0]
    worker.close()
    source, notes = speech_source(VoiceSettings(voice=real))
    assert notes == [] and isinstance(source, SpeechCache) and source.settings.voice == real
