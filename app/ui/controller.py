"""The desk controller: the UI's one door to the services, and its change signals.

Widgets and undo commands call the controller; it calls the service (one transaction per
call) and then emits one signal, so that every view refreshes from the same event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.domain.export import ExportFormat, ExportOrder
from app.domain.values import Document, DocumentProperties, DocumentSummary, Highlight, Tag, TagResult, ThemeCount
from app.importers import ImportedText, import_file
from app.services import LibraryService
from app.services.codebook import Codebook, CodebookChange, CodebookState
from app.services.editions import EditionOutcome, EditionPlan, EditionReport
from app.services.shelf import DocumentSnapshot


class _Highlights(dict[int, Highlight]):
    """The open document's highlights by id, with their text order kept until one changes.

    Moving the caret asks which highlight it entered and its number among the rest; with
    ten thousand highlights, sorting them on every caret move cost milliseconds a page.
    """

    def __init__(self, highlights: Iterable[Highlight] = ()) -> None:
        super().__init__((h.id, h) for h in highlights)
        self._ordered: list[Highlight] | None = None
        self._rank: dict[int, int] = {}

    def __setitem__(self, key: int, value: Highlight) -> None:
        self._ordered = None
        super().__setitem__(key, value)

    def pop(self, key: int, default: Highlight | None = None) -> Highlight | None:  # type: ignore[override]
        self._ordered = None
        return super().pop(key, default)

    def ordered(self) -> list[Highlight]:
        """Return the highlights in text order (a fresh list; the order is cached)."""
        if self._ordered is None:
            self._ordered = sorted(self.values(), key=lambda h: (h.start, h.end, h.id))
            self._rank = {h.id: i for i, h in enumerate(self._ordered)}
        return list(self._ordered)

    def rank(self, highlight_id: int) -> int | None:
        """Return the 0-based place of a highlight in text order, or None if it is not here."""
        self.ordered()
        return self._rank.get(highlight_id)


class DeskController(QObject):
    """Holds the open document and its highlights, and announces every change."""

    document_opened = Signal(object)  # Document
    highlight_added = Signal(object)  # Highlight
    highlight_changed = Signal(object)  # Highlight
    highlight_removed = Signal(int)
    documents_changed = Signal()  # documents added or removed: reload the list
    highlight_count_changed = Signal(int, int)  # document id, +1 or -1
    tags_changed = Signal()
    orphans_changed = Signal()
    highlights_reloaded = Signal()  # themes changed under many highlights: redraw them all
    document_renamed = Signal(object)  # Document: the open document's properties changed
    document_closed = Signal()  # the open document was deleted

    def __init__(self, service: LibraryService, parent: QObject | None = None) -> None:
        """Wrap the library service."""
        super().__init__(parent)
        self.service = service
        self.document: Document | None = None
        self._highlights = _Highlights()

    def replace_service(self, service: LibraryService) -> None:
        """Work on a reopened library (after a restore); nothing is open until asked."""
        self.service = service
        self.document = None
        self._highlights = _Highlights()
        self.documents_changed.emit()
        self.tags_changed.emit()

    # Documents -------------------------------------------------------------------

    def documents(self) -> list[DocumentSummary]:
        """Return the library's documents."""
        return self.service.list_documents()

    def open_document(self, document_id: int) -> Document:
        """Open a document and load its highlights."""
        document = self.service.open_document(document_id)
        self.document = document
        self._highlights = _Highlights(self.service.highlights(document_id))
        self.document_opened.emit(document)
        return document

    def import_path(self, path: Path) -> tuple[DocumentSummary, bool]:
        """Import a file into the library (see `LibraryService.import_path`)."""
        return self.add_document(import_file(path))

    def add_document(self, imported: ImportedText) -> tuple[DocumentSummary, bool]:
        """Store an imported text (see `LibraryService.add_document`)."""
        summary, added = self.service.add_document(imported)
        if added:
            self.documents_changed.emit()
        return summary, added

    def properties(self, document_id: int) -> DocumentProperties:
        """Return a document's editable properties."""
        return self.service.shelf.properties(document_id)

    def set_properties(self, document_id: int, properties: DocumentProperties) -> DocumentProperties:
        """Store a document's properties; return the previous ones."""
        before = self.service.shelf.set_properties(document_id, properties)
        if self.document is not None and self.document.id == document_id:
            stored = self.service.shelf.properties(document_id)
            self.document = replace(self.document, title=stored.title, author=stored.author, source=stored.source)
            self.document_renamed.emit(self.document)
        self.documents_changed.emit()
        return before

    def delete_document(self, document_id: int) -> DocumentSnapshot:
        """Delete a document with its highlights; the open document closes if it was this one."""
        snapshot = self.service.shelf.delete(document_id)
        if self.document is not None and self.document.id == document_id:
            self.document = None
            self._highlights = _Highlights()
            self.document_closed.emit()
        self.documents_changed.emit()
        self.tags_changed.emit()
        return snapshot

    def restore_document(self, snapshot: DocumentSnapshot) -> None:
        """Put a deleted document back (undo) and open it."""
        self.service.shelf.restore(snapshot)
        self.documents_changed.emit()
        self.tags_changed.emit()
        self.open_document(int(snapshot.document["id"]))

    def export(
        self,
        *,
        document_ids: Sequence[int] | None,
        themes: Sequence[str],
        include_notes: bool,
        order: ExportOrder,
        fmt: ExportFormat,
        template: str | None,
    ) -> tuple[str, int]:
        """Render an export; return its text and the number of highlights in it."""
        export = self.service.export_set(
            document_ids=document_ids, themes=themes, include_notes=include_notes, order=order
        )
        count = sum(len(d.highlights) for d in export.documents)
        return self.service.render_export(export, fmt, template), count

    def snippet(self, highlight_id: int) -> str:
        """Return one highlight as a Markdown snippet."""
        return self.service.snippet(highlight_id)

    def save_reading_position(self, position: int) -> None:
        """Remember the reading position of the open document."""
        if self.document is not None:
            self.service.set_reading_position(self.document.id, position)

    # Highlights ------------------------------------------------------------------

    def highlights(self) -> list[Highlight]:
        """Return the open document's highlights in text order."""
        return self._highlights.ordered()

    def highlight_rank(self, highlight_id: int) -> tuple[int, int] | None:
        """Return a highlight's 1-based number in text order and the count, or None if it is not open."""
        rank = self._highlights.rank(highlight_id)
        return None if rank is None else (rank + 1, len(self._highlights))

    def highlight_with_span(self, start: int, end: int) -> Highlight | None:
        """Return a highlight of the open document covering exactly `[start, end)`."""
        return next((h for h in self._highlights.values() if h.start == start and h.end == end), None)

    def highlight(self, highlight_id: int) -> Highlight | None:
        """Return a highlight of the open document, if it is there."""
        return self._highlights.get(highlight_id)

    def tags(self) -> list[Tag]:
        """Return every theme in the library."""
        return self.service.tags()

    def create_highlight(self, start: int, end: int, *, tags: Sequence[str] = ()) -> Highlight:
        """Highlight a span of the open document (with themes, in the same transaction)."""
        highlight = self.service.create_highlight(self._open_document().id, start, end, tags=tags)
        if tags:
            self.tags_changed.emit()
        return self._added(highlight)

    def highlight_and_tag(self, start: int, end: int, path: str) -> TagResult:
        """Highlight a span of the open document and tag it, saying which themes were made."""
        result = self.service.highlight_and_tag(self._open_document().id, start, end, path)
        self.tags_changed.emit()
        self._added(result.highlight)
        return result

    def restore_highlight(self, highlight: Highlight, *, recreate: Sequence[Tag] = ()) -> Highlight:
        """Put a deleted highlight back, same id and all (and the themes made with it)."""
        restored = self._added(self.service.restore_highlight(highlight, recreate=recreate))
        if recreate:
            self.tags_changed.emit()
        return restored

    def delete_highlight(self, highlight_id: int, *, drop_if_unused: Iterable[int] = ()) -> Highlight:
        """Delete a highlight and return it as it was (dropping themes made with it, if unused)."""
        drop = list(drop_if_unused)
        removed = self.service.delete_highlight(highlight_id, drop_if_unused=drop)
        if self._highlights.pop(highlight_id, None) is not None:
            self.highlight_removed.emit(highlight_id)
        self.highlight_count_changed.emit(removed.document_id, -1)
        if drop:
            self.tags_changed.emit()
        return removed

    def set_note(self, highlight_id: int, note: str) -> Highlight:
        """Replace a highlight's note."""
        return self._changed(self.service.set_note(highlight_id, note))

    def tag_highlight(
        self, highlight_id: int, path: str, *, position: int | None = None, recreate: Sequence[Tag] = ()
    ) -> TagResult:
        """Apply a theme (by path) to a highlight."""
        result = self.service.tag_highlight(highlight_id, path, position=position, recreate=recreate)
        if result.created or recreate:
            self.tags_changed.emit()
        self._changed(result.highlight)
        return result

    def untag_highlight(self, highlight_id: int, tag_id: int, *, drop_if_unused: Iterable[int] = ()) -> Highlight:
        """Remove a theme from a highlight."""
        drop = list(drop_if_unused)
        highlight = self._changed(self.service.untag_highlight(highlight_id, tag_id, drop_if_unused=drop))
        if drop:
            self.tags_changed.emit()
        return highlight

    # Codebook --------------------------------------------------------------------

    def themes(self) -> list[ThemeCount]:
        """Return the codebook with its counts."""
        return self.service.codebook.themes()

    def change_codebook(self, work: Callable[[Codebook], CodebookChange]) -> CodebookChange:
        """Make a codebook change and refresh every view of themes and highlights."""
        change = work(self.service.codebook)
        self._reload_themes()
        return change

    def restore_codebook(self, state: CodebookState) -> None:
        """Write a codebook state back (undo or redo of a codebook change)."""
        self.service.codebook.restore(state)
        self._reload_themes()

    def _reload_themes(self) -> None:
        # A rename or recolour changes every highlight carrying the theme, so the open
        # document's highlights are read again rather than patched one by one.
        if self.document is not None:
            self._highlights = _Highlights(self.service.highlights(self.document.id))
            self.highlights_reloaded.emit()
        self.tags_changed.emit()

    # Editions --------------------------------------------------------------------

    def orphans(self) -> list[Highlight]:
        """Return the open document's highlights left on older editions."""
        return [] if self.document is None else self.service.orphans(self.document.id)

    def apply_edition(self, plan: EditionPlan, outcome: EditionOutcome, version_id: int | None = None) -> EditionReport:
        """Store a new edition and reopen the document on it."""
        report = self.service.apply_edition(plan, outcome, version_id=version_id)
        self.open_document(plan.document_id)  # views reload highlights and orphans from it
        return report

    def revert_edition(self, plan: EditionPlan, report: EditionReport) -> None:
        """Remove an edition again, every highlight back where it was."""
        self.service.revert_edition(plan, report)
        self.open_document(plan.document_id)

    def accept_placement(self, highlight_id: int) -> Highlight:
        """Accept where an approximately matched highlight now stands."""
        return self._changed(self.service.accept_placement(highlight_id))

    def attach_highlight(self, highlight_id: int, start: int, end: int) -> Highlight:
        """Put a highlight (an orphan, or one to move) on a span of the current text."""
        was_here = highlight_id in self._highlights
        highlight = self.service.attach_highlight(highlight_id, start, end)
        if was_here:
            self._highlights.pop(highlight_id)
            self.highlight_removed.emit(highlight_id)
        self._highlights[highlight.id] = highlight
        self.highlight_added.emit(highlight)
        self.orphans_changed.emit()
        return highlight

    def restore_anchor(self, highlight: Highlight) -> Highlight:
        """Undo an attach: the highlight goes back where it was."""
        restored = self.service.restore_anchor(highlight)
        if self._highlights.pop(highlight.id, None) is not None:
            self.highlight_removed.emit(highlight.id)
        if self.document is not None and restored.version_id == self.document.version_id:
            self._highlights[restored.id] = restored
            self.highlight_added.emit(restored)
        self.orphans_changed.emit()
        return restored

    def _open_document(self) -> Document:
        if self.document is None:
            raise RuntimeError("No document is open.")
        return self.document

    def _added(self, highlight: Highlight) -> Highlight:
        if self.document is not None and highlight.document_id == self.document.id:
            self._highlights[highlight.id] = highlight
            self.highlight_added.emit(highlight)
        self.highlight_count_changed.emit(highlight.document_id, 1)
        return highlight

    def _changed(self, highlight: Highlight) -> Highlight:
        if highlight.id in self._highlights:
            self._highlights[highlight.id] = highlight
            self.highlight_changed.emit(highlight)
        return highlight
