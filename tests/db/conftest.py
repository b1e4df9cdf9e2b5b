"""The database tests run on both back ends: a library file, and a shared library on PostgreSQL.

`address` is either, and `service` opens it: one parametrised fixture, so that the two back
ends cannot drift. Tests of what only a file has (its bytes, its backups) ask for
`library_path` and the file's own service instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine
from sqlalchemy.pool import NullPool

from app.services import LibraryService, open_service
from db import Library, open_library
from db.shared import open_shared


@pytest.fixture(params=["sqlite", "postgresql"])
def address(request: pytest.FixtureRequest, library_path: Path) -> Path | str:
    """Where a new, empty library is: a file that does not exist yet, or a new PostgreSQL database."""
    if request.param == "postgresql":
        shared: str = request.getfixturevalue("shared_address")
        return shared
    return library_path


@pytest.fixture
def service(address: Path | str) -> Iterator[LibraryService]:
    """A service over a new, empty library on each back end."""
    svc = open_service(address)
    yield svc
    svc.close()


@contextmanager
def outside(service: LibraryService) -> Iterator[Connection]:
    """A connection of another program to the service's library (committed at the end)."""
    url = f"sqlite:///{service.path}" if service.path is not None else service.address
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def open_library_at(address: Path | str) -> Library:
    """Open the library at either kind of address (a second window's, or another person's)."""
    return open_shared(address) if isinstance(address, str) else open_library(address)
