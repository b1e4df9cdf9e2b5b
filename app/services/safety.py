"""Backups: listing them, restoring one, and setting a damaged library aside."""

from __future__ import annotations

from pathlib import Path

from app.domain.values import BackupSummary
from db import list_backups, restore_backup, set_aside


def backups(library_path: Path) -> list[BackupSummary]:
    """Return the library's backups, newest first (daily, before migrations and restores)."""
    return [
        BackupSummary(path=str(b.path), created=b.created, documents=b.documents, highlights=b.highlights)
        for b in list_backups(library_path.expanduser().resolve())
    ]


def restore_from_backup(library_path: Path, backup: Path) -> Path | None:
    """Replace the library with a backup; return where the replaced library was kept.

    Raises:
        db.LibraryError: If the backup is not a sound library (the library is untouched).
    """
    return restore_backup(library_path.expanduser().resolve(), backup.expanduser().resolve())


def set_damaged_library_aside(library_path: Path) -> Path:
    """Move a damaged library aside, unchanged, so that a new one can be started."""
    return set_aside(library_path.expanduser().resolve())
