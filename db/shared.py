"""A library on a PostgreSQL server, shared by a group: its address, its engine, its schema.

The same models and the same Alembic migrations make its schema as a SQLite file's; what
differs between the two back ends lives here and in the migrations' dialect checks.
Passwords never pass through Marginalia: libpq finds them (`~/.pgpass`, `PGPASSFILE`, a
service file, `PGPASSWORD`), and TLS settings in the address (`sslmode=…`) are passed on.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from db.failures import LibraryError
from db.schema import upgrade, upgrade_due

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_shared(address: str) -> bool:
    """Whether a library address names a PostgreSQL server rather than a file."""
    return address.startswith(SCHEMES)


def shared_engine(address: str) -> Engine:
    """Return an engine for a `postgresql://` address (through psycopg), without connecting.

    Raises:
        LibraryError: If the address is not one.
    """
    try:
        url = make_url(address)
    except ArgumentError as exc:
        raise LibraryError(f"{safe_address(address)} is not a PostgreSQL address ({exc}).") from exc
    if url.password is not None:
        raise LibraryError(
            "A password does not belong in the library's address, where it would stay in your shell's history: "
            "put it in ~/.pgpass (or PGPASSFILE, a service file, PGPASSWORD)."
        )
    return create_engine(url.set(drivername="postgresql+psycopg"), pool_pre_ping=True)


def migrate_shared(engine: Engine) -> None:
    """Bring a shared library's schema to the newest, creating it in an empty database.

    Raises:
        LibraryError: If the server cannot be reached, or the schema is from a newer Marginalia.
    """
    try:
        if upgrade_due(engine, safe_address(str(engine.url))):
            upgrade(engine)
    except DBAPIError as exc:
        raise LibraryError(f"Cannot open the shared library {safe_address(str(engine.url))}: {_reason(exc)}.") from exc


def safe_address(address: str) -> str:
    """The address as it may be shown: never with a password."""
    try:
        return make_url(address).render_as_string(hide_password=True)
    except ArgumentError:
        return "the address given"


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
