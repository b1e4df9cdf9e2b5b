"""Use cases: the only code that opens database sessions; it returns domain values."""

from app.services.library import (
    DamagedLibraryError,
    LibraryError,
    LibraryService,
    NotFoundError,
    StorageError,
    open_service,
)
from app.services.safety import backups, restore_from_backup, set_damaged_library_aside

__all__ = [
    "DamagedLibraryError",
    "LibraryError",
    "LibraryService",
    "NotFoundError",
    "StorageError",
    "backups",
    "open_service",
    "restore_from_backup",
    "set_damaged_library_aside",
]
