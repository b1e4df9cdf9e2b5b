"""Opening a library file: connection settings, migrations, backups.

`open_library` is the single code path for a new and an existing library: it checks the
file, backs it up when a migration is due, migrates it with Alembic and verifies it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class LibraryError(Exception):
    """The library cannot be opened or used; the message says which file and why."""


@dataclass(frozen=True)
class Library:
    """An open library: its file, engine and session factory.

    Attributes:
        created: True when this call made a new, empty library (the first start).
    """

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    created: bool

    def close(self) -> None:
        """Release every connection (the WAL is checkpointed by SQLite on the last close)."""
        self.engine.dispose()


def backups_dir(library_path: Path) -> Path:
    """Return the folder where backups of `library_path` are kept."""
    return library_path.parent / "backups"


def backup_library(source: Path, destination: Path) -> Path:
    """Copy a library with SQLite's online backup API.

    A file copy could miss changes still in the write-ahead log; the backup API reads the
    database as committed, WAL included, and writes a self-contained file.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return destination


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def make_engine(path: Path, *, foreign_keys: bool = True) -> Engine:
    """Create an engine for `path` with the connection settings every session relies on.

    Python 3.11's sqlite3 opens transactions on its own schedule, which breaks
    SAVEPOINTs and read consistency; it is put in autocommit mode and SQLAlchemy's
    `begin` emits the BEGIN instead (IMMEDIATE: take the write lock up front, so that a
    transaction never fails half-way on a lock another process holds).
    """
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

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
    config = _alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    # Foreign keys stay OFF while migrating: a batch migration rebuilds tables by copy,
    # drop and rename, and with them ON the drop would cascade into the highlights.
    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            conn.rollback()
        if current == head:
            return
        if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
            raise LibraryError(
                f"The library {path} was written by a newer version of Marginalia "
                f"(schema {current}); it was left untouched. Please update Marginalia."
            )
        if existed:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            backup_library(path, backups_dir(path) / f"{path.stem}-before-{head}-{stamp}.sqlite")
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
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


def open_library(path: Path) -> Library:
    """Open (creating or upgrading as needed) the library file at `path`.

    Raises:
        LibraryError: With a message naming the file and the reason, when the file is not
            a library, comes from a newer Marginalia, or cannot be created or written.
    """
    path = path.expanduser().resolve()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LibraryError(f"Cannot create the folder for the library {path}: {exc.strerror or exc}.") from exc
    existed = _check_file(path)
    try:
        _migrate(path, existed)
        engine = make_engine(path)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            conn.rollback()
    except (DBAPIError, sqlite3.Error, CommandError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise LibraryError(f"Cannot open the library {path}: {reason}.") from exc
    except OSError as exc:
        raise LibraryError(f"Cannot open the library {path}: {exc.strerror or exc}.") from exc
    return Library(path=path, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False), created=not existed)
