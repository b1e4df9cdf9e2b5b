"""The library service: every use case of the reading desk, one transaction each, behind one facade."""

from __future__ import annotations

from pathlib import Path

from app.services.agreement import Agreements
from app.services.backup import RestoreError
from app.services.documents import Documents
from app.services.editions import Editions
from app.services.errors import NotFoundError, StorageError
from app.services.exchange import Exchange
from app.services.foreign import ForeignImports
from app.services.highlights import Highlights
from app.services.search import Search
from db import DamagedLibraryError, LibraryError, open_library, rolling_backup
from db.shared import is_shared, open_shared

__all__ = [
    "DamagedLibraryError",
    "LibraryError",
    "LibraryService",
    "NotFoundError",
    "RestoreError",
    "StorageError",
    "open_service",
]


def open_service(path: Path | str) -> LibraryService:
    """Open the library at `path`, make today's backup if due, and return the service.

    A library that can only be read (a full disk, a read-only folder) is opened all the
    same, and so is one whose daily backup cannot be written: `notices` says so, once.
    A `postgresql://` address opens a group's shared library (its server keeps it safe:
    no backup file is made).

    Raises:
        LibraryError: When the library cannot be opened; the message says why
            (DamagedLibraryError when the file is damaged: it is then left as it is).
    """
    if isinstance(path, str) and is_shared(path):
        return LibraryService(open_shared(path))
    library = open_library(Path(path))
    if library.read_only is not None:
        notices = [f"The library {library.path} is open for reading only: {library.read_only}."]
    else:
        notices = []
        try:
            rolling_backup(Path(library.address))
        except LibraryError as exc:
            notices.append(f"Today's backup was not made. {exc} The library itself is in use as before.")
    return LibraryService(library, tuple(notices))


class LibraryService(Documents, Highlights, Editions, Exchange, ForeignImports, Search, Agreements):
    """Use cases over one open library, each in the module of its kind. Every public method is one transaction.

    Methods that change the library return `Done` (value, changes, label) and record one
    operation (`app.services.operations`); undo and redo are `operations.undo()` and
    `operations.redo()`.
    """
