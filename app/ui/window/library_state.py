"""What the status bar says about the library for as long as it holds: read only, shared, server gone.

A message in the status bar lasts seconds; these states last until they change, so each
has a permanent label, and a change of state is said aloud once.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from app.services import LibraryService, StorageError
from app.ui.common.speech import announce
from app.ui.common.status import STATUS_MS

# What each kind of member may do, as the tooltip says it (db.group enforces it).
_MAY = {
    "owner": "an owner: you may change everything, the documents and the codebook too",
    "member": "a member: you highlight, tag and write notes, and change what you made",
    "reader": "a reader: you read, search and export; changes are the members'",
}


class LibraryState:
    """The window's permanent labels about its library, and what a failed or good poll means for them."""

    def __init__(self, window: QMainWindow, read_only: QLabel, shared: QLabel) -> None:
        """Speak through `window`'s status bar, in the two labels it holds."""
        self._window = window
        self._read_only = read_only
        self._shared = shared
        self._gone = False

    def show(self, service: LibraryService) -> str | None:
        """Show whether the library can only be read, and which shared library it is.

        Returns:
            What the connected person may do in a shared library ("owner", "member",
            "reader"; None in a file, or when the server could not say).
        """
        reason = service.read_only
        self._read_only.setVisible(reason is not None)
        self._read_only.setText("Read only" if reason else "")
        self._read_only.setToolTip(f"Changes cannot be saved: {reason}." if reason else "")
        self._gone = False
        self._shared.setVisible(service.is_shared)
        kind = None
        if service.is_shared:
            who = service.operations.author
            try:
                kind = service.group_kind()
            except StorageError:
                kind = None  # said by the next look for news, if the server has gone
            self._shared.setText(f"Shared · {who}" + (f" · {kind}" if kind else ""))
            self._shared.setToolTip(
                f"A group's shared library: {service.address}, as {who}"
                + (f", {_MAY[kind]}" if kind else "")
                + ". Changes are saved on the server; the group's other windows show them within seconds."
            )
        self._shared.setAccessibleName(self._shared.toolTip())
        return kind

    def polled(self, service: LibraryService, error: StorageError | None) -> None:
        """Take in how the last look for news went: a shared library's server may have gone or come back."""
        bar = self._window.statusBar()
        if error is None:
            if self._gone:
                self.show(service)
                bar.showMessage("The shared library's server is back: changes are saved again.", STATUS_MS)
            return
        if not service.is_shared:
            bar.showMessage(str(error), STATUS_MS)
            return
        if not self._gone:
            self._gone = True
            self._shared.setText("Server unreachable")
            self._shared.setToolTip(
                f"{error} The open text stays readable; every change is refused, and nothing is half-saved, "
                "until the server is back. Marginalia reconnects by itself."
            )
            self._shared.setAccessibleName(self._shared.toolTip())
            announce(
                self._window,
                "The shared library's server cannot be reached: changes are refused until it is back.",
                assertive=True,
            )
