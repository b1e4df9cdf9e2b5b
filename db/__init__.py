"""Persistence: SQLAlchemy models, the library engine and its Alembic migrations.

This package knows nothing of the application or of Qt; `app.services` is its only user.
"""

from db.backups import BackupInfo, list_backups, restore_backup, rolling_backup, set_aside
from db.engine import Library, open_library
from db.failures import DamagedLibraryError, DiskFullError, LibraryError, explain

__all__ = [
    "BackupInfo",
    "DamagedLibraryError",
    "DiskFullError",
    "Library",
    "LibraryError",
    "explain",
    "list_backups",
    "open_library",
    "restore_backup",
    "rolling_backup",
    "set_aside",
]
