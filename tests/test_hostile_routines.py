"""Issue 13's reproductions for routine files: each gives one clear message naming the file
(and the field or line), and no bad file hides the good routines or blocks a command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.labs.routines import GOOD
from knee_desktop.common.errors import RoutineError
from knee_desktop.main import main
from knee_desktop.plan.timeline import compile_timeline
from knee_desktop.routine import template
from knee_desktop.routine.loader import load_catalog, load_routine_file, parse_routine


def _bad(text: str) -> RoutineError:
    with pytest.raises(RoutineError) as info:
        parse_routine(text, Path("bad.toml"))
    return info.value


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        ('title = "Mini"', 'title = "Knee {beta}"', "title", "unknown placeholder {beta}"),
        ('title = "Mini"', 'title = "Mini"\nsafety = ["Stop at {pain}."]', "safety[1]",
         "unknown placeholder {pain}; this text may use no placeholders"),
        ('title = "Mini"', 'title = "Mini"\nsummary = "{leg}"', "summary", "{leg}"),
        ('title = "Mini"', 'title = "Mini"\nclosing = "Done {x}"', "closing", "{x}"),
        ('title = "Mini"', 'title = "Mini"\nsetup = ["ok", "{leg!z}"]', "setup[2]",
         "!conversion"),
        ('"Wipe left {reps} times."', '"Wipe {leg:d}."', "steps[1].say", "{leg:d}"),
        ('"Wipe left {reps} times."', '"Wipe {leg:{reps}}."', "steps[1].say", "lone"),
        ('"Still for {seconds}."', '"Still {seconds:%}."', "steps[2].say", "{seconds:%}"),
        ('"Still for {seconds}."', '"{leg.__class__.__mro__}"', "steps[2].say",
         ".attribute"),
        ('"Still for {seconds}."', '"{leg!r}"', "steps[2].say", "{leg!r}"),
        ('"Still for {seconds}."', '"{leg[0]}"', "steps[2].say", "[index]"),
        ('"Still for {seconds}."', '"{leg:>1000000000}"', "steps[2].say", "{leg:>1000000000}"),
        ('"Go on."', '"Go on {"', "steps[2].end_say", 'lone "{"'),
        ('title = "Left"', 'title = "Left {leg}"', "steps[1].title", "may use no placeholders"),
        ('"Other leg: {leg}."', '"Other leg: {reps}."', "switch_say", "may use {leg}"),
    ],
)
def test_every_text_field_is_checked_as_a_template(old: str, new: str, field: str,
                                                   expected: str) -> None:
    assert old in GOOD
    err = _bad(GOOD.replace(old, new, 1))
    assert err.field == field
    assert expected in str(err)
    assert str(err).startswith("bad.toml, line ")


def test_braces_are_written_twice_and_read_once() -> None:
    text = GOOD.replace('title = "Mini"', 'title = "Mini {{1}}"\nsafety = ["a }} b"]')
    text = text.replace('"Wipe left {reps} times."', '"Wipe {{left}} {reps} times."')
    routine = parse_routine(text, Path("mini.toml"))
    assert routine.title == "Mini {1}" and routine.safety == ("a } b",)
    spoken = [e.text for e in compile_timeline(routine).events if e.text]
    assert spoken[0] == "Mini {1}." and "a } b" in spoken
    assert "Wipe {left} ten times." not in spoken and "Wipe {left} three times." in spoken


def test_fill_never_uses_format() -> None:
    assert template.fill("{leg} {{leg}} {reps}", {"leg": "left"}) == "left {leg} {reps}"
    assert template.problem("{leg}", {"leg"}) is None


def test_id_with_a_trailing_newline_is_refused() -> None:
    err = _bad(GOOD.replace('id = "mini"', 'id = "x\\n"'))
    assert err.field == "id" and "lower-case letters" in str(err)


def test_a_huge_value_is_quoted_short() -> None:
    err = _bad(GOOD.replace("reps = 3", 'reps = "' + "9" * 1_000_000 + '"'))
    assert err.field == "defaults.reps" and len(str(err)) < 300


def test_a_huge_unknown_key_is_named_short() -> None:
    err = _bad(GOOD.replace("reps = 3", "k" * 100_000 + " = 3"))
    assert "unknown key" in str(err) and len(str(err)) < 500


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = " + "[" * 1000 + "]" * 1000, "nested more than 32 deep"),
        ("a = " + "[" * 5000 + "]" * 5000, "nested more than 32 deep"),
        ("a = " + "{b=" * 1000 + "1" + "}" * 1000, "nested more than 32 deep"),
        ('id = "x"\nreps = ' + "9" * 5000, "more than 32 digits"),
        ("a" + ".a" * 100_000 + " = 1", "dotted key with more than 32 parts"),
        ('id = "x"\nn = 0x' + "f" * 100, "past 64 bits"),
    ],
)
def test_shapes_that_break_tomllib_give_a_message(text: str, expected: str) -> None:
    err = _bad(text)
    assert expected in str(err) and str(err).startswith("bad.toml")


def test_numbers_and_brackets_inside_strings_are_fine() -> None:
    text = GOOD.replace('title = "Mini"', 'title = "Mini ' + "[" * 40 + "1" * 40 + "a." * 40
                        + '"')
    assert parse_routine(text, Path("mini.toml")).title.startswith("Mini [[[")


def test_special_files_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(RoutineError, match="FIFO"):
        load_routine_file(fifo)
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    with pytest.raises(RoutineError, match=r"character device.*a link to /dev/zero"):
        load_routine_file(zero)
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(RoutineError, match="a folder"):
        load_routine_file(folder)
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * (2 << 20))
    with pytest.raises(RoutineError, match="expected at most 1 MiB"):
        load_routine_file(big)


def _hostile_folder(folder: Path) -> None:
    os.mkfifo(folder / "fifo.toml")
    (folder / "zero.toml").symlink_to("/dev/zero")
    (folder / "deep.toml").write_text("a = " + "[" * 1000 + "]" * 1000)
    (folder / "digits.toml").write_text("a = " + "9" * 5000)
    (folder / "dots.toml").write_text("a" + ".a" * 100_000 + " = 1")
    (folder / "title.toml").write_text(GOOD.replace('"Mini"', '"Knee {beta}"'))
    (folder / "spec.toml").write_text(GOOD.replace("{reps} times", "{leg:>1000000000}"))
    (folder / "good.toml").write_text(GOOD)


def test_bad_files_never_hide_the_good_ones(user_routines: Path) -> None:
    _hostile_folder(user_routines)
    catalog = load_catalog()
    assert set(catalog.routines) == {"windshield-wiper", "thigh-massage", "mini"}
    assert len(catalog.problems) == 7
    for problem in catalog.problems:
        assert str(problem).startswith(str(user_routines))


def test_routines_command_lists_good_ones_and_names_bad_ones(
        user_routines: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _hostile_folder(user_routines)
    assert main(["routines"]) == 0
    out, err = capsys.readouterr()
    assert "windshield-wiper" in out and "mini" in out
    assert err.count("Skipped a bad routine file") == 7 and "Traceback" not in err


def test_a_fifo_named_on_the_command_line_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "x.toml"
    os.mkfifo(fifo)
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "XDG_DATA_HOME": str(tmp_path / "d"), "XDG_STATE_HOME": str(tmp_path / "s")}
    done = subprocess.run([sys.executable, "-m", "knee_desktop", "plan", str(fifo)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 2
    assert "FIFO" in done.stderr and "Traceback" not in done.stderr


def test_a_handed_over_special_file_never_freezes_the_window(qtbot, tmp_path: Path) -> None:
    """What the running window does with a second launch's `--start FILE` (ui/app.act_on
    says a KneeError to the user): a FIFO or /dev/zero is refused at once."""
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.ui.session.main_window import MainWindow
    from tests.fakes import FakeInhibitor, RecordingVoice

    voice = RecordingVoice()
    window = MainWindow(load_catalog(), lambda: voice, settings=PlanSettings(),
                        inhibitor=FakeInhibitor())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    for path, problem in ((fifo, "FIFO"), (zero, "character device")):
        with pytest.raises(RoutineError, match=problem):
            window.choose_routine(str(path))
    window.choose_routine("windshield-wiper")  # the window still works
    assert window.routine is not None and window.routine.id == "windshield-wiper"
