"""Opening a library file: connection settings, migrations, and reading what cannot be written.

`open_library` is the single code path for a new and an existing library: it checks the
file, backs it up when a migration is due, migrates it with Alembic and verifies it. A
library on a full disk or in a read-only folder is opened for reading: a person can
still read and export, and every change is refused with the reason.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from db.backups import (
    SQLITE_HEADER,
    backup_library,
    backups_dir,
    check_integrity,
    read_only_connection,
    remove_leftovers,
    stamp,
)
from db.failures import (
    DiskFullError,
    LibraryError,
    disk_full_reason,
    failure,
    is_disk_full,
    read_only_reason,
    space_needed,
)
from db.journal import install as install_journal
from db.schema import HEAD, current_revision, upgrade, upgrade_due

BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class Library:
    """An open library: its file (or server), engine and session factory.

    Attributes:
        path: The library file; None for a shared library on a PostgreSQL server.
        address: What names the library to a person: the file, or the server's address
            (never with a password).
        created: True when this call made a new, empty library (the first start).
        read_only: Why the library is open for reading only (a full disk, a read-only
            folder), or None when it can be written.
    """

    path: Path | None
    address: str
    engine: Engine
    sessions: sessionmaker[Session]
    created: bool
    read_only: str | None = None

    def close(self) -> None:
        """Release every connection (the WAL is checkpointed by SQLite on the last close)."""
        self.engine.dispose()


def make_engine(path: Path, *, foreign_keys: bool = True, read_only: bool = False, journal: bool = False) -> Engine:
    """Create an engine for `path` with the connection settings every session relies on.

    Python 3.11's sqlite3 opens transactions on its own schedule, which breaks
    SAVEPOINTs and read consistency; it is put in autocommit mode and SQLAlchemy's
    `begin` emits the BEGIN instead (IMMEDIATE: take the write lock up front, so that a
    transaction never fails half-way on a lock another process holds). A read-only
    engine writes nothing, not even the log's index, and takes no write lock. With
    `journal`, every connection notes the rows each transaction touches (db.journal).
    """
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
        **({"creator": lambda: read_only_connection(path)} if read_only else {}),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit is on disk before it returns, even across a power cut (in WAL
            # mode NORMAL may lose the last commits then). What the UI shows as saved is saved.
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()
        if journal:
            # A read-only library has it too: a change then fails where SQLite refuses
            # the write, with the reason, as it would on any library.
            install_journal(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _check_file(path: Path) -> bool:
    """Return whether `path` holds a library already; raise if it cannot be one."""
    if path.is_dir():
        raise LibraryError(f"The library {path} is a folder, not a file.")
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise LibraryError(f"Cannot read the library {path}: {exc.strerror}.") from exc
    if header != SQLITE_HEADER:
        raise LibraryError(f"The file {path} is not a Marginalia library (it is not an SQLite database).")
    return True


def _migrate(path: Path, existed: bool) -> None:
    """Bring the library to the newest schema, backing it up first when it changes."""
    # Foreign keys stay OFF while migrating: a batch migration rebuilds tables by copy,
    # drop and rename, and with them ON the drop would cascade into the highlights.
    engine = make_engine(path, foreign_keys=False)
    try:
        if not upgrade_due(engine, str(path)):
            return
        if existed:
            backup_library(path, backups_dir(path) / f"{path.stem}-before-{HEAD}-{stamp()}.sqlite")
        _upgrade(engine, path)
        with engine.connect() as conn:
            problems = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
            integrity = conn.execute(text("PRAGMA integrity_check")).scalar_one()
            conn.rollback()
        if problems or integrity != "ok":
            raise LibraryError(
                f"The library {path} failed its check after upgrading ({integrity}; "
                f"{len(problems)} broken links). The backup in {backups_dir(path)} is intact."
            )
    finally:
        engine.dispose()


def _upgrade(engine: Engine, path: Path) -> None:
    """Run the migrations (Alembic is imported here, when one is due, and only then)."""
    from alembic.util.exc import CommandError

    try:
        upgrade(engine)
    except CommandError as exc:
        raise LibraryError(f"Cannot upgrade the library {path}: {exc}.") from exc


def _open_read_only(path: Path, reason: str) -> Library:
    """Open an up-to-date library for reading only; `reason` says why it cannot be written."""
    engine = make_engine(path, read_only=True, journal=True)
    try:
        with engine.connect() as conn:
            current = current_revision(conn)
            conn.rollback()
    except (DBAPIError, sqlite3.Error) as exc:
        engine.dispose()
        raise failure(f"Cannot read the library {path}", exc, path) from exc
    if current != HEAD:
        engine.dispose()
        raise LibraryError(f"The library {path} must be upgraded before use, and cannot be now: {reason}.")
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Library(path=path, address=str(path), engine=engine, sessions=sessions, created=False, read_only=reason)


def open_library(path: Path) -> Library:
    """Open (creating or upgrading as needed) the library file at `path`.

    A library that exists but cannot be written now (its folder or file is read-only, or
    the disk is full) is opened for reading, with `Library.read_only` saying why.

    Raises:
        DamagedLibraryError: If the file is damaged (it is left as it is).
        DiskFullError: If a new library cannot be made, or an old one upgraded, for want of room.
        LibraryError: With a message naming the file and the reason, when the file is not
            a library, comes from a newer Marginalia, or cannot be created or read.
    """
    path = path.expanduser().resolve()
    refusal = read_only_reason(path)
    if refusal is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"Cannot create the folder for the library {path}: {exc.strerror or exc}.") from exc
    existed = _check_file(path)
    if existed:
        check_integrity(path)
    if refusal is not None:
        if not existed:
            raise LibraryError(f"Cannot create the library {path}: {refusal}.")
        return _open_read_only(path, refusal)
    # Copies cut short by a kill or a full disk: a restore or a backup never finished.
    remove_leftovers(path.parent, ".restoring")
    remove_leftovers(path.parent)
    needed = space_needed(path)
    try:
        _migrate(path, existed)
        engine = make_engine(path, journal=True)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            conn.rollback()
    except DiskFullError:
        raise  # the backup before an upgrade: an old schema cannot be read as it is
    except (DBAPIError, sqlite3.Error, OSError) as exc:
        if existed and is_disk_full(exc, path, needed):
            return _open_read_only(path, disk_full_reason(path, needed))
        raise failure(f"Cannot open the library {path}", exc, path, needed) from exc
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Library(path=path, address=str(path), engine=engine, sessions=sessions, created=not existed)
