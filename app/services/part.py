"""The base of the services' parts that work over one library's sessions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker


class LibraryPart:
    """Use cases over one library; `path` names it in the messages of `storage` errors."""

    def __init__(self, sessions: sessionmaker[Session], path: Path) -> None:
        """Work through the library's sessions."""
        self._sessions = sessions
        self._path = path

    @property
    def path(self) -> Path:
        """The library file."""
        return self._path
