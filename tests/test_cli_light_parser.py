"""A launch of the window whose command line cannot name a command is parsed without the
commands' parsers (cli/main.py: names_no_command): it must read exactly as the full parser
reads it, and anything that might name a command (or ask for help) gets the full parser."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knee_desktop.cli.main import build_parser, names_no_command

OPTIONS = ["--silent", "--tray", "--listen", "-v", "--verbose", "--start=windshield-wiper",
           "--start=nothing-such", "--reps=3", "--reps=-3", "--reps=abc", "--rep=4", "--sil",
           "--pause=5", "--lead-in=0", "--nope", "-x", "--version"]


def _read(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[str, object]:
    """What the parser makes of ``argv``: its namespace (without the command's function),
    or how it exits and the last line it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            args = vars(parser.parse_args(argv))
        except SystemExit as exc:
            lines = (out.getvalue() + err.getvalue()).strip().splitlines()
            return "exit", (exc.code, lines[-1] if lines else "")
    args.pop("func", None)
    return "args", args


@pytest.mark.parametrize("argv", [[], ["--silent"], ["--tray"], ["-v", "--listen"],
                                  ["--start=windshield-wiper", "--reps=3"], ["--reps=abc"],
                                  ["--nope"], ["--version"], ["--sil", "--rep=2"]])
def test_the_windows_options_read_alike_without_the_commands(argv: list[str]) -> None:
    assert names_no_command(argv)
    assert _read(build_parser(commands=False), argv) == _read(build_parser(), argv)


@pytest.mark.parametrize("argv", [["history"], ["--silent", "plan", "windshield-wiper"],
                                  ["--start", "windshield-wiper"], ["--reps", "3"], ["-h"],
                                  ["--help"], ["--he"], ["--"], ["-"], ["histroy"],
                                  ["--silent", "-h"]])
def test_what_may_name_a_command_or_ask_for_help_gets_every_parser(argv: list[str]) -> None:
    assert not names_no_command(argv)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(OPTIONS), max_size=4))
def test_any_options_only_command_line_reads_alike(argv: list[str]) -> None:
    assert names_no_command(argv)
    assert _read(build_parser(commands=False), argv) == _read(build_parser(), argv)
