"""Where the app keeps its files: all from platformdirs under the app name.

On Linux these follow the XDG variables, which is how tests point them at a temporary
directory.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "knee-desktop"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


HISTORY_FILE = "history.sqlite3"


def history_file() -> Path:
    """Where the session history is kept (``history/store.py`` opens it)."""
    return data_dir() / HISTORY_FILE


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def user_routines_dir() -> Path:
    return config_dir() / "routines"


def _bundled(name: str) -> Path:
    """A data folder shipped with the app: inside the installed package, else the checkout."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "_data" / name
    if installed.is_dir():
        return installed
    return package.parent / name


def shipped_routines_dir() -> Path:
    return _bundled("routines")


def assets_dir() -> Path:
    return _bundled("assets")
