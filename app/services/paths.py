"""Where the library and the preferences live unless the user says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

from db.shared import is_shared, safe_address

APP_NAME = "Marginalia"
LIBRARY_ENV = "MARGINALIA_LIBRARY"
CONFIG_ENV = "MARGINALIA_CONFIG_DIR"
LIBRARY_FILE = "library.sqlite"


def default_library_path() -> Path:
    """Return the library file in the platform's user data folder."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / LIBRARY_FILE


def resolve_library(cli_value: str | None) -> Path | str:
    """Choose the library: `--library`, then $MARGINALIA_LIBRARY, then the default file.

    A `postgresql://` address (a group's shared library) is returned as it is, never
    taken for a file name: it must never become a folder called "postgresql:".
    """
    chosen = cli_value or os.environ.get(LIBRARY_ENV)
    if chosen and is_shared(chosen):
        return chosen
    return Path(chosen).expanduser() if chosen else default_library_path()


def is_shared_address(address: str) -> bool:
    """Whether an address names a group's shared library (PostgreSQL) rather than a file."""
    return is_shared(address)


def shown_address(address: str) -> str:
    """A library's address as it may be shown (a shared library's never with a password)."""
    return safe_address(address) if is_shared(address) else address


def preferences_path() -> Path:
    """Return the interface preferences file ($MARGINALIA_CONFIG_DIR overrides the folder)."""
    folder = os.environ.get(CONFIG_ENV) or user_config_dir(APP_NAME, appauthor=False)
    return Path(folder).expanduser() / "preferences.ini"
