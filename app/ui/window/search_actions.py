"""Search at the desk: the library search (Ctrl+K), All my notes (Ctrl+Shift+N), and the index's first build."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog

from app.domain.progress import Cancelled
from app.domain.search import Hit, Results, parse
from app.domain.values import Highlight
from app.services import StorageError
from app.services.search import NotebookOrder
from app.ui.common.status import STATUS_MS
from app.ui.export.dialog import ExportDialog
from app.ui.search.dialog import SearchDialog
from app.ui.search.notebook import NotebookDialog
from app.ui.window.desk import Desk

# Hits the search window shows at most (the counts cover every hit).
SHOWN = 100


class SearchActions:
    """Opens the search and the notebook on the window's library, and goes where they point."""

    def __init__(self, window: Desk) -> None:
        """Work on `window`."""
        self.window = window
        self.last_query = ""

    def ensure_index(self) -> bool:
        """Build what the search index lacks (a library from before it), behind a progress bar.

        Returns:
            Whether the index is complete (False: cancelled or failed; search still
            works on what is indexed, and the next start goes on).
        """
        service = self.window.controller.service
        if service.read_only is not None:
            return True
        try:
            if not service.index_missing():
                return True
        except StorageError:
            return False
        progress = QProgressDialog("Indexing the library for search…", "Cancel", 0, 100, self.window.as_widget())
        progress.setWindowTitle("Search index")
        progress.setAccessibleName("Indexing the library for search")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)

        def tell(done: int, total: int) -> None:
            progress.setMaximum(total)
            progress.setValue(done)
            QApplication.processEvents()
            if progress.wasCanceled():
                raise Cancelled

        try:
            service.build_index(tell)
        except Cancelled:
            self.window.statusBar().showMessage("Indexing stopped: search finds what was indexed so far.", STATUS_MS)
            return False
        except StorageError as exc:
            self.window.show_error("The search index was not built", f"{exc}\n\nThe library itself is unchanged.")
            return False
        finally:
            progress.close()
        return True

    def search(self, text: str) -> Results:
        """Search the library for a query as typed."""
        self.last_query = text
        try:
            return self.window.controller.service.search(parse(text), SHOWN, places=False)
        except StorageError as exc:
            return Results(problems=(str(exc),))

    def open_search(self) -> SearchDialog:
        """Open the library search (Ctrl+K), with the last query, or the selected words."""
        self.window.panel.flush_note()
        self.ensure_index()
        span = self.window.reader.selection_span()
        document = self.window.controller.document
        selected = document.text[span[0] : span[1]] if span and document and span[1] - span[0] < 80 else ""
        query = f'"{selected}"' if selected and len(selected.split()) > 1 else selected or self.last_query
        dialog = SearchDialog(self.search, self.window.as_widget(), query)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.hit_chosen.connect(self.go_to_hit)
        dialog.box.selectAll()
        dialog.open()
        return dialog

    def go_to_hit(self, hit: Hit) -> None:
        """Open the document of a hit with the words found (or the highlight found) selected."""
        window = self.window
        if hit.highlight_id is not None:
            window.open_highlight(hit.document_id, hit.highlight_id)
            return
        try:
            hit = window.controller.service.place(hit, parse(self.last_query))
        except StorageError as exc:
            window.show_error("Cannot open what was found", str(exc))
            return
        current = window.controller.document
        if current is None or current.id != hit.document_id:
            window.open_document(hit.document_id)
        current = window.controller.document
        if current is None or current.id != hit.document_id:
            return  # it could not be opened: open_document said why
        window.reader.select_span(hit.start, hit.end)
        window.focus_reader()
        window.statusBar().showMessage(f"Found in “{hit.title}”", STATUS_MS)

    def notebook_rows(self, text: str, order: str) -> list[Highlight]:
        """The highlights the notebook lists for a filter."""
        try:
            return self.window.controller.service.notebook(parse(text), NotebookOrder(order))
        except StorageError as exc:
            self.window.show_error("Cannot list the highlights", str(exc))
            return []

    def open_notebook(self) -> NotebookDialog:
        """List every highlight in the library (Ctrl+Shift+N); Enter goes to one, Ctrl+E exports those listed."""
        self.window.panel.flush_note()
        self.ensure_index()
        titles = {d.id: d.title for d in self.window.controller.documents()}
        dialog = NotebookDialog(self.notebook_rows, titles, self.window.as_widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.highlight_chosen.connect(self.window.open_highlight)
        dialog.export_requested.connect(self.open_export)
        dialog.open()
        return dialog

    def open_export(self, highlight_ids: list[int] | None = None) -> ExportDialog:
        """Open the export dialog (Ctrl+E), or on these highlights alone (found in the library)."""
        self.window.panel.flush_note()
        dialog = ExportDialog(
            self.window.controller, self.window.preferences, self.window.as_widget(), found=highlight_ids
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
