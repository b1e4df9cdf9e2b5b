"""What a failure of the library file means to its owner: damage, a full disk, a read-only place.

SQLite reports a full disk in more than one way: `SQLITE_FULL` when a page cannot be
written, but `SQLITE_IOERR_SHMSIZE` ("disk I/O error") when a connection opened on a full
disk cannot grow its shared-memory index. Taking the second for damage sent people to
restore a backup over a healthy library, so a failure is classified here, once, by its
SQLite code and by the free space of the disk, and every caller says the same thing.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
from pathlib import Path

# Primary result codes (the low byte of an extended code), from sqlite3.h.
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26

# Room a library needs beyond its own size to be written: the write-ahead log grows to
# about 1,000 pages (4 MiB) before SQLite copies it back, and the index beside it to 32 KiB.
WORKING_SPACE = 4 * 1024 * 1024


class LibraryError(Exception):
    """The library cannot be opened or used; the message says which file and why."""


class DamagedLibraryError(LibraryError):
    """The library file is damaged; it was not written to. Restore a backup or start anew."""


class DiskFullError(LibraryError):
    """The disk holding the library has no room; the library was not changed."""


def sqlite_code(exc: BaseException) -> int | None:
    """Return the primary SQLite result code of an error, wrapped by SQLAlchemy or not."""
    inner = getattr(exc, "orig", None) or exc
    code = getattr(inner, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_damage(exc: BaseException) -> bool:
    """Return whether an error says the file itself is damaged (not merely unreadable now)."""
    return sqlite_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB)


def free_bytes(path: Path) -> int:
    """Return the bytes free to this user on the disk that holds `path` (or its nearest folder)."""
    folder = path
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def space_needed(*files: Path) -> int:
    """Return the room needed to copy `files` and still write to a library: their size and some."""
    return sum(f.stat().st_size for f in files if f.is_file()) + WORKING_SPACE


def is_disk_full(exc: BaseException, path: Path, needed: int = WORKING_SPACE) -> bool:
    """Return whether an error writing at `path` comes from a full disk.

    `SQLITE_FULL` and `ENOSPC` say so outright; an I/O error does when the disk also has
    less room than the work needed.
    """
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    code = sqlite_code(exc)
    if code == SQLITE_FULL:
        return True
    return code == SQLITE_IOERR and free_bytes(path) < needed


def megabytes(size: int) -> str:
    """Return a size as people read it: '0 bytes', '12 KB', '3.4 MB'."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


def disk_full_reason(path: Path, needed: int) -> str:
    """Say that the disk is full, how much is free and how much the work needs."""
    free = free_bytes(path)
    wanted = f", and about {megabytes(needed)} is needed" if needed > free else ""
    return f"the disk is full: the disk holding {path.parent} has {megabytes(free)} free{wanted}. Free some space"


def read_only_reason(path: Path) -> str | None:
    """Return why the library at `path` cannot be written here, or None if it can.

    A library needs its folder writable as well as its file: SQLite writes its log and
    index beside the file.
    """
    folder = path.parent
    if folder.is_dir() and not _writable(folder):
        return f"the folder {folder} is read-only"
    # The permission bits too: they say what the owner meant even to root.
    if path.is_file() and (not _writable(path) or not path.stat().st_mode & stat.S_IWUSR):
        return f"the file {path} is read-only (its permissions say so)"
    return None


def _writable(path: Path) -> bool:
    """Return whether this process may write `path`, as SQLite will find it (the effective user)."""
    return os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids)


def explain(exc: BaseException, path: Path, needed: int = WORKING_SPACE) -> str:
    """Return the reason a library operation failed, in words a person can act on."""
    if is_disk_full(exc, path, needed):
        return disk_full_reason(path, needed)
    if sqlite_code(exc) == SQLITE_READONLY:
        # A library opened read-only because the disk was full stays so until restarted.
        if read_only_reason(path) is None and free_bytes(path) < needed:
            return disk_full_reason(path, needed)
        return read_only_reason(path) or f"the library {path} is open read-only"
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    inner = getattr(exc, "orig", None) or exc
    reason = str(inner)
    if isinstance(inner, sqlite3.OperationalError) and ("locked" in reason or "busy" in reason):
        return "it stayed locked by another program (another Marginalia?) for 5 seconds; try again"
    return reason


def failure(what: str, exc: BaseException, path: Path, needed: int = WORKING_SPACE) -> LibraryError:
    """Return the error to raise for a failed library operation: `what` failed, and why."""
    kind = DiskFullError if is_disk_full(exc, path, needed) else LibraryError
    return kind(f"{what}: {explain(exc, path, needed)}.")
