"""Exchange at the desk: QDA projects (.qdpx) and codebooks (.qdc) out and in, and highlights from other tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.domain.refi import QdaCode, QdaProject, write_project
from app.domain.text import plural
from app.importers import SUPPORTED_SUFFIXES, TextImportError
from app.importers.highlights import HIGHLIGHT_SUFFIXES
from app.services import LibraryService, StorageError
from app.services.files import write_whole
from app.services.foreign import HighlightImport
from app.ui.common.file_dialogs import open_paths, save_path
from app.ui.common.speech import announce
from app.ui.common.status import STATUS_MS
from app.ui.documents.foreign_import import ForeignImportDialog
from app.ui.window.desk import Desk
from app.ui.window.document_actions import DocumentActions

QDA_SUFFIXES = (".qdpx", ".qdc")


@dataclass
class _Batch:
    """Files brought in together: how many are still to come, and what each that came in brought."""

    left: int
    lines: list[str] = field(default_factory=list)


class ExchangeActions:
    """File → Export as a QDA project or codebook, and opening what QDA tools wrote."""

    def __init__(self, window: Desk, reading: DocumentActions) -> None:
        """Work on `window`, reading files off the UI thread through `reading`."""
        self.window = window
        self.reading = reading
        self.last_message: QMessageBox | None = None
        self.dialog: ForeignImportDialog | None = None

    def export_project(self) -> Path | None:
        """Save the whole library as a REFI-QDA project (.qdpx) for QualCoder, ATLAS.ti, NVivo, MAXQDA."""
        window = self.window
        window.panel.flush_note()
        path = save_path(
            window.as_widget(),
            "Export a QDA project",
            window.preferences,
            "marginalia.qdpx",
            [("QDA project", ".qdpx")],
        )
        if path is None:
            return None
        try:
            service = window.controller.service
            project = service.qda_project()
            write_whole(path, write_project(project, datetime.now(UTC).replace(tzinfo=None)))
        except StorageError as exc:
            window.show_error("The QDA project was not exported", str(exc))
            return None
        count = sum(len(s.selections) for s in project.sources)
        message = f"Exported {plural(len(project.sources), 'document')} and {plural(count, 'highlight')} to {path}."
        if project.skipped:
            message += f" Left out (not on the current text): {'; '.join(project.skipped)}."
        self._tell(message)
        return path

    def export_codebook(self) -> Path | None:
        """Save the codebook as a REFI-QDA codebook (.qdc)."""
        window = self.window
        path = save_path(
            window.as_widget(),
            "Export the codebook for QDA tools",
            window.preferences,
            "codebook.qdc",
            [("QDA codebook", ".qdc")],
        )
        if path is None:
            return None
        try:
            write_whole(path, window.controller.service.export_qdc())
        except StorageError as exc:
            window.show_error("The codebook was not exported", str(exc))
            return None
        self._tell(f"Exported the codebook to {path}.")
        return path

    def import_files(self, paths: list[Path]) -> None:
        """Bring in projects and codebooks, each read off the UI thread and stored as one change (one Ctrl+Z).

        One message says what came in, once the last file is in; a file that fails is said
        why and changes nothing.
        """
        batch = _Batch(len(paths))
        for path in paths:
            self.reading.read_then(
                path,
                partial(self._store, path, batch),
                reader=LibraryService.read_qda,
                after=partial(self._ended, batch),
                label=f"Reading {path.name} and storing it in your library…",
            )

    def _store(self, path: Path, batch: _Batch, read: QdaProject | list[QdaCode]) -> None:
        window = self.window
        try:
            done = window.controller.run(lambda s: s.store_qda(read, path))
        except StorageError as exc:
            window.show_error("Cannot import the file", str(exc))
            return
        batch.lines.append(f"{path.name}: {done.value.describe()}")

    def _ended(self, batch: _Batch) -> None:
        batch.left -= 1
        if batch.left or not batch.lines:
            return
        window = self.window
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Imported",
            "\n\n".join(batch.lines),
            QMessageBox.StandardButton.Ok,
            window.as_widget(),
        )
        box.setAccessibleName("Imported")
        self.last_message = box
        box.open()
        window.statusBar().showMessage(" ".join(batch.lines), STATUS_MS)

    def choose_highlights(self) -> None:
        """Ask for a file of highlights from another tool and preview its import (File → Import highlights…)."""
        patterns = " ".join(["*.txt", *(f"*{s}" for s in HIGHLIGHT_SUFFIXES)])
        paths = open_paths(
            self.window.as_widget(),
            "Import highlights from another tool",
            self.window.preferences,
            f"Highlights: Kindle, KOReader, Kobo, Hypothesis, calibre, Readwise, Zotero ({patterns});;All files (*)",
            many=False,
        )
        if paths:
            self.import_highlights(paths[0])

    def import_highlights(self, path: Path) -> ForeignImportDialog | None:
        """Preview what importing this file of highlights would do; Import stores it as one change."""
        window = self.window
        service = window.controller.service
        try:
            first = service.import_highlights(path, dry_run=True).value
        except (TextImportError, StorageError) as exc:
            window.show_error("Cannot import the highlights", str(exc))
            return None

        def preview(targets: list[int | None], colours: dict[str, str]) -> HighlightImport:
            return service.import_highlights(path, dry_run=True, targets=targets, colours=colours).value

        documents = [(d.id, d.title) for d in service.list_documents()]
        dialog = ForeignImportDialog(path.name, first, documents, preview, window.as_widget(), self._import_text)
        dialog.accepted.connect(partial(self._store_highlights, path, dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _import_text(self) -> tuple[int, str] | None:
        """Ask for a book's text and import it, for the preview of an import of highlights."""
        window = self.window
        patterns = " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES)
        paths = open_paths(
            window.as_widget(), "Import the book's text", window.preferences, f"Texts ({patterns})", many=False
        )
        if not paths:
            return None
        try:
            summary, _added = window.controller.import_path(paths[0])
        except (TextImportError, StorageError) as exc:
            window.show_error("Cannot import the text", str(exc))
            return None
        return summary.id, summary.title

    def _store_highlights(self, path: Path, dialog: ForeignImportDialog) -> None:
        targets, colours = dialog.targets(), dialog.colour_themes()
        try:
            done = self.window.controller.run(lambda s: s.import_highlights(path, targets=targets, colours=colours))
        except (TextImportError, StorageError) as exc:
            self.window.show_error("The highlights were not imported", str(exc))
            return
        result = done.value
        orphans = sum(len(b.not_placed) for b in result.books if b.document_id is not None)
        self._tell(
            f"Imported {plural(result.stored - orphans, 'highlight')} and {plural(orphans, 'orphan')} "
            f"from {path.name}. Ctrl+Z takes the import back."
        )

    def _tell(self, message: str) -> None:
        self.window.statusBar().showMessage(message, STATUS_MS)
        announce(self.window.as_widget(), message)
