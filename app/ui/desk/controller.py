"""The desk controller: the UI's one door to the services, and its one change signal.

Every change goes through `run`: the service does it in one transaction and returns what
it changed; the controller brings the open document's highlights (held once, in `store`)
up to date and emits `changed` with those `Changes` and who asked. Undo, redo and the
changes of other windows and processes come down the same path (Anki's pattern, GUIDE.md
section 2), so each view has one place to learn what to redraw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from app.domain.changes import Changes, Done, OperationSummary
from app.domain.editions import EditionOutcome, EditionPlan, EditionReport
from app.domain.export import ExportFormat, ExportOrder
from app.domain.values import Document, DocumentProperties, DocumentSummary, Highlight, Tag, TagResult, ThemeCount
from app.importers import ImportedText, import_file
from app.services import LibraryService, NotFoundError
from app.services.codebook import Codebook
from app.services.queries import collection_paused
from app.ui.desk.store import HighlightStore

T = TypeVar("T")


class DeskController(QObject):
    """Holds the open document and its highlights, and announces every change once."""

    document_opened = Signal(object)  # Document: a document was opened (or reopened on a new edition)
    document_closed = Signal()  # the open document is gone (deleted here or elsewhere)
    # Changes, and the object that asked for them (None: an undo, a redo, another process).
    changed = Signal(object, object)

    def __init__(self, service: LibraryService, parent: QObject | None = None) -> None:
        """Wrap the library service."""
        super().__init__(parent)
        self.service = service
        self.document: Document | None = None
        self.store = HighlightStore()

    def replace_service(self, service: LibraryService) -> None:
        """Work on a reopened library (after a restore); nothing is open until asked."""
        self.service = service
        self.document = None
        self.store.reset(())

    # The one path for changes ---------------------------------------------------------

    def run(self, work: Callable[[LibraryService], Done[T]], initiator: object | None = None) -> Done[T]:
        """Make a change through the service, then bring every view up to date from what it changed."""
        done = work(self.service)
        self.absorb(done.changes, initiator, _highlights_in(done.value))
        return done

    def undo(self, down_to: int | None = None) -> Done[list[OperationSummary]]:
        """Undo the newest change, or every change back to `down_to` (see `Operations.undo`)."""
        return self.run(lambda s: s.operations.undo(down_to))

    def redo(self) -> Done[list[OperationSummary]]:
        """Redo the change undone last."""
        return self.run(lambda s: s.operations.redo())

    def poll(self) -> Changes:
        """Take in what other windows and processes changed since the last poll (cheap when nothing did)."""
        changes = self.service.operations.news()
        if changes:
            self.absorb(changes, None)
        return changes

    def absorb(self, changes: Changes, initiator: object | None, known: Sequence[Highlight] = ()) -> None:
        """Bring the open document and its highlights up to date, then tell every view.

        `known` are highlights as the change left them (what it returned): they are taken
        as they are instead of being read again.
        """
        document = self.document
        if document is not None and document.id in changes.documents and not self._reread_properties(document):
            self.document = None
            self.store.reset(())
            self.changed.emit(changes, initiator)
            self.document_closed.emit()
            return
        if document is not None and document.id in changes.texts:
            self.open_document(document.id)  # a new edition, or one taken back: all of it is new
        elif document is not None:
            if changes.themes:
                # A renamed or recoloured theme changes the highlights that carry it:
                # the views are told of those as changed highlights.
                retagged = self.store.retag(self.service.tags())
                changes = replace(changes, highlights_changed=changes.highlights_changed | set(retagged))
            if changes.highlights and self._refresh(changes, known):
                changes = replace(changes, orphans=changes.orphans | {document.id})
        self.changed.emit(changes, initiator)

    def _reread_properties(self, document: Document) -> bool:
        """Take in the open document's title, author and source again; False if it is gone."""
        try:
            stored = self.service.shelf.properties(document.id)
        except NotFoundError:
            return False
        self.document = replace(document, title=stored.title, author=stored.author, source=stored.source)
        return True

    def _refresh(self, changes: Changes, known: Sequence[Highlight]) -> bool:
        """Read the touched highlights again; return whether any came or went off the current edition.

        Such a highlight is an orphan (made or deleted by an undo, or elsewhere), so the
        orphans are to be shown again.
        """
        assert self.document is not None
        shown = {i for i in changes.highlights if i in self.store}
        # A removed highlight has nothing to read back, and one the change returned is
        # read already: making, tagging or annotating a highlight reads nothing again.
        wanted = changes.highlights_added | changes.highlights_changed
        document = self.document
        fresh = {
            h.id: h
            for h in known
            if h.id in wanted and (h.document_id, h.version_id) == (document.id, document.version_id)
        }
        rest = wanted - fresh.keys()
        if rest:
            fresh.update((h.id, h) for h in self.service.highlights_among(document.id, rest))
        for highlight_id in changes.highlights:
            highlight = fresh.get(highlight_id)
            if highlight is None:
                self.store.drop(highlight_id)
            else:
                self.store.put(highlight)
        came_or_went = changes.highlights_added | changes.highlights_removed
        return any(i not in shown and i not in fresh for i in came_or_went)

    # Documents -------------------------------------------------------------------

    def documents(self) -> list[DocumentSummary]:
        """Return the library's documents."""
        return self.service.list_documents()

    def open_document(self, document_id: int) -> Document:
        """Open a document and load its highlights."""
        # The views make an object or more per highlight as they fill: all of it at once.
        with collection_paused():
            document = self.service.open_document(document_id)
            self.document = document
            self.store.reset(self.service.highlights(document_id), self.service.tags())
            self.document_opened.emit(document)
        return document

    def import_path(self, path: Path) -> tuple[DocumentSummary, bool]:
        """Import a file into the library (see `LibraryService.import_path`)."""
        return self.add_document(import_file(path))

    def add_document(self, imported: ImportedText) -> tuple[DocumentSummary, bool]:
        """Store an imported text (see `LibraryService.add_document`)."""
        return self.run(lambda s: s.add_document(imported)).value

    def properties(self, document_id: int) -> DocumentProperties:
        """Return a document's editable properties."""
        return self.service.shelf.properties(document_id)

    def set_properties(self, document_id: int, properties: DocumentProperties) -> DocumentProperties:
        """Store a document's properties; return them as stored."""
        return self.run(lambda s: s.shelf.set_properties(document_id, properties)).value

    def delete_document(self, document_id: int) -> DocumentSummary:
        """Delete a document with its highlights; the open document closes if it was this one."""
        return self.run(lambda s: s.shelf.delete(document_id)).value

    def export(
        self,
        *,
        document_ids: Sequence[int] | None,
        themes: Sequence[str],
        include_notes: bool,
        order: ExportOrder,
        fmt: ExportFormat,
        template: str | None,
        highlight_ids: Sequence[int] | None = None,
    ) -> tuple[str, int]:
        """Render an export (of these highlights only, if given); return its text and how many it holds."""
        export = self.service.export_set(
            document_ids=document_ids,
            themes=themes,
            include_notes=include_notes,
            order=order,
            highlight_ids=highlight_ids,
        )
        count = sum(len(d.highlights) for d in export.documents)
        return self.service.render_export(export, fmt, template), count

    def snippet(self, highlight_id: int) -> str:
        """Return one highlight as a Markdown snippet."""
        return self.service.snippet(highlight_id)

    def save_reading_position(self, position: int) -> None:
        """Remember the reading position of the open document (bookkeeping, not a change)."""
        if self.document is not None:
            self.service.set_reading_position(self.document.id, position)

    # Highlights ------------------------------------------------------------------

    def highlights(self) -> list[Highlight]:
        """Return the open document's highlights in text order."""
        return self.store.ordered()

    def highlight_rank(self, highlight_id: int) -> tuple[int, int] | None:
        """Return a highlight's 1-based number in text order and the count, or None if it is not open."""
        rank = self.store.rank(highlight_id)
        return None if rank is None else (rank + 1, len(self.store))

    def highlight_with_span(self, start: int, end: int) -> Highlight | None:
        """Return a highlight of the open document covering exactly `[start, end)`."""
        return self.store.with_span(start, end)

    def highlight(self, highlight_id: int) -> Highlight | None:
        """Return a highlight of the open document, if it is there."""
        return self.store.get(highlight_id)

    def tags(self) -> list[Tag]:
        """Return every theme in the library."""
        return self.service.tags()

    def create_highlight(self, start: int, end: int, *, tags: Sequence[str] = ()) -> Highlight:
        """Highlight a span of the open document (with themes, in the same change)."""
        document_id = self._open_document().id
        return self.run(lambda s: s.create_highlight(document_id, start, end, tags=tags)).value

    def highlight_and_tag(self, start: int, end: int, path: str) -> TagResult:
        """Highlight a span of the open document and tag it, saying which themes were made."""
        document_id = self._open_document().id
        return self.run(lambda s: s.highlight_and_tag(document_id, start, end, path)).value

    def delete_highlight(self, highlight_id: int) -> Highlight:
        """Delete a highlight and return it as it was."""
        return self.run(lambda s: s.delete_highlight(highlight_id)).value

    def set_note(self, highlight_id: int, note: str, *, private: bool | None = None) -> Highlight:
        """Replace a highlight's note, private or shared (None: as it was)."""
        return self.run(lambda s: s.set_note(highlight_id, note, private=private)).value

    def tag_highlight(self, highlight_id: int, path: str) -> TagResult:
        """Apply a theme (by path) to a highlight."""
        return self.run(lambda s: s.tag_highlight(highlight_id, path)).value

    def untag_highlight(self, highlight_id: int, tag_id: int) -> Highlight:
        """Remove a theme from a highlight."""
        return self.run(lambda s: s.untag_highlight(highlight_id, tag_id)).value

    # Codebook --------------------------------------------------------------------

    def themes(self) -> list[ThemeCount]:
        """Return the codebook with its counts."""
        return self.service.codebook.themes()

    def change_codebook(self, work: Callable[[Codebook], Done[None]]) -> Done[None]:
        """Make a codebook change."""
        return self.run(lambda s: work(s.codebook))

    # Editions --------------------------------------------------------------------

    def orphans(self) -> list[Highlight]:
        """Return the open document's highlights left on older editions."""
        return [] if self.document is None else self.service.orphans(self.document.id)

    def apply_edition(self, plan: EditionPlan, outcome: EditionOutcome) -> EditionReport:
        """Store a new edition (the open document is reopened on it)."""
        return self.run(lambda s: s.apply_edition(plan, outcome)).value

    def accept_placement(self, highlight_id: int) -> Highlight:
        """Accept where an approximately matched highlight now stands."""
        return self.run(lambda s: s.accept_placement(highlight_id)).value

    def attach_highlight(self, highlight_id: int, start: int, end: int) -> Highlight:
        """Put a highlight (an orphan, or one to move) on a span of the current text."""
        return self.run(lambda s: s.attach_highlight(highlight_id, start, end)).value

    def _open_document(self) -> Document:
        if self.document is None:
            raise RuntimeError("No document is open.")
        return self.document


def _highlights_in(value: object) -> tuple[Highlight, ...]:
    """The highlights a change returned as they stand after it (a deleted one is told apart by the changes)."""
    if isinstance(value, Highlight):
        return (value,)
    if isinstance(value, TagResult):
        return (value.highlight,)
    return ()
