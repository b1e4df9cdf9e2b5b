"""Where the library and the preferences live unless the user says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

from db.failures import LibraryError
from db.shared import is_shared, safe_address

APP_NAME = "Marginalia"
LIBRARY_ENV = "MARGINALIA_LIBRARY"
CONFIG_ENV = "MARGINALIA_CONFIG_DIR"
LIBRARY_FILE = "library.sqlite"


def default_library_path() -> Path:
    """Return the library file in the platform's user data folder."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / LIBRARY_FILE


def resolve_library_path(cli_value: str | None) -> Path:
    """Choose the library file: `--library`, then $MARGINALIA_LIBRARY, then the default.

    Raises:
        LibraryError: If the choice is a PostgreSQL address: the window and the commands
            open library files only for now (a shared library is set up with `group` and
            filled with `copy`), and such an address must never become a folder.
    """
    chosen = cli_value or os.environ.get(LIBRARY_ENV)
    if chosen and is_shared(chosen):
        raise LibraryError(
            f"{safe_address(chosen)} is a shared PostgreSQL library: opening one in the window or with the "
            "commands is not built yet. Work in a library file; 'copy' and 'group' set a shared one up."
        )
    return Path(chosen).expanduser() if chosen else default_library_path()


def preferences_path() -> Path:
    """Return the interface preferences file ($MARGINALIA_CONFIG_DIR overrides the folder)."""
    folder = os.environ.get(CONFIG_ENV) or user_config_dir(APP_NAME, appauthor=False)
    return Path(folder).expanduser() / "preferences.ini"
