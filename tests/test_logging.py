"""Logging: a rotating file in the user log dir; set up again without stacking handlers."""

from __future__ import annotations

import logging

from knee_desktop.cli.main import main
from knee_desktop.logging_setup import BACKUPS, MAX_BYTES, log_file, setup_logging


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
