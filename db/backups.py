"""Backups of the library file: daily copies, copies before upgrades and restores, and restoring one.

Every file written here is whole or absent. A copy is written under a hidden temporary
name beside its destination, checked, flushed to disk and only then renamed into place,
so a kill or a full disk at any moment leaves either the old file or the new one. The
temporary name carries the writer's process id: a later start removes those whose writer
is gone, and never one still being written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from db.failures import (
    DamagedLibraryError,
    DiskFullError,
    LibraryError,
    disk_full_reason,
    failure,
    free_bytes,
    is_damage,
    read_only_reason,
    space_needed,
)
from db.schema import known_revisions

SQLITE_HEADER = b"SQLite format 3\x00"
DAILY_BACKUPS_KEPT = 7
_PARTIAL = ".partial"
# The files SQLite keeps beside a database while writing it: a copy of a library in
# write-ahead log mode is in that mode too until it is switched back, and a copy killed
# before then leaves its log and its shared memory file.
_SIDECARS = ("-journal", "-wal", "-shm")


@dataclass(frozen=True)
class BackupInfo:
    """A backup file of the library, with what it holds."""

    path: Path
    created: datetime
    documents: int
    highlights: int


def backups_dir(library_path: Path) -> Path:
    """Return the folder where backups of `library_path` are kept."""
    return library_path.parent / "backups"


def stamp() -> str:
    """Return the present moment as file names carry it (UTC, sorting in time order)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _temporary(destination: Path, kind: str = _PARTIAL) -> Path:
    """Return a hidden name beside `destination` that says which process writes it."""
    return destination.with_name(f".{destination.name}.{os.getpid()}{kind}")


def remove_leftovers(folder: Path, kind: str = _PARTIAL) -> None:
    """Delete temporary files in `folder` whose writing process has ended (killed, or out of disk)."""
    for leftover in folder.glob(f".*{kind}*") if folder.is_dir() else ():
        name = leftover.name
        for sidecar in _SIDECARS:
            name = name.removesuffix(sidecar)
        pid = name.removesuffix(kind).rsplit(".", 1)[-1]
        if pid.isdigit() and not _running(int(pid)):
            leftover.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process writes one file at a time, and is not writing now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _sync(path: Path) -> None:
    """Flush a file, or a folder's list of names, to the disk (a rename is durable only then)."""
    with contextlib.suppress(OSError):  # some platforms cannot open a folder to flush it
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_only_connection(path: Path) -> sqlite3.Connection:
    """Open a database file for reading without creating anything beside it.

    A plain read-only open of a WAL database creates -wal and -shm files; with
    `immutable=1` SQLite reads the file alone. That is right while no write-ahead log
    exists: a log exists while any connection is open, and after a crash. With a log,
    its commits are read too, unless the log is empty and its index could not be
    written (a full disk cut it short): then the file holds everything.
    """
    log = Path(f"{path}-wal")
    if not log.exists():
        return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        con.close()
        if log.stat().st_size:
            raise  # committed changes wait in the log: reading without them would lie
        return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    return con


def check_integrity(path: Path) -> None:
    """Raise DamagedLibraryError if SQLite finds the file damaged; read-only, writes nothing.

    Raises:
        DamagedLibraryError: If the file is damaged.
        LibraryError: If it cannot be read now (a full disk, permissions): that is not damage.
    """
    try:
        con = read_only_connection(path)
        try:
            result = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        if is_damage(exc):
            raise DamagedLibraryError(f"The library {path} is damaged ({exc}). It was left as it is.") from exc
        raise failure(f"Cannot read the library {path}", exc, path) from exc
    if result != [("ok",)]:
        detail = "; ".join(str(row[0]) for row in result[:3])
        raise DamagedLibraryError(f"The library {path} is damaged ({detail}). It was left as it is.")


def is_whole(path: Path) -> bool:
    """Return whether a database file was written to its end, without reading its pages.

    A copy cut short by a kill is shorter than its header says, or empty, or has a hot
    journal beside it (which SQLite would roll back to nothing).
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError:
        return False
    if len(header) < 100 or not header.startswith(SQLITE_HEADER) or Path(f"{path}-journal").exists():
        return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is valid when the change counter matches "version valid for".
    return header[24:28] == header[92:96] and pages * page_size == size


def backup_library(source: Path, destination: Path) -> Path:
    """Copy a library with SQLite's online backup API, whole or not at all.

    A file copy could miss changes still in the write-ahead log; the backup API reads the
    database as committed, log included. The copy is switched out of WAL mode so that it
    stands alone: reading it later creates no -wal or -shm files beside it.

    Raises:
        DiskFullError: If the disk has no room for the copy (nothing is left behind).
        LibraryError: If the copy cannot be made or does not check out.
    """
    partial = _temporary(destination)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        src = read_only_connection(source)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
                result = dst.execute("PRAGMA quick_check").fetchall()
            finally:
                dst.close()
        finally:
            src.close()
        if result != [("ok",)]:
            raise LibraryError(f"The copy of {source} in {destination} did not check out; it was not kept.")
        _sync(partial)
        partial.replace(destination)
        _sync(destination.parent)
    except (sqlite3.Error, OSError) as exc:
        raise failure(f"Cannot write the copy {destination}", exc, destination, space_needed(source)) from exc
    finally:
        for leftover in (partial, *(Path(f"{partial}{sidecar}") for sidecar in _SIDECARS)):
            leftover.unlink(missing_ok=True)
    return destination


def _counts(path: Path) -> tuple[int, int]:
    con = read_only_connection(path)
    try:
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        highlights = con.execute("SELECT count(*) FROM highlights").fetchone()[0]
    finally:
        con.close()
    return int(documents), int(highlights)


def _revision(path: Path) -> str | None:
    con = read_only_connection(path)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        con.close()
    return None if row is None else str(row[0])


def list_backups(library_path: Path) -> list[BackupInfo]:
    """Return the whole, readable backups of a library, newest first."""
    found: list[BackupInfo] = []
    folder = backups_dir(library_path)
    for candidate in folder.glob("*.sqlite") if folder.is_dir() else ():
        if not is_whole(candidate):
            continue  # cut short while being written: not a backup
        try:
            documents, highlights = _counts(candidate)
        except sqlite3.Error:
            continue  # not a library backup, or unreadable: not offered
        created = datetime.fromtimestamp(candidate.stat().st_mtime, UTC).replace(tzinfo=None)
        found.append(BackupInfo(candidate, created, documents, highlights))
    return sorted(found, key=lambda b: b.created, reverse=True)


def rolling_backup(library_path: Path, keep: int = DAILY_BACKUPS_KEPT) -> Path | None:
    """Make today's backup if there is no whole one yet, and keep only the last `keep` daily ones.

    A daily backup left torn (by a kill, or a full disk under an older Marginalia) is
    neither today's backup nor one of the kept: it is removed and, for today, made anew.

    Raises:
        DiskFullError: If there is no room for the copy.
        LibraryError: If it cannot be written for another reason.
    """
    folder = backups_dir(library_path)
    remove_leftovers(folder)
    today = folder / f"{library_path.stem}-daily-{datetime.now(UTC).strftime('%Y-%m-%d')}.sqlite"
    made = None
    if today.exists() and not is_whole(today):
        _discard(today)
    if not today.exists():
        made = backup_library(library_path, today)
    whole = 0
    for daily in sorted(folder.glob(f"{library_path.stem}-daily-*.sqlite"), reverse=True):
        if is_whole(daily):
            whole += 1
            if whole <= keep:
                continue
        _discard(daily)
    return made


def _discard(backup: Path) -> None:
    """Delete a backup file with the rollback journal that a copy cut short leaves beside it."""
    backup.unlink(missing_ok=True)
    Path(f"{backup}-journal").unlink(missing_ok=True)


def set_aside(library_path: Path) -> Path:
    """Move a damaged library (and its WAL files) aside, unchanged, and return its new name."""
    aside = library_path.with_name(f"{library_path.stem}.damaged-{stamp()}{library_path.suffix}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{library_path}{suffix}")
        if source.exists():
            source.rename(Path(f"{aside}{suffix}"))
    return aside


def _check_backup(backup: Path) -> None:
    """Raise LibraryError unless `backup` is a whole, sound library this Marginalia can open."""
    if not backup.is_file() or backup.stat().st_size == 0:
        raise LibraryError(f"The backup {backup} is empty or missing.")
    with backup.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise LibraryError(f"The file {backup} is not a Marginalia library (it is not an SQLite database).")
    if not is_whole(backup):
        raise LibraryError(f"The backup {backup} was cut short while it was written; it cannot be restored.")
    check_integrity(backup)
    try:
        _counts(backup)
        revision = _revision(backup)
    except sqlite3.Error as exc:
        raise LibraryError(f"The file {backup} is not a Marginalia library backup ({exc}).") from exc
    if revision not in known_revisions():
        raise LibraryError(f"The backup {backup} was written by a newer version of Marginalia; update it first.")


def _checkpoint(library_path: Path) -> None:
    """Copy the write-ahead log into the library file, so that the file alone holds it all.

    Raises:
        LibraryError: If another program still has the library open.
    """
    con = sqlite3.connect(library_path, timeout=5)
    try:
        busy = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        con.close()
    # The last connection to close removes the log; one left means another holds it open.
    if busy or Path(f"{library_path}-wal").exists():
        raise LibraryError(
            f"The library {library_path} is open in another program (another Marginalia?); close it and try again."
        )


def _copy_aside(library_path: Path) -> Path:
    """Copy a damaged library and its log files, byte for byte, to a name beside it."""
    aside = library_path.with_name(f"{library_path.stem}.damaged-{stamp()}{library_path.suffix}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{library_path}{suffix}")
        if source.exists():
            partial = _temporary(Path(f"{aside}{suffix}"))
            shutil.copyfile(source, partial)
            _sync(partial)
            partial.replace(Path(f"{aside}{suffix}"))
    _sync(library_path.parent)
    return aside


def restore_backup(library_path: Path, backup: Path) -> Path | None:
    """Replace the library with a backup in one rename; return where the replaced library was kept.

    The restored copy is built beside the library and checked; the current library is
    copied to `backups/` (or, when damaged, beside itself); only then is the copy renamed
    over the library. At every instant the library's path holds the old library or the
    restored one. Close every connection to the library before calling this.

    Raises:
        DiskFullError: If the disk has no room for the copies; nothing was changed.
        LibraryError: If the backup is not a sound library, the library is read-only or in
            use, or a copy fails; nothing was changed.
    """
    _check_backup(backup)
    existed = library_path.is_file() and library_path.stat().st_size > 0
    refusal = read_only_reason(library_path)
    if refusal:
        raise LibraryError(
            f"The library was not replaced: {refusal}. Make it writable first if you mean to replace it."
        )
    olds = [Path(f"{library_path}{suffix}") for suffix in ("", "-wal")] if existed else []
    needed = space_needed(backup, *olds)
    if free_bytes(library_path) < needed:
        raise DiskFullError(f"The library was not replaced: {disk_full_reason(library_path, needed)}.")
    damaged = False
    if existed:
        try:
            check_integrity(library_path)
        except DamagedLibraryError:
            damaged = True
    restoring = _temporary(library_path, ".restoring")
    try:
        backup_library(backup, restoring)
        kept: Path | None = None
        if damaged:
            kept = _copy_aside(library_path)
            for suffix in ("-wal", "-shm"):
                Path(f"{library_path}{suffix}").unlink(missing_ok=True)
        elif existed:
            kept = backup_library(
                library_path, backups_dir(library_path) / f"{library_path.stem}-before-restore-{stamp()}.sqlite"
            )
            # A log left beside the library would be read into the restored file.
            _checkpoint(library_path)
            Path(f"{library_path}-shm").unlink(missing_ok=True)
        library_path.parent.mkdir(parents=True, exist_ok=True)
        restoring.replace(library_path)
        _sync(library_path.parent)
    except (sqlite3.Error, OSError) as exc:
        raise failure("The library was not replaced", exc, library_path, needed) from exc
    finally:
        restoring.unlink(missing_ok=True)
    return kept
