"""File → Open shared library…: leave the library open now for a group's, on a PostgreSQL server."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.services import LibraryError, open_service
from app.services.paths import is_shared_address
from app.ui.common.status import STATUS_MS
from app.ui.documents.shared_dialog import EXAMPLE, SharedLibraryDialog
from app.ui.window.backup_actions import BackupHost


class LibraryActions:
    """Opening another library in the window: the one open now stays until the new one is open."""

    def __init__(self, window: BackupHost) -> None:
        """Work on `window`."""
        self.window = window

    def choose_shared(self) -> None:
        """Ask for a shared library's address, then open it."""
        dialog = SharedLibraryDialog(self.window.controller.service.address, self.window.as_widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open_requested.connect(self.open_shared)
        dialog.open()

    def open_shared(self, address: str) -> None:
        """Open the shared library at `address` in place of the one open now (kept if that fails)."""
        w = self.window
        if not is_shared_address(address):
            w.show_error("Not a shared library's address", f"Give it as {EXAMPLE}.")
            return
        try:
            service = open_service(address)
        except LibraryError as exc:
            w.show_error("The shared library could not be opened", f"{exc}\n\nThe library open before is still open.")
            return
        w.panel.flush_note()
        w.save_reading_position()
        w.controller.service.close()
        w.controller.replace_service(service)
        w.show_library()
        w.statusBar().showMessage(f"Opened the shared library {service.address}.", STATUS_MS)
