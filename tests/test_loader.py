"""Routine files: the shipped ones load; every kind of bad file gets a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.labs.routines import GOOD
from knee_desktop.common import paths
from knee_desktop.common.errors import KneeError, RoutineError
from knee_desktop.routine.loader import load_catalog, load_routine_file, parse_routine
from knee_desktop.routine.model import MoveStep, PressStep, RestStep, StillStep


def _bad(text: str, name: str = "bad.toml") -> RoutineError:
    with pytest.raises(RoutineError) as info:
        parse_routine(text, Path(name))
    return info.value


def test_shipped_routines_load_and_follow_the_guide() -> None:
    catalog = load_catalog()
    assert catalog.problems == []
    wiper = catalog.routines["windshield-wiper"]
    moves = [s.movement for s in wiper.steps if isinstance(s, MoveStep)]
    assert moves == ["sweep-left", "sweep-right", "sweep-both", "circle-clockwise",
                     "circle-counterclockwise"]
    kinds = [type(s) for s in wiper.steps]
    # a still pause after every movement group, then "lie there and feel"
    assert kinds == [MoveStep, StillStep] * 5 + [RestStep]
    assert wiper.per_leg and wiper.defaults.reps == 10 and wiper.defaults.pause_seconds == 10
    safety = " ".join(wiper.safety).lower()
    assert "point of resistance" in safety and "point of pain" in safety
    assert "make the move smaller" in safety and "not a replacement for your doctor" in safety
    massage = catalog.routines["thigh-massage"]
    press = next(s for s in massage.steps if isinstance(s, PressStep))
    assert press.hold_seconds == 12
    assert "hip" in massage.instructions and "rolling pin" in massage.instructions


def test_shipped_dir_is_inside_the_package_or_the_checkout() -> None:
    assert (paths.shipped_routines_dir() / "windshield-wiper.toml").is_file()


def test_toml_syntax_error_names_file_and_line() -> None:
    err = _bad('id = "x"\ntitle = "X"\n\n[[steps]]\ntype = "move\n')
    assert err.line == 5
    assert str(err).startswith("bad.toml, line 5: not valid TOML")


@pytest.mark.parametrize(
    ("change", "field", "line", "expected"),
    [
        (("reps = 3", "reps = 0"), "defaults.reps", 7, "a whole number from 1 to 100"),
        (("reps = 3", "reps = -2"), "defaults.reps", 7, "a whole number from 1 to 100"),
        (("reps = 3", "reps = 2.5"), "defaults.reps", 7, "a whole number"),
        (("reps = 3", "pause_seconds = 0"), "defaults.pause_seconds", 7, "at least 1"),
        (("reps = 3", "pause_seconds = 3601"), "defaults.pause_seconds", 7, "at most 3600"),
        (('movement = "sweep-left"', 'movement = "kick"'), "steps[1].movement", 12,
         "one of: sweep-left, sweep-right"),
        (('end_say = "Go on."', 'end_say = "Go on."\nseconds = 0'), "steps[2].seconds", 20,
         "at least 1"),
        (('title = "Left"', 'title = "Left"\nspeed = 3'), "steps[1].speed", 12, "unknown key"),
        (("reps = 3", "repz = 3"), "defaults.repz", 7, "unknown key"),
        (('say = "Wipe left {reps} times."', 'say = "Wipe {count} times."'), "steps[1].say",
         13, "unknown placeholder {count}"),
        (('type = "still"', 'type = "nap"'), "steps[2].type", 16, "unknown step type"),
    ],
)
def test_bad_values_name_field_line_and_expectation(
    change: tuple[str, str], field: str, line: int, expected: str
) -> None:
    assert change[0] in GOOD
    err = _bad(GOOD.replace(change[0], change[1], 1))
    assert err.field == field
    assert err.line == line
    assert expected in str(err)
    assert str(err).startswith(f"bad.toml, line {line}: field \"{field}\"")


def test_missing_fields_are_named() -> None:
    err = _bad(GOOD.replace('title = "Mini"\n', ""))
    assert err.field == "title" and "missing" in str(err)
    err = _bad(GOOD.replace('movement = "sweep-left"\n', ""))
    assert err.field == "steps[1].movement" and err.line == 9  # its [[steps]] header
    err = _bad('id = "x"\ntitle = "X"\n')
    assert err.field == "steps" and "at least one" in str(err)


def test_keys_inside_multiline_strings_are_not_taken_for_keys() -> None:
    text = GOOD.replace('title = "Mini"', 'title = "Mini"\ninstructions = """\nreps = 0\n"""')
    text = text.replace("reps = 3", "reps = 0")
    err = _bad(text)
    assert err.line == 10  # the real [defaults] reps, not the one in the string


def test_good_file_parses_and_counts_default_to_session_settings() -> None:
    routine = parse_routine(GOOD, Path("mini.toml"))
    assert routine.id == "mini" and routine.defaults.reps == 3
    move = routine.steps[0]
    assert isinstance(move, MoveStep) and move.reps is None


def test_user_routine_overrides_shipped_and_bad_user_file_is_listed(
    user_routines: Path,
) -> None:
    (user_routines / "mine.toml").write_text(
        GOOD.replace('id = "mini"', 'id = "windshield-wiper"'), encoding="utf-8")
    (user_routines / "broken.toml").write_text("id = [", encoding="utf-8")
    catalog = load_catalog()
    assert catalog.routines["windshield-wiper"].title == "Mini"
    assert catalog.routines["thigh-massage"].source is not None
    assert [p.path.name for p in catalog.problems] == ["broken.toml"]
    with pytest.raises(RoutineError, match=r"broken.toml, line 1: not valid TOML"):
        catalog.get("broken")


def test_unknown_routine_lists_the_known_ones() -> None:
    with pytest.raises(KneeError, match="Known routines: thigh-massage, windshield-wiper"):
        load_catalog().get("nope")


def test_duplicate_ids_in_one_folder_are_reported(user_routines: Path) -> None:
    (user_routines / "a.toml").write_text(GOOD, encoding="utf-8")
    (user_routines / "b.toml").write_text(GOOD, encoding="utf-8")
    problems = load_catalog().problems
    assert len(problems) == 1 and "already used by a.toml" in str(problems[0])


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    latin = tmp_path / "latin.toml"
    latin.write_bytes('title = "caf\xe9"'.encode("latin-1"))
    with pytest.raises(RoutineError, match="not UTF-8"):
        load_routine_file(latin)
    with pytest.raises(RoutineError, match="cannot be read"):
        load_routine_file(tmp_path / "missing.toml")
