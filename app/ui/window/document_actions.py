"""Bringing documents in and managing them, for the main window.

Imports run off the UI thread; paste, drop, properties and deletion are here too.

A file is read and converted on a worker thread (a 300-page PDF takes seconds) behind a
progress dialog that can be cancelled; only the finished text is stored, on the UI
thread, in one short transaction. So a cancelled or failed import never touches the
library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThread, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QWidget,
)
from shiboken6 import Shiboken

from app.domain.values import DocumentProperties, DocumentSummary
from app.importers import Cancelled, ImportedText, Progress, ScanError, TextImportError, import_file, import_pasted
from app.services import StorageError
from app.ui.common.roles import ID_ROLE
from app.ui.common.status import STATUS_MS
from app.ui.window.desk import Desk

PROGRESS_DELAY_MS = 400  # quick imports finish before a dialog would flash up


# Reads a file into what is stored next (a QDA project, say), told of progress; touches no database.
Reader = Callable[[Path, Progress], object]


@dataclass(frozen=True)
class _Reading:
    """A file waiting to be read: what reads it, what takes what was read, what runs once it ended."""

    path: Path
    done: Callable[[Any], None]
    ocr: str | None = None
    reader: Reader | None = None  # None: a text, read by the importer of its format
    after: Callable[[], None] | None = None  # run however the reading ended (read, failed, cancelled)
    label: str = ""  # what the progress dialog says ("": reading the file)


class ImportWorker(QThread):
    """Reads one file with its importer on a worker thread (no database access here)."""

    progressed = Signal(int, int)
    succeeded = Signal(object)  # ImportedText, or what the reader returned
    failed = Signal(str)
    scanned = Signal(str)  # a PDF of page images: why, for offering OCR

    def __init__(self, path: Path, ocr: str | None = None, reader: Reader | None = None) -> None:
        """Prepare to read `path` (a scanned PDF with OCR in the language `ocr`, if named; with `reader`, if given)."""
        super().__init__()
        self.path = path
        self.ocr = ocr
        self.reader = reader
        self.cancel_requested = False

    def run(self) -> None:
        """Read the file; report what was read, the failure, or nothing when cancelled."""
        try:
            if self.reader is not None:
                imported = self.reader(self.path, self._progress)
            else:
                imported = import_file(self.path, self._progress, ocr=self.ocr)
        except Cancelled:
            return
        except ScanError as exc:
            self.scanned.emit(f"{self.path.name}: {exc.finding}.")
            return
        except TextImportError as exc:
            self.failed.emit(str(exc))
            return
        self.succeeded.emit(imported)

    def _progress(self, done: int, total: int) -> None:
        if self.cancel_requested:
            raise Cancelled
        self.progressed.emit(done, total)


class PropertiesDialog(QDialog):
    """Edit a document's title, author, date and source."""

    def __init__(self, properties: DocumentProperties, parent: QWidget | None = None) -> None:
        """Show the current properties in editable fields."""
        super().__init__(parent)
        self.setWindowTitle("Document properties")
        self.setAccessibleName("Document properties")
        self.title_field = QLineEdit(properties.title)
        self.author_field = QLineEdit(properties.author)
        self.date_field = QLineEdit(properties.date)
        self.date_field.setPlaceholderText("e.g. 1917-04-29")
        self.source_field = QLineEdit(properties.source)
        self.source_field.setPlaceholderText("file, URL or library shelf mark")
        form = QFormLayout(self)
        for label, field, name in (
            ("&Title:", self.title_field, "Title"),
            ("&Author:", self.author_field, "Author"),
            ("&Date:", self.date_field, "Date"),
            ("&Source:", self.source_field, "Source"),
        ):
            field.setAccessibleName(name)
            form.addRow(label, field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.title_field.selectAll()

    def properties(self) -> DocumentProperties:
        """Return the properties as typed."""
        return DocumentProperties(
            title=self.title_field.text(),
            author=self.author_field.text(),
            date=self.date_field.text(),
            source=self.source_field.text(),
        )


class DocumentActions:
    """The document commands of the main window: import, paste, properties, delete."""

    def __init__(self, window: Desk) -> None:
        """Act on `window`'s controller and undo stack."""
        self.window = window
        self.controller = window.controller
        self._queue: list[_Reading] = []
        self.worker: ImportWorker | None = None
        self.progress: QProgressDialog | None = None
        self.last_dialog: QDialog | QMessageBox | None = None

    # Importing -----------------------------------------------------------------------

    def import_files(self, paths: list[Path]) -> None:
        """Import files one after another off the UI thread, opening each one added."""
        for path in paths:
            self.read_then(path, partial(self._store, path))

    def read_then(
        self,
        path: Path,
        done: Callable[[Any], None],
        *,
        reader: Reader | None = None,
        after: Callable[[], None] | None = None,
        label: str = "",
    ) -> None:
        """Read a file off the UI thread behind a progress dialog, then hand what was read to `done`.

        A text is read by its format's importer, anything else by `reader`. A failure is
        shown with the file's name and reason; a cancelled read calls nothing. Files are
        read one after another, in the order asked; `after` runs once this one's reading
        ended, however it ended.
        """
        self._queue.append(_Reading(path, done, reader=reader, after=after, label=label))
        if self.worker is None:
            self._next()

    def busy(self) -> bool:
        """True while files are being imported."""
        return self.worker is not None

    def _next(self) -> None:
        if not self._queue:
            return
        reading = self._queue.pop(0)
        path, done, ocr = reading.path, reading.done, reading.ocr
        worker = ImportWorker(path, ocr, reading.reader)
        label = reading.label or (
            f"Reading {path.name} with OCR ({ocr}), page by page…" if ocr else f"Reading {path.name}…"
        )
        progress = QProgressDialog(label, "Cancel", 0, 0, self.window.as_widget())
        progress.setWindowTitle("Importing")
        progress.setAccessibleName(f"Progress of importing {path.name}")
        progress.setMinimumDuration(PROGRESS_DELAY_MS)

        def show_progress(done: int, total: int) -> None:
            progress.setMaximum(max(1, total))
            progress.setValue(done)

        worker.progressed.connect(show_progress)
        worker.succeeded.connect(done)
        worker.failed.connect(lambda message: self.window.show_error("Cannot import the file", message))
        worker.scanned.connect(lambda message: self.offer_ocr(path, done, message))
        progress.canceled.connect(lambda: setattr(worker, "cancel_requested", True))
        worker.finished.connect(lambda: self._finished(worker, progress, reading.after))
        self.worker, self.progress = worker, progress
        worker.start()

    def offer_ocr(self, path: Path, done: Callable[[Any], None], finding: str) -> None:
        """A scanned PDF: offer to read it with Tesseract in an installed language, or say what to install."""
        from app.importers.ocr import INSTALL, ocr_languages  # PDFium is loaded only when a PDF is read

        languages = ocr_languages()
        if not languages:
            self.window.show_error("Cannot import the file", f"{finding}\n\nTo read a scan, {INSTALL}.")
            return
        language, chosen = QInputDialog.getItem(
            self.window.as_widget(),
            "Read the scan with OCR",
            f"{finding}\n\nRead it with Tesseract OCR, page by page? Language of the text:",
            languages,
            0,
            False,
        )
        if chosen:
            self._queue.insert(0, _Reading(path, done, ocr=language))
            if self.worker is None:  # the scan's reading ended while the question was open
                self._next()

    def _finished(self, worker: ImportWorker, progress: QProgressDialog, after: Callable[[], None] | None) -> None:
        if not Shiboken.isValid(progress):
            return  # the window closed (and took its dialogs) while the thread stopped
        progress.reset()
        progress.deleteLater()
        worker.deleteLater()
        if worker.cancel_requested:
            self.window.statusBar().showMessage(f"Import of {worker.path.name} cancelled; nothing changed.", STATUS_MS)
        self.worker = self.progress = None
        if after is not None:
            after()
        self._next()

    def cancel(self) -> None:
        """Cancel the running import and drop the queued ones."""
        self._queue.clear()
        if self.worker is not None:
            self.worker.cancel_requested = True

    def wait(self) -> None:
        """Wait for a cancelled import's thread to stop (the window is closing)."""
        if self.worker is not None:
            self.worker.wait()

    def _store(self, path: Path, imported: ImportedText) -> None:
        try:
            summary, added = self.controller.add_document(imported)
        except StorageError as exc:
            self.window.show_error("Cannot import the file", str(exc))
            return
        if added:
            self.window.open_document(summary.id)
            self.window.statusBar().showMessage(f"Added to your library: {summary.title}", STATUS_MS)
        else:
            self.offer_to_open(path.name, summary)

    def offer_to_open(self, name: str, existing: DocumentSummary) -> QMessageBox:
        """Say that a text is already in the library (same SHA-256) and offer to open it."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Already in your library",
            f"{name} has exactly the same text as “{existing.title}”, already in your library. Open it?",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            self.window.as_widget(),
        )
        box.setAccessibleName("Already in your library")
        box.setDefaultButton(QMessageBox.StandardButton.Open)
        box.accepted.connect(lambda: self.window.open_document(existing.id))
        self.last_dialog = box
        box.open()
        return box

    def paste_as_document(self) -> None:
        """Make the clipboard's text (its HTML when there is some) a new document (Ctrl+Shift+V)."""
        mime = QGuiApplication.clipboard().mimeData()
        text = mime.text() if mime is not None and mime.hasText() else ""
        html = mime.html() if mime is not None and mime.hasHtml() else ""
        try:
            imported = import_pasted(text, html)
        except TextImportError:
            self.window.show_error("Nothing to paste", "The clipboard holds no text.")
            return
        self._store(Path("The pasted text"), imported)

    # Managing ------------------------------------------------------------------------

    def selected_document(self) -> int | None:
        """The document the library list points at, or else the open one."""
        index = self.window.library_view.currentIndex()
        document_id = index.data(ID_ROLE) if index.isValid() else None
        if isinstance(document_id, int):
            return document_id
        return self.controller.document.id if self.controller.document else None

    def edit_properties(self) -> PropertiesDialog | None:
        """Edit the title, author, date and source of the chosen document."""
        document_id = self.selected_document()
        if document_id is None:
            return None
        try:
            before = self.controller.properties(document_id)
        except StorageError as exc:
            self.window.show_error("Cannot edit the properties", str(exc))
            return None
        dialog = PropertiesDialog(before, self.window.as_widget())
        dialog.accepted.connect(lambda: self._save_properties(document_id, before, dialog.properties()))
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def _save_properties(self, document_id: int, before: DocumentProperties, after: DocumentProperties) -> None:
        if after == before:
            return
        try:
            self.controller.set_properties(document_id, after)
        except StorageError as exc:
            self.window.show_error("The properties were not saved", str(exc))

    def delete_document(self) -> QMessageBox | None:
        """Ask, then delete the chosen document with its highlights (undoable)."""
        document_id = self.selected_document()
        if document_id is None:
            return None
        summary = next((d for d in self.controller.documents() if d.id == document_id), None)
        if summary is None:
            return None
        count = summary.highlight_count
        what = f"“{summary.title}”"
        if count:
            what += f" and its {count} highlight{'s' if count != 1 else ''}"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete document",
            f"Delete {what}?\nCtrl+Z brings it back.",
            QMessageBox.StandardButton.Cancel,
            self.window.as_widget(),
        )
        delete = box.addButton("&Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAccessibleName("Delete document")
        box.buttonClicked.connect(lambda button: self._delete(document_id) if button is delete else None)
        self.last_dialog = box
        box.open()
        return box

    def _delete(self, document_id: int) -> None:
        self.window.panel.flush_note()
        try:
            deleted = self.controller.delete_document(document_id)
        except StorageError as exc:
            self.window.show_error("The document was not deleted", str(exc))
            return
        self.window.statusBar().showMessage(f"Deleted “{deleted.title}”. Ctrl+Z brings it back.", STATUS_MS)
        # The keyboard stays in the list it was in, on the document now open; queued, so
        # that it comes after the question box hands the focus back as it closes.
        QTimer.singleShot(0, self._focus_library)

    def _focus_library(self) -> None:
        view = self.window.library_view
        if not view.currentIndex().isValid() and self.window.documents.rowCount():
            view.setCurrentIndex(self.window.documents.index(0))
        view.setFocus(Qt.FocusReason.OtherFocusReason)
