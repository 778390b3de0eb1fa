"""The terminal knee-feel question used by `run`."""

from __future__ import annotations

import io

import pytest

from knee_desktop.cli.knee_question import ask_feel_terminal
from knee_desktop.history.feel import KneeFeel, spoken_answer, spoken_question


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_not_a_terminal_never_asks() -> None:
    out = io.StringIO()
    assert ask_feel_terminal("after", io.StringIO("5\n"), out) is None
    assert out.getvalue() == ""


@pytest.mark.parametrize(("typed", "expected"), [
    ("3\nstiff\n", KneeFeel(3, "stiff")),
    ("10\n\n", KneeFeel(10, "")),
    ("\n", KneeFeel(None)),
    ("eleven\n12\n0\n\n", KneeFeel(0, "")),
    ("", None),
])
def test_answers(typed: str, expected: KneeFeel | None) -> None:
    out = io.StringIO()
    assert ask_feel_terminal("before", Tty(typed), out) == expected
    assert "How do your knees feel?" in out.getvalue()


def test_spoken_words() -> None:
    assert "press one and then zero" in spoken_question("after")
    assert spoken_answer(KneeFeel(7)) == "Seven. Thank you."
    assert spoken_answer(KneeFeel(None)) == "Skipped."
    with pytest.raises(ValueError):
        KneeFeel(11)
