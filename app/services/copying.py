"""Moving a whole library between a file and a shared PostgreSQL library: `python -m app copy`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from app.services.library import open_service
from db.copy import Copied, copy_library
from db.engine import make_engine, open_library
from db.failures import LibraryError
from db.shared import is_shared, migrate_shared, shared_engine


@contextmanager
def _engine(address: str) -> Iterator[Engine]:
    """An engine on a library at its newest schema: a file (made if missing) or a PostgreSQL database."""
    if is_shared(address):
        engine = shared_engine(address)
        try:
            migrate_shared(engine)
            yield engine
        finally:
            engine.dispose()
        return
    file = Path(address).expanduser().resolve()
    library = open_library(file)
    if library.read_only is not None:
        library.close()
        raise LibraryError(f"Cannot copy with {address}: {library.read_only}.")
    library.close()
    # Without the change journal: a copy is not an operation anyone undoes.
    engine = make_engine(file)
    try:
        yield engine
    finally:
        engine.dispose()


def copy_between(source: str, target: str, progress: Callable[[str, int], None] | None = None) -> Copied:
    """Copy the library at `source` into the new, empty library at `target` (a file or a `postgresql://` address).

    Ids, editions, orphans, themes and the history of changes come across whole, so
    that a person can bring their library to a group and take a copy home.

    Raises:
        LibraryError: If either cannot be opened, they are the same, or the target is not empty.
    """
    if source == target or (not is_shared(source) and not is_shared(target) and _same_file(source, target)):
        raise LibraryError("The source and the target are the same library.")
    if not is_shared(source) and not Path(source).expanduser().is_file():
        raise LibraryError(f"There is no library at {source}.")
    with _engine(source) as reading, _engine(target) as writing:
        copied = copy_library(reading, writing, progress)
    if is_shared(target):
        # A group's readers cannot index what they search: the search index is made now,
        # by whoever brought the texts (a file gets its index when it is next opened).
        _index_shared(target)
    return copied


def _index_shared(address: str) -> None:
    service = open_service(address)
    try:
        service.build_index()
    finally:
        service.close()


def _same_file(first: str, second: str) -> bool:
    return Path(first).expanduser().resolve() == Path(second).expanduser().resolve()
