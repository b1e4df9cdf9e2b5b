"""New editions at the desk: from a file, the clipboard or another encoding; review, attach, move."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QProgressDialog

from app.domain.anchors import trim_span
from app.domain.editions import EditionOutcome, EditionPlan
from app.domain.values import Highlight
from app.importers import (
    ENCODED_SUFFIXES,
    SUPPORTED_SUFFIXES,
    ImportedText,
    TextImportError,
    encoding_candidates,
    import_file,
)
from app.services import StorageError
from app.ui.common.file_dialogs import open_paths
from app.ui.common.status import STATUS_MS
from app.ui.documents.editions import EditionWorker, ReviewDialog, VersionsDialog
from app.ui.documents.encoding_dialog import EncodingDialog
from app.ui.window.desk import Desk
from app.ui.window.document_actions import DocumentActions


class EditionActions:
    """The edition commands of the window, and the orphans' attach and move."""

    def __init__(self, window: Desk, documents: DocumentActions) -> None:
        """Work on `window`, reading files through its document actions."""
        self.window = window
        self.documents = documents
        self.last_review: ReviewDialog | None = None
        self._edition_worker: EditionWorker | None = None
        self._moving: Highlight | None = None

    def open_edition_dialog(self) -> None:
        """Choose the file of a new edition of the open document (Ctrl+Shift+O)."""
        if self.window.controller.document is None:
            return
        patterns = " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES)
        filters = f"Texts ({patterns});;All files (*)"
        for path in open_paths(
            self.window.as_widget(), "New edition of this document", self.window.preferences, filters, many=False
        ):
            self.replace_with_edition(path)

    def edition_from_clipboard(self) -> EditionWorker | None:
        """Make the text on the clipboard the open document's new edition."""
        text = QGuiApplication.clipboard().text()
        if not text.strip():
            self.window.show_error("The new edition was not added", "The clipboard holds no text.")
            return None
        document = self.window.controller.document
        title = document.title if document else ""
        return self._start_edition(lambda: ImportedText.of(text, title=title, source="clipboard"))

    def replace_with_edition(self, path: Path) -> None:
        """Make `path` the open document's new edition, re-anchoring its highlights.

        The file is read off the UI thread first (a long PDF takes seconds); the edition
        goes to the document that was open when it was asked for, or nowhere.
        """
        document = self.window.controller.document
        if document is None:
            return

        def read(imported: ImportedText) -> None:
            if self.window.controller.document is None or self.window.controller.document.id != document.id:
                self.window.show_error("The new edition was not added", f"“{document.title}” is no longer open.")
                return
            self._start_edition(lambda: imported)

        self.documents.read_then(path, read)

    def reopen_with_encoding(self) -> EncodingDialog | None:
        """Read the open text's file again in an encoding the reader picks, as a new edition."""
        document = self.window.controller.document
        if document is None:
            return None
        path = Path(document.source)
        if path.suffix.lower() not in ENCODED_SUFFIXES or not path.is_file():
            self.window.statusBar().showMessage(
                f"Only a text file can be reopened with another encoding, and {document.source} is not one "
                "(or is no longer there).",
                STATUS_MS,
            )
            return None
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.window.show_error("The file was not read", f"{path}: {exc.strerror or exc}")
            return None
        dialog = EncodingDialog(path.name, data, encoding_candidates(data), self.window.as_widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._start_edition(lambda: import_file(path, encoding=dialog.chosen())))
        dialog.open()
        return dialog

    def _start_edition(self, read: Callable[[], ImportedText]) -> EditionWorker | None:
        """Re-anchor on a worker thread behind a progress dialog that can be cancelled.

        The library changes only when the work is done, in one transaction.
        """
        document = self.window.controller.document
        if document is None:
            return None
        self.window.panel.flush_note()
        try:
            plan = self.window.controller.service.prepare_edition(document.id, read())
        except (TextImportError, StorageError) as exc:
            self.window.show_error("The new edition was not added", str(exc))
            return None
        progress = QProgressDialog(
            "Finding every highlight in the new edition…", "Cancel", 0, 1, self.window.as_widget()
        )
        progress.setWindowTitle("New edition")
        progress.setAccessibleName("Progress of the new edition")
        progress.setMinimumDuration(300)
        worker = EditionWorker(plan)

        def show_progress(done: int, total: int) -> None:
            progress.setMaximum(max(1, total))
            progress.setValue(done)

        worker.progressed.connect(show_progress)
        progress.canceled.connect(lambda: setattr(worker, "cancel_requested", True))
        worker.succeeded.connect(lambda outcome: self._edition_ready(plan, outcome))
        worker.finished.connect(progress.reset)
        worker.finished.connect(
            lambda: self.window.statusBar().showMessage(
                "The new edition was cancelled; nothing changed." if worker.cancel_requested else "", STATUS_MS
            )
        )
        self._edition_worker = worker
        worker.start()
        return worker

    def _edition_ready(self, plan: EditionPlan, outcome: EditionOutcome) -> None:
        try:
            report = self.window.controller.apply_edition(plan, outcome)
        except StorageError as exc:
            self.window.show_error("The new edition was not added", str(exc))
            return
        dialog = ReviewDialog(report, self.window.as_widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accept_requested.connect(self._accept_placement)
        dialog.show_requested.connect(self._jump_and_select)
        dialog.move_requested.connect(self._start_move)
        self.last_review = dialog
        dialog.open()

    def _accept_placement(self, highlight_id: int) -> None:
        try:
            self.window.controller.accept_placement(highlight_id)
        except StorageError as exc:
            self.window.show_error("The place was not accepted", str(exc))

    def _jump_and_select(self, highlight_id: int) -> None:
        highlight = self.window.controller.highlight(highlight_id)
        if highlight is not None:
            self.window.select_highlight(highlight)
            self.window.reader.centerCursor()

    def _start_move(self, highlight_id: int) -> None:
        """Pick another place for a highlight: the next A attaches it to the selection."""
        self._moving = self.window.controller.highlight(highlight_id)
        if self._moving is not None:
            self._jump_and_select(highlight_id)
            self.window.statusBar().showMessage(
                "Select the right passage, then press A to move the highlight there.", 0
            )

    def attach_orphan(self) -> None:
        """Attach the chosen orphan, or the highlight being moved, to the selected passage (A)."""
        orphan = self._moving or self.window.panel.orphan_list.selected_orphan()
        span = self.window.reader.selection_span()
        document = self.window.controller.document
        if orphan is None or span is None or document is None:
            self.window.statusBar().showMessage("Select the passage in the text and choose an orphan first.", STATUS_MS)
            return
        self._moving = None
        start, end = trim_span(document.text, *span)
        try:
            attached = self.window.controller.attach_highlight(orphan.id, start, end)
        except StorageError as exc:
            self.window.show_error("The orphan was not attached", str(exc))
            return
        self.window.select_highlight(attached)

    def show_versions(self) -> None:
        """List the editions of the open document."""
        document = self.window.controller.document
        if document is not None:
            dialog = VersionsDialog(
                self.window.controller.service.versions(document.id), document.title, self.window.as_widget()
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
