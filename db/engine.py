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


class DamagedLibraryError(LibraryError):
    """The library file is damaged; it was not written to. Restore a backup or start anew."""


DAILY_BACKUPS_KEPT = 7


@dataclass(frozen=True)
class BackupInfo:
    """A backup file of the library, with what it holds."""

    path: Path
    created: datetime
    documents: int
    highlights: int


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


def _read_only(path: Path) -> sqlite3.Connection:
    """Open a database file for reading without creating anything beside it.

    A plain read-only open of a WAL database creates empty -wal and -shm files; with
    `immutable=1` SQLite reads the file alone. That is only wrong when a write-ahead log
    with commits not yet copied back exists (after a crash), so then the log is used.
    """
    if Path(f"{path}-wal").exists():
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


def _check_integrity(path: Path) -> None:
    """Raise DamagedLibraryError if SQLite finds the file damaged; read-only, writes nothing."""
    try:
        con = _read_only(path)
        try:
            result = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DamagedLibraryError(f"The library {path} is damaged ({exc}). It was left as it is.") from exc
    if result != [("ok",)]:
        detail = "; ".join(str(row[0]) for row in result[:3])
        raise DamagedLibraryError(f"The library {path} is damaged ({detail}). It was left as it is.")


def _counts(path: Path) -> tuple[int, int]:
    con = _read_only(path)
    try:
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        highlights = con.execute("SELECT count(*) FROM highlights").fetchone()[0]
    finally:
        con.close()
    return int(documents), int(highlights)


def list_backups(library_path: Path) -> list[BackupInfo]:
    """Return the readable backups of a library, newest first."""
    found: list[BackupInfo] = []
    folder = backups_dir(library_path)
    for candidate in folder.glob("*.sqlite") if folder.is_dir() else ():
        try:
            documents, highlights = _counts(candidate)
        except sqlite3.Error:
            continue  # not a library backup, or unreadable: not offered
        created = datetime.fromtimestamp(candidate.stat().st_mtime, UTC).replace(tzinfo=None)
        found.append(BackupInfo(candidate, created, documents, highlights))
    return sorted(found, key=lambda b: b.created, reverse=True)


def rolling_backup(library_path: Path, keep: int = DAILY_BACKUPS_KEPT) -> Path | None:
    """Make today's backup if there is none yet, and keep only the last `keep` daily ones."""
    folder = backups_dir(library_path)
    today = folder / f"{library_path.stem}-daily-{datetime.now(UTC).strftime('%Y-%m-%d')}.sqlite"
    made = None
    if not today.exists():
        made = backup_library(library_path, today)
    for old in sorted(folder.glob(f"{library_path.stem}-daily-*.sqlite"), reverse=True)[keep:]:
        old.unlink()
    return made


def set_aside(library_path: Path) -> Path:
    """Move a damaged library (and its WAL files) aside, unchanged, and return its new name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = library_path.with_name(f"{library_path.stem}.damaged-{stamp}{library_path.suffix}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{library_path}{suffix}")
        if source.exists():
            source.rename(Path(f"{aside}{suffix}"))
    return aside


def restore_backup(library_path: Path, backup: Path) -> Path | None:
    """Replace the library with a backup; return where the replaced library was kept.

    The backup is checked first. A healthy current library is itself backed up before it
    is replaced; a damaged one is moved aside untouched. Close every connection to the
    library before calling this.

    Raises:
        LibraryError: If the backup is not a sound Marginalia library.
    """
    if not _check_file(backup):
        raise LibraryError(f"The backup {backup} is empty.")
    _check_integrity(backup)
    try:
        _counts(backup)
    except sqlite3.Error as exc:
        raise LibraryError(f"The file {backup} is not a Marginalia library backup ({exc}).") from exc
    kept: Path | None = None
    if library_path.exists():
        try:
            _check_integrity(library_path)
        except DamagedLibraryError:
            kept = set_aside(library_path)
        else:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            kept = backup_library(
                library_path, backups_dir(library_path) / f"{library_path.stem}-before-restore-{stamp}.sqlite"
            )
            for suffix in ("", "-wal", "-shm"):
                Path(f"{library_path}{suffix}").unlink(missing_ok=True)
    library_path.parent.mkdir(parents=True, exist_ok=True)
    backup_library(backup, library_path)
    return kept


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
        # FULL: a commit is on disk before it returns, even across a power cut (in WAL
        # mode NORMAL may lose the last commits then). What the UI shows as saved is saved.
        cursor.execute("PRAGMA synchronous=FULL")
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
    if existed:
        _check_integrity(path)
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
