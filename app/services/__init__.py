"""Use cases: the only code that opens database sessions; it returns domain values."""

from app.services.library import LibraryService, StorageError, open_service

__all__ = ["LibraryService", "StorageError", "open_service"]
