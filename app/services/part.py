"""The base of the services' parts that work over one library's sessions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker


class LibraryPart:
    """Use cases over one library; `address` names it in the messages of `storage` errors."""

    def __init__(self, sessions: sessionmaker[Session], path: Path | None, address: str) -> None:
        """Work through the library's sessions; `path` is None for a shared library."""
        self._sessions = sessions
        self._path = path
        self._address = address

    @property
    def path(self) -> Path | None:
        """The library file (None: the library is shared, on a PostgreSQL server)."""
        return self._path

    @property
    def address(self) -> str:
        """What names the library to a person: its file, or its server's address."""
        return self._address
