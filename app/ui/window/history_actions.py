"""Undo, redo and Edit → History at the desk; the history itself lives in the library."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from app.domain.changes import Changes, Done, OperationSummary
from app.services import StorageError
from app.services.operations import UndoError
from app.ui.common.status import STATUS_MS
from app.ui.window.desk import Desk
from app.ui.window.history import HistoryDialog

# A change whose rows take more than this in the history (compressed) takes a noticeable
# time to undo or redo: an import of 1,000 highlights keeps about 50 KB, and its undo
# takes a quarter of a second (10,000: 500 KB and 0.8 s).
LONG_STEP_BYTES = 32 * 1024


class HistoryActions:
    """Ctrl+Z, Ctrl+Shift+Z and Ctrl+H: each a service operation over the library's log."""

    def __init__(self, window: Desk) -> None:
        """Work on `window`."""
        self.window = window

    def undo(self) -> None:
        """Undo the last change (a note being typed is saved first, so it can be undone)."""
        self._step(self.window.controller.undo, "Undo", "Undone")

    def redo(self) -> None:
        """Redo the last undone change."""
        self._step(self.window.controller.redo, "Redo", "Redone")

    def _step(self, work: Callable[[], Done[list[OperationSummary]]], verb: str, past: str) -> None:
        self.window.panel.flush_note()
        self._say_if_long(undo=verb == "Undo")
        try:
            done = work()
        except UndoError as exc:
            self.window.show_error(f"Nothing was {past.lower()}", str(exc))
            return
        except StorageError as exc:
            self.window.show_error(f"{verb} failed", f"{exc}\n\nNothing was changed; you can try again.")
            return
        self.window.statusBar().showMessage(f"{past}: {done.label}", STATUS_MS)
        self._show_undone(done.value[0].document_id, done.changes)

    def _say_if_long(self, *, undo: bool) -> None:
        """Say what is being undone or redone before a change that takes a while (an import) is."""
        try:
            steps = self.window.controller.service.operations.next_steps()
        except StorageError:
            return  # the step itself will say why it cannot be made
        coming = steps[0] if undo else steps[1]
        if coming is None or coming.size < LONG_STEP_BYTES:
            return
        status = self.window.statusBar()
        doing = "Undoing" if undo else "Redoing"
        status.showMessage(f"{doing} “{coming.label}”; the window waits until it is done…")
        status.repaint()  # now: the window paints nothing else until the step is over

    def show_history(self) -> HistoryDialog | None:
        """List the changes made in this library, newest first (Ctrl+H); Enter undoes back to one."""
        self.window.panel.flush_note()
        try:
            history = self.window.controller.service.operations.history()
        except StorageError as exc:
            self.window.show_error("Cannot read the history", str(exc))
            return None
        dialog = HistoryDialog(history, self.window.as_widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.undo_requested.connect(self.undo_to)
        dialog.redo_requested.connect(self.redo_to)
        dialog.open()
        return dialog

    def undo_to(self, operation_id: int) -> None:
        """Undo every change back to (and including) one in the history."""
        try:
            done = self.window.controller.undo(down_to=operation_id)
        except StorageError as exc:
            self.window.show_error("Nothing was undone", str(exc))
            return
        self.window.statusBar().showMessage(f"Undone: {done.label}", STATUS_MS)
        self._show_undone(done.value[-1].document_id, done.changes)

    def redo_to(self, operation_id: int) -> None:
        """Redo undone changes up to (and including) one in the history."""
        try:
            while (following := self.window.controller.service.operations.next_redo()) and following.id <= operation_id:
                done = self.window.controller.redo()
        except StorageError as exc:
            self.window.show_error("Not everything was redone", str(exc))
            return
        self.window.statusBar().showMessage(f"Redone up to “{done.label}”.", STATUS_MS)

    def _show_undone(self, document_id: int | None, changes: Changes) -> None:
        """Show what an undo or redo changed: its document (brought back, say), and the highlight."""
        shown = self.window.controller.document
        elsewhere = shown is None or shown.id != document_id
        if (
            document_id is not None
            and elsewhere
            and any(d.id == document_id for d in self.window.controller.documents())
        ):
            self.window.open_document(document_id)
        back = sorted(
            i for i in changes.highlights_added | changes.highlights_changed if i in self.window.controller.store
        )
        highlight = self.window.controller.highlight(back[0]) if back else None
        if highlight is not None:
            self.window.select_highlight(highlight)

    def show_state(self) -> None:
        """Name, in the Edit menu, the change Ctrl+Z would undo and the one Ctrl+Shift+Z would redo."""
        try:
            undo, redo = self.window.controller.service.operations.next_steps()
        except StorageError:
            undo = redo = None
        self.window.undo_action.setEnabled(undo is not None)
        self.window.undo_action.setText(f"&Undo {undo.label}" if undo else "&Undo")
        self.window.redo_action.setEnabled(redo is not None)
        self.window.redo_action.setText(f"&Redo {redo.label}" if redo else "&Redo")
