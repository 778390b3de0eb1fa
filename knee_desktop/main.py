"""The `knee-desktop` entry point: the command line, which opens the window when no command
is given. The only module that knows both the CLI and the UI (they never import each other).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence

from knee_desktop.cli import main as cli
from knee_desktop.prefs.launch import LaunchOptions


def open_window(options: LaunchOptions,
                parse_launch: Callable[[Sequence[str]], LaunchOptions | None]) -> int:
    from knee_desktop.common.desktop_probe import display_problem, start_bus_probe
    from knee_desktop.common.errors import KneeError

    start_bus_probe()  # asks the session bus while Qt is imported
    # Qt aborts the process without a display: say it in words instead. Asked before Qt is
    # imported: right after a connection that closes at once, an X server answers the next
    # one (Qt's) ~15 ms late.
    no_display = display_problem()
    if no_display:
        raise KneeError(no_display)
    # No garbage collection until the window's first frame (run_app turns it on, once the
    # objects made until then are set aside): Qt's types and enums, our modules and the
    # window are ~40,000 long-lived objects the collector would scan ~90 times (~9 ms).
    gc.disable()
    try:
        from knee_desktop.runtime.qt_workarounds import quicker_source_scan

        quicker_source_scan()  # PySide6 is loaded now: the window's modules are read faster
        from knee_desktop.ui.app.launch import run_app  # Qt only when the window opens

        return run_app(options, parse_launch)
    finally:
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, open_window)
