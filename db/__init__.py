"""Persistence: SQLAlchemy models, the library engine and its Alembic migrations.

This package knows nothing of the application or of Qt; `app.services` is its only user.
"""

from db.engine import Library, LibraryError, open_library

__all__ = ["Library", "LibraryError", "open_library"]
