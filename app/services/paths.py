"""Where the library and the preferences live unless the user says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "Marginalia"
LIBRARY_ENV = "MARGINALIA_LIBRARY"
CONFIG_ENV = "MARGINALIA_CONFIG_DIR"
LIBRARY_FILE = "library.sqlite"


def default_library_path() -> Path:
    """Return the library file in the platform's user data folder."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / LIBRARY_FILE


def resolve_library_path(cli_value: str | None) -> Path:
    """Choose the library file: `--library`, then $MARGINALIA_LIBRARY, then the default."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(LIBRARY_ENV)
    if env:
        return Path(env).expanduser()
    return default_library_path()


def preferences_path() -> Path:
    """Return the interface preferences file ($MARGINALIA_CONFIG_DIR overrides the folder)."""
    folder = os.environ.get(CONFIG_ENV) or user_config_dir(APP_NAME, appauthor=False)
    return Path(folder).expanduser() / "preferences.ini"
