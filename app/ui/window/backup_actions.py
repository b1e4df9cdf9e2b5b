"""File → Restore from backup…: list the library's backups and put one back in its place."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt

from app.services import LibraryError, backups, open_service, restore_from_backup
from app.ui.common.status import STATUS_MS
from app.ui.documents.backups_dialog import BackupsDialog
from app.ui.window.desk import Desk


class BackupHost(Desk, Protocol):
    """The window as a restore sees it: it saves what is open, then shows the restored library."""

    def save_reading_position(self) -> None:
        """Store where the reader is in the open document."""
        ...

    def show_library(self) -> None:
        """Show the library the controller now holds, as if the window had just opened it."""
        ...


class BackupActions:
    """Restoring a backup: the library it replaces is kept, and the window shows the restored one."""

    def __init__(self, window: BackupHost) -> None:
        """Work on `window`."""
        self.window = window

    def open_backups(self) -> None:
        """List the library's backups and offer to restore one."""
        w = self.window
        path = w.controller.service.path
        if path is None:
            w.show_error(
                "A shared library has no backups here",
                f"{w.controller.service.address} is kept by its PostgreSQL server: its backups are the "
                "server's (pg_dump), made by the group's owner. 'python -m app copy' takes a copy of it "
                "into a library file of your own.",
            )
            return
        dialog = BackupsDialog(backups(path), w.as_widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restore_requested.connect(self.restore_backup)
        dialog.open()

    def restore_backup(self, backup: Path) -> None:
        """Replace the library with a backup and reopen it; the current one is kept."""
        w = self.window
        w.panel.flush_note()
        w.save_reading_position()
        path = w.controller.service.path
        if path is None:
            return  # a shared library lists no backups to choose from
        w.controller.service.close()
        try:
            kept = restore_from_backup(path, backup)
        except LibraryError as exc:
            w.show_error("The backup was not restored", f"{exc}\n\nYour library was not changed.")
            kept = None
            restored = False
        else:
            restored = True
        try:
            service = open_service(path)
        except LibraryError as exc:
            w.show_error("The library could not be reopened", str(exc))
            return
        w.controller.replace_service(service)
        w.show_library()
        if restored:
            where = f" The library it replaced is kept as {kept.name}." if kept else ""
            w.statusBar().showMessage(f"Restored from {backup.name}.{where}", STATUS_MS)
