"""Use cases: the only code that opens database sessions; it returns domain values."""

from app.services.library import LibraryError, LibraryService, NotFoundError, StorageError, open_service

__all__ = ["LibraryError", "LibraryService", "NotFoundError", "StorageError", "open_service"]
