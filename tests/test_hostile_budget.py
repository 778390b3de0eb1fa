"""Issue 29, class 1: a parse budget counted before tomllib runs (dotted-key parts, digit-only
keys included, tables, steps), for routines and settings; `routines` lists without rendering
a phrase; a folder of 10,000 routine files is listed in bounded time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bench.labs.routines import GOOD
from knee_desktop.common import limits
from knee_desktop.common.errors import RoutineError
from knee_desktop.common.safe_read import check_toml_shape
from knee_desktop.main import main
from knee_desktop.prefs import user_settings as us
from knee_desktop.routine.loader import load_catalog, parse_routine

DIGIT_KEY = "1" + ".2" * 30_000 + " = 1\n"  # 60 KB: tomllib took > 10 s on this


def _step(i: int) -> str:
    return f'\n[[steps]]\ntype = "say"\ntitle = "Step {i}"\nsay = "Say {i}."\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(DIGIT_KEY, "dotted key with more than 32 parts", id="digit-key"),
        pytest.param("[" + "1." * 40 + "1]\n", "dotted key with more than 32", id="digit-table"),
        pytest.param("a = {" + "1." * 40 + "1 = 2}\n", "dotted key", id="digit-inline"),
        pytest.param("".join(f"a.{i} = 1\n" for i in range(5000)), "dotted key parts in all",
                     id="many-parts"),
        pytest.param("".join(f"[t{i}]\n" for i in range(5000)), "more than", id="tables"),
        pytest.param("a = [" + "{}," * 5000 + "]\n", "more than", id="inline-tables"),
        pytest.param("a = [" + "1.5," * (1 << 18) + "]\n", "more than 10000 values",
                     id="1-MiB-of-numbers"),
    ],
)
def test_shapes_past_the_budget_are_refused_before_tomllib(text: str, expected: str) -> None:
    start = time.perf_counter()
    found = check_toml_shape(text)
    assert found is not None and expected in found[1]
    assert time.perf_counter() - start < 1.0


def test_numbers_and_dates_in_values_are_not_key_parts() -> None:
    text = ("a = 1.5\nb = [1.5, 2.25,\n 3.125]\nc = 1979-05-27T07:32:00.999Z\n"
            "d = {e = 2.5, f.g = 3}\n[h.i]\nj = 0.5\n[[k.l]]\nm = 1.0\n")
    assert check_toml_shape(text) is None


def test_a_routine_with_too_many_steps_is_refused_quickly() -> None:
    text = GOOD + "".join(_step(i) for i in range(3000))
    start = time.perf_counter()
    with pytest.raises(RoutineError, match=r"a routine has at most 100 steps"):
        parse_routine(text, Path("big.toml"))
    assert time.perf_counter() - start < 1.0


def test_a_digit_key_routine_is_one_message_naming_the_line() -> None:
    with pytest.raises(RoutineError) as info:
        parse_routine(GOOD + DIGIT_KEY, Path("dots.toml"))
    assert "dots.toml, line " in str(info.value) and "dotted key" in str(info.value)


def test_digit_keys_in_settings_are_kept_aside_quickly() -> None:
    path = us.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(DIGIT_KEY)
    start = time.perf_counter()
    result = us.load()
    assert time.perf_counter() - start < 1.0
    assert any("dotted key" in m for m in result.messages)
    assert result.kept_aside is not None and result.kept_aside.read_text() == DIGIT_KEY


def test_routines_never_renders_a_phrase(user_routines: Path,
                                         capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A routine whose phrases are not in the cache is listed with a guessed length; the
    speech worker is never started."""
    from knee_desktop.speech import render

    body = GOOD.replace('id = "mini"', 'id = "many"')
    (user_routines / "many.toml").write_text(body + "".join(_step(i) for i in range(90)))

    def no_worker(*_args: object, **_kw: object) -> None:
        raise AssertionError("`routines` started the speech worker")

    monkeypatch.setattr(render, "Worker", no_worker)
    assert main(["routines"]) == 0
    out, err = capsys.readouterr()
    assert "many" in out and "(about " in out and "is a guess" in err


def test_ten_thousand_routine_files_are_listed_in_bounded_time(
        user_routines: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounded by what is read, not by a clock: at most 500 files of a folder are parsed
    (before: all 10,000, 17.5 s, and growing with the folder)."""
    from knee_desktop.routine import loader

    for i in range(10_000):
        (user_routines / f"r{i:05d}.toml").write_text(GOOD.replace('"mini"', f'"r{i:05d}"'))
    parsed: list[Path] = []
    real = loader.load_routine_file

    def counted(path: Path) -> object:
        parsed.append(path)
        return real(path)

    monkeypatch.setattr(loader, "load_routine_file", counted)
    catalog = load_catalog()
    assert len(parsed) == limits.ROUTINE_FOLDER_FILES + 2  # and the shipped two
    assert len(catalog.routines) == limits.ROUTINE_FOLDER_FILES + 2
    told = [p for p in catalog.problems if "10000 .toml files" in str(p)]
    assert len(told) == 1 and "r00499.toml" in str(told[0])
