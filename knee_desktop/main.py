"""The `knee-desktop` entry point: the command line, which opens the window when no command
is given. The only module that knows both the CLI and the UI (they never import each other).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from knee_desktop.cli import main as cli
from knee_desktop.prefs.launch import LaunchOptions


def open_window(options: LaunchOptions,
                parse_launch: Callable[[Sequence[str]], LaunchOptions | None]) -> int:
    from knee_desktop.common.desktop_probe import start_bus_probe

    start_bus_probe()  # asks the session bus while Qt is imported
    from knee_desktop.ui.app.launch import run_app  # Qt only when the window opens

    return run_app(options, parse_launch)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, open_window)
