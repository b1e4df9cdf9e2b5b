"""Persistence: SQLAlchemy models, the library engine and its Alembic migrations.

This package knows nothing of the application or of Qt; `app.services` is its only user.
"""

from db.engine import (
    BackupInfo,
    DamagedLibraryError,
    Library,
    LibraryError,
    list_backups,
    open_library,
    restore_backup,
    rolling_backup,
    set_aside,
)

__all__ = [
    "BackupInfo",
    "DamagedLibraryError",
    "Library",
    "LibraryError",
    "list_backups",
    "open_library",
    "restore_backup",
    "rolling_backup",
    "set_aside",
]
