"""Logging: a rotating file in the user log dir; set up again without stacking handlers."""

from __future__ import annotations

import argparse
import logging

from knee_desktop.common.logging_setup import BACKUPS, MAX_BYTES, log_file, setup_logging
from knee_desktop.main import main


def ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger("knee_desktop").handlers
            if getattr(h, "_knee_desktop", False)]


def test_main_logs_to_the_user_log_dir(capsys):
    assert main(["routines"]) == 0
    logging.getLogger("knee_desktop.test").info("hello from the test")
    assert "hello from the test" in log_file().read_text()
    assert "knee-desktop" in str(log_file().parent)


def test_setting_up_twice_does_not_stack_handlers():
    setup_logging()
    setup_logging(verbose=True)
    assert len(ours()) == 2
    rotating = [h for h in ours() if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert rotating[0].maxBytes == MAX_BYTES and rotating[0].backupCount == BACKUPS


def test_the_log_rotates():
    setup_logging()
    log = logging.getLogger("knee_desktop.test")
    for i in range(MAX_BYTES // 500 + 50):
        log.info("line %d %s", i, "x" * 500)
    assert log_file().with_name(log_file().name + ".1").exists()


def test_every_command_has_a_useful_help(capsys):
    import pytest

    from knee_desktop.cli.main import build_parser, command_modules

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert len(sub.choices) >= len(command_modules())
    for name, command in sub.choices.items():
        assert command.description and len(command.description) > 30, name
        with pytest.raises(SystemExit):
            main([name, "--help"])
        assert f"usage: knee-desktop {name}" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "--start ROUTINE" in out and "not a replacement for your doctor" in out


def test_a_bug_goes_to_the_log_file_not_as_a_traceback_on_stderr(capsys, monkeypatch):
    from knee_desktop.cli import plan_cmd

    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(plan_cmd, "load_catalog", lambda *a, **k: broken(argparse.Namespace()))
    assert main(["plan", "windshield-wiper"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err and "RuntimeError: boom" in err
    assert "Traceback" in log_file().read_text()
