"""A library on a PostgreSQL server, shared by a group: its address, its engine, its schema.

The same models and the same Alembic migrations make its schema as a SQLite file's; what
differs between the two back ends lives here and in the migrations' dialect checks.
Passwords never pass through Marginalia: libpq finds them (`~/.pgpass`, `PGPASSFILE`, a
service file, `PGPASSWORD`), and TLS settings in the address (`sslmode=…`) are passed on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import sessionmaker

from db import journal
from db.engine import Library
from db.failures import LibraryError
from db.schema import current_revision, upgrade, upgrade_due

if TYPE_CHECKING:
    import psycopg

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


def open_shared(address: str) -> Library:
    """Open the shared library at a `postgresql://` address, creating its schema in an empty database.

    Every connection keeps a change journal (db.journal) and works in transactions of its
    own; the schema is migrated first when it is behind (by whoever may: the group's owner).

    Raises:
        LibraryError: If the server cannot be reached, the address is wrong, or the
            schema is from a newer Marginalia or behind and cannot be upgraded by this role.
    """
    engine = shared_engine(address)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: psycopg.Connection[Any], _record: object) -> None:
        journal.install_postgres(dbapi_connection)

    try:
        with engine.connect() as conn:
            created = current_revision(conn) is None
            conn.rollback()
    except DBAPIError as exc:
        engine.dispose()
        raise LibraryError(f"Cannot open the shared library {safe_address(address)}: {_reason(exc)}.") from exc
    try:
        migrate_shared(engine)
    except LibraryError:
        engine.dispose()
        raise
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Library(path=None, address=safe_address(address), engine=engine, sessions=sessions, created=created)


def connected_role(conn: Connection) -> str:
    """The role this connection acts as (who the library records as making its changes)."""
    return str(conn.execute(text("SELECT current_user")).scalar_one())


CHANNEL = "marginalia_changes"


class Listener:
    """Hears, without waiting, that someone committed a change to a shared library (LISTEN/NOTIFY).

    Every write to the history notifies `CHANNEL` when it commits (migration 0009); the
    listener's own connection collects the notices, and asking costs one look at a socket.
    """

    def __init__(self, engine: Engine) -> None:
        """Listen on a connection of its own to the library of `engine`."""
        import psycopg  # here: every command imports this module, few of them listen

        self._error = psycopg.Error
        conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        try:
            self._connection = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
            self._connection.execute(f"LISTEN {CHANNEL}")
        except self._error as exc:
            raise journal.WatchError(str(exc)) from exc

    def changed(self) -> bool:
        """Return whether anyone committed since the last call.

        Raises:
            WatchError: When the server has gone (the caller listens again later).
        """
        try:
            return any(True for _ in self._connection.notifies(timeout=0))
        except self._error as exc:
            raise journal.WatchError(str(exc)) from exc

    def close(self) -> None:
        """Stop listening."""
        self._connection.close()


def migrate_shared(engine: Engine) -> None:
    """Bring a shared library's schema to the newest, creating it in an empty database.

    Raises:
        LibraryError: If the server cannot be reached, or the schema is from a newer Marginalia.
    """
    try:
        if upgrade_due(engine, safe_address(str(engine.url))):
            upgrade(engine)
    except DBAPIError as exc:
        where = safe_address(str(engine.url))
        if getattr(exc.orig, "sqlstate", None) == _REFUSED:
            raise LibraryError(
                f"The shared library {where} must be upgraded for this Marginalia, and your role may not: "
                f"ask whoever set the group up to run 'python -m app group init {where}'."
            ) from exc
        raise LibraryError(f"Cannot open the shared library {where}: {_reason(exc)}.") from exc


def safe_address(address: str) -> str:
    """The address as it may be shown: never with a password."""
    try:
        return make_url(address).render_as_string(hide_password=True)
    except ArgumentError:
        return "the address given"


# SQLSTATE classes and codes a person can act on.
_REFUSED = "42501"  # insufficient privilege: a GRANT or a row-level security policy said no
_GONE = ("08",)  # connection exceptions


def server_reason(exc: BaseException) -> str:
    """The reason a change to a shared library failed, in words a member can act on."""
    inner = getattr(exc, "orig", None) or exc
    state = str(getattr(inner, "sqlstate", "") or "")
    if state == _REFUSED:
        return (
            "your role in the group may not make this change (a reader only reads; a member changes "
            "only the highlights and notes they made; documents and the codebook are the owners')"
        )
    first = str(inner).strip().splitlines()[0] if str(inner).strip() else type(inner).__name__
    if state.startswith(_GONE) or "server closed the connection" in first or "connection" in first.lower():
        return f"the server cannot be reached now ({first}); nothing was changed"
    return first


# What libpq says when the server wants a password it was not given, or not this one.
_PASSWORD = ("no password supplied", "password authentication failed")


def _reason(exc: DBAPIError) -> str:
    said = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    if any(words in said for words in _PASSWORD):
        said += (
            ". The server asks for your password: put it in ~/.pgpass (or the file PGPASSFILE names, "
            "a PostgreSQL service file, or PGPASSWORD); it never goes in the library's address"
        )
    return said
