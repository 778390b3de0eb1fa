"""The saved settings: round-trip, damaged files kept aside, change detection, overrides."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from bench.labs import DATA
from knee_desktop.common.errors import SettingsError
from knee_desktop.main import main
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.prefs import user_settings as us
from knee_desktop.prefs.user_settings import Reminder, UserSettings

NOW = dt.datetime(2026, 1, 24, 8, 15, 0)


def custom() -> UserSettings:
    return UserSettings(voice='gmw/en "quoted" \\ voice', rate=150, volume=0.6, tones=True,
                        plan=PlanSettings(reps=8, pause_seconds=12.5, sweep_seconds=2.5,
                                          circle_seconds=4.0, lead_in_seconds=0.0, leg="right",
                                          first_leg="right"), knee_feel=False,
                        reminder=Reminder(True, dt.time(7, 5), frozenset({0, 2, 6})))


def test_no_file_gives_defaults_and_writes_nothing():
    result = us.load()
    assert result.settings == UserSettings()
    assert result.messages == ()
    assert not us.settings_path().exists()


def test_round_trip_and_the_file_is_readable():
    path = us.save(custom())
    assert path == us.settings_path()
    assert us.load().settings == custom()
    text = path.read_text()
    assert "rate = 150  # speech rate" in text
    assert 'days = ["mon", "wed", "sun"]' in text
    assert tomllib.loads(text)["reminder"]["time"] == "07:05"


def test_defaults_round_trip_with_routine_values_left_as_comments():
    path = us.save(UserSettings())
    text = path.read_text()
    assert "# reps = (the routine's own)" in text
    assert "reps" not in tomllib.loads(text)
    assert us.load().settings == UserSettings()


def test_save_is_atomic_and_leaves_no_temporary_files():
    us.save(custom())
    us.save(UserSettings(rate=120))
    assert [p.name for p in us.settings_path().parent.iterdir()] == ["settings.toml"]


def test_save_refuses_invalid_settings_and_keeps_the_old_file():
    us.save(custom())
    with pytest.raises(SettingsError, match=r"rate: expected 80 to 300 words per minute, got 5"):
        us.save(UserSettings(rate=5))
    assert us.load().settings == custom()


def test_a_file_that_is_not_toml_falls_back_to_defaults_and_is_kept_aside():
    path = us.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("rate = = 3\n[[[")
    result = us.load(now=NOW)
    assert result.settings == UserSettings()
    assert result.kept_aside == path.with_name("settings.toml.damaged-20260124-081500")
    assert result.kept_aside.read_text() == "rate = = 3\n[[["
    assert "not a readable TOML file" in "\n".join(result.messages)
    assert str(result.kept_aside) in result.messages[-1]
    # The repaired (default) settings were saved; the next load is quiet.
    assert us.load().messages == ()


def test_a_bad_value_keeps_the_good_ones_and_names_the_problem():
    path = us.settings_path()
    path.parent.mkdir(parents=True)
    original = 'rate = 999\nreps = 7\nleg = "middle"\ncolour = "red"\n[reminder]\ntime = "25:00"\n'
    path.write_text(original)
    result = us.load(now=NOW)
    assert result.settings == UserSettings(plan=PlanSettings(reps=7))
    text = "\n".join(result.messages)
    assert "rate: expected 80 to 300 words per minute, got 999; using the default." in text
    assert "leg: expected left, right or both, got 'middle'" in text
    assert "unknown setting 'colour' ignored" in text
    assert 'reminder time: expected a time like "09:00", got \'25:00\'' in text
    assert result.kept_aside is not None and result.kept_aside.read_text() == original
    assert us.load().settings == UserSettings(plan=PlanSettings(reps=7))


def test_a_second_damage_in_the_same_second_does_not_overwrite_the_first(tmp_path: Path):
    path = tmp_path / "s.toml"
    path.write_text("x")
    first = us.load(path, now=NOW).kept_aside
    path.write_text("y")
    second = us.load(path, now=NOW).kept_aside
    assert first is not None and second is not None and first != second
    assert (first.read_text(), second.read_text()) == ("x", "y")


def test_an_unreadable_file_is_left_alone(tmp_path: Path):
    path = tmp_path / "dir-not-file.toml"
    path.mkdir()
    result = us.load(path)
    assert result.settings == UserSettings()
    assert "Could not read your settings file" in result.messages[0]
    assert path.is_dir()


def test_validate_names_the_setting():
    with pytest.raises(SettingsError, match=r"volume: expected 0 to 1, got 1.5"):
        UserSettings(volume=1.5).validate()
    with pytest.raises(SettingsError, match=r"reps: expected a whole number"):
        UserSettings(plan=PlanSettings(reps=2.5)).validate()  # type: ignore[arg-type]


def test_to_plan_settings():
    assert custom().to_plan_settings() == PlanSettings(
        reps=8, pause_seconds=12.5, sweep_seconds=2.5, circle_seconds=4.0, lead_in_seconds=0.0,
        leg="right", first_leg="right")
    assert UserSettings().to_plan_settings() == PlanSettings()


def test_changes_tell_speech_from_plan():
    base = UserSettings()
    assert not us.changes(base, base)
    voice = us.changes(base, UserSettings(voice="gmw/en-GB-scotland", volume=0.5))
    assert voice.fields == {"voice", "volume"}
    assert voice.rerender_speech and not voice.replan and not voice.reminder
    tempo = us.changes(base, UserSettings(plan=PlanSettings(sweep_seconds=3.0, pause_seconds=8.0)))
    assert tempo.replan and not tempo.rerender_speech
    reminder = us.changes(base, UserSettings(reminder=Reminder(enabled=True)))
    assert reminder.reminder and not reminder.replan and not reminder.rerender_speech


def plan_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["plan", "windshield-wiper", "--json", *args]) == 0
    settings = json.loads(capsys.readouterr().out)["settings"]
    assert isinstance(settings, dict)
    return settings


def test_plan_uses_the_saved_settings_and_options_override_them(capsys):
    assert plan_json(capsys)["reps"] == 10
    us.save(UserSettings(plan=PlanSettings(reps=4, pause_seconds=6.0, sweep_seconds=2.5)))
    saved = plan_json(capsys)
    assert (saved["reps"], saved["pause"], saved["sweep"]) == (4, 6.0, 2.5)
    over = plan_json(capsys, "--reps", "3", "--tempo", "1.5")
    assert (over["reps"], over["pause"], over["sweep"]) == (3, 6.0, 1.5)


def test_plan_says_when_the_saved_settings_were_damaged(capsys):
    us.settings_path().parent.mkdir(parents=True)
    us.settings_path().write_text("reps = 0\n")
    assert main(["plan", "windshield-wiper", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["settings"]["reps"] == 10
    assert "reps: expected 1 to 100, got 0; using the default." in err


def test_start_options_override_the_saved_settings_too():
    from knee_desktop.cli.main import build_parser, parse_launch
    from knee_desktop.cli.options import settings_from_args

    base = UserSettings(plan=PlanSettings(reps=4, pause_seconds=6.0, leg="left")
                        ).to_plan_settings()
    args = build_parser().parse_args(["--start", "windshield-wiper", "--reps", "3"])
    assert args.start == "windshield-wiper"
    assert settings_from_args(args, base) == PlanSettings(reps=3, pause_seconds=6.0, leg="left")
    handed = parse_launch(["--start", "thigh-massage", "--leg", "right"])
    assert handed is not None and handed.overrides.apply(base).leg == "right"
    assert handed.start == "thigh-massage"
    assert parse_launch(["--reps", "many"]) is None  # never exits the running app




def test_files_written_before_plan_settings_were_embedded_still_load():
    """tests/data holds files that UserSettings.save wrote when it had seven flat fields."""
    result = us.load(DATA / "settings-v1-before-limits.toml")
    assert result.messages == ()
    assert result.settings == UserSettings(
        voice="english-us", rate=150, volume=0.8, tones=True, knee_feel=False,
        plan=PlanSettings(reps=12, pause_seconds=8.5, sweep_seconds=2.5, lead_in_seconds=3.0,
                          leg="right", first_leg="right"),
        reminder=Reminder(True, dt.time(7, 30), frozenset({0, 2, 4})))
    assert_only_added(us.dumps(result.settings), DATA / "settings-v1-before-limits.toml")
    defaults = us.load(DATA / "settings-v1-defaults.toml")
    assert defaults.messages == () and defaults.settings == UserSettings()
    assert_only_added(us.dumps(UserSettings()), DATA / "settings-v1-defaults.toml")


def assert_only_added(saved: str, old: Path) -> None:
    """Saving writes every line of the old file, in order; newer fields only add lines."""
    lines = iter(saved.splitlines())
    missing = [line for line in old.read_text().splitlines() if line not in lines]
    assert missing == []
