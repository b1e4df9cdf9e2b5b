"""The library service: every use case of the reading desk, one transaction each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.anchors import quote_of
from app.domain.changes import Done
from app.domain.export import (
    ExportDocument,
    ExportFormat,
    ExportOrder,
    ExportSet,
    Locator,
    render_csv,
    render_json,
    render_markdown,
    render_w3c,
    snippet,
)
from app.domain.structure import Structure
from app.domain.tags import parse_tag_path
from app.domain.text import excerpt, normalise, sha256_hex, word_count
from app.domain.values import Document, DocumentSummary, Highlight, Tag, TagResult
from app.importers import ImportedText, Progress, import_file
from app.resources import MARKDOWN_TEMPLATE, SAMPLE_AUTHOR, SAMPLE_SOURCE, SAMPLE_TEXT, SAMPLE_TITLE
from app.services.backup import RestoreError, dump_library, load_library
from app.services.codebook import Codebook, ensure_path
from app.services.editions import (
    EditionOutcome,
    EditionPlan,
    EditionReport,
    PlacedHighlight,
    Placement,
    VersionSummary,
)
from app.services.errors import AmbiguityError, NotFoundError, StorageError, storage
from app.services.operations import Operations, default_author
from app.services.queries import all_tags, read_highlights, summary_of
from app.services.shelf import Shelf
from db import DamagedLibraryError, Library, LibraryError, open_library, rolling_backup
from db.models import DocumentRow, HighlightRow, HighlightTagRow, VersionRow, utcnow

_CHUNK = 500  # ids per IN (...) list, well under SQLite's limit on bound parameters

__all__ = [
    "DamagedLibraryError",
    "LibraryError",
    "LibraryService",
    "NotFoundError",
    "RestoreError",
    "StorageError",
    "open_service",
]


def open_service(path: Path) -> LibraryService:
    """Open the library at `path`, make today's backup if due, and return the service.

    A library that can only be read (a full disk, a read-only folder) is opened all the
    same, and so is one whose daily backup cannot be written: `notices` says so, once.

    Raises:
        LibraryError: When the library cannot be opened; the message says why
            (DamagedLibraryError when the file is damaged: it is then left as it is).
    """
    library = open_library(path)
    if library.read_only is not None:
        notices = [f"The library {library.path} is open for reading only: {library.read_only}."]
    else:
        notices = []
        try:
            rolling_backup(library.path)
        except LibraryError as exc:
            notices.append(f"Today's backup was not made. {exc} The library itself is in use as before.")
    return LibraryService(library, tuple(notices))


class LibraryService:
    """Use cases over one open library. Every public method is one transaction."""

    def __init__(self, library: Library, notices: tuple[str, ...] = (), author: str | None = None) -> None:
        """Wrap an open library; `notices` are what its owner should be told once, on opening.

        Changes are recorded as made by `author` (default: the name the person logged in with).
        """
        self._library = library
        self.notices = notices
        self._sessions = library.sessions
        self.operations = Operations(library.sessions, library.path, default_author() if author is None else author)
        self.codebook = Codebook(self.operations)
        self.shelf = Shelf(self.operations)
        # The last text read, by edition id and SHA-256: making a highlight needs the text
        # for its quote, and re-reading 5 MB each time is slow. The digest is checked on
        # each use, so a text kept from a transaction that was rolled back is never used.
        self._text_cache: tuple[int, str, str] | None = None

    @property
    def path(self) -> Path:
        """The library file."""
        return self._library.path

    @property
    def read_only(self) -> str | None:
        """Why the library can only be read (a full disk, a read-only folder), or None."""
        return self._library.read_only

    @property
    def created(self) -> bool:
        """Whether the library file was created when it was opened (a first start)."""
        return self._library.created

    def close(self) -> None:
        """Close the library."""
        self.operations.close()
        self._library.close()

    # Documents -------------------------------------------------------------------

    @storage
    def list_documents(self) -> list[DocumentSummary]:
        """Return every document with its highlight count, most recently added last."""
        counts = select(HighlightRow.document_id, func.count().label("n")).group_by(HighlightRow.document_id).subquery()
        words = (
            select(VersionRow.word_count)
            .where(VersionRow.document_id == DocumentRow.id)
            .order_by(VersionRow.number.desc())
            .limit(1)
            .scalar_subquery()
        )
        stmt = (
            select(DocumentRow, func.coalesce(counts.c.n, 0), words)
            .outerjoin(counts, counts.c.document_id == DocumentRow.id)
            .order_by(DocumentRow.added_at, DocumentRow.id)
        )
        with self._sessions.begin() as s:
            return [summary_of(d, n, w or 0) for d, n, w in s.execute(stmt)]

    @storage
    def add_document(self, imported: ImportedText) -> Done[tuple[DocumentSummary, bool]]:
        """Store an imported text as a new document, unless the same text is already there.

        Returns:
            The document, and True if it was added or False if a document with exactly
            this text (same SHA-256) already existed and is returned instead.
        """
        digest = sha256_hex(imported.text)
        title = imported.title or "Untitled"
        with self.operations.record(f"Import “{excerpt(title)}”") as op:
            s = op.session
            existing = s.execute(
                select(DocumentRow).join(VersionRow).where(VersionRow.sha256 == digest).limit(1)
            ).scalar_one_or_none()
            if existing is not None:
                found = self._summary(s, existing), False
            else:
                doc = DocumentRow(
                    title=title,
                    author=imported.author,
                    source=imported.source,
                    format=imported.format,
                    date=imported.date,
                    language=imported.language,
                )
                doc.versions.append(
                    VersionRow(
                        number=1,
                        text=imported.text,
                        sha256=digest,
                        structure=imported.structure.to_json(),
                        word_count=word_count(imported.text),
                    )
                )
                s.add(doc)
                s.flush()
                op.document_id = doc.id
                found = self._summary(s, doc), True
        return op.done(found)

    def import_path(
        self, path: Path, progress: Progress | None = None, encoding: str | None = None, ocr: str | None = None
    ) -> Done[tuple[DocumentSummary, bool]]:
        """Read a file with its format's importer (in `encoding`, or with OCR in `ocr`, if named) and add it.

        See `add_document`.

        Raises:
            app.importers.TextImportError: When the file cannot be imported; the library is
                not touched.
            app.importers.Cancelled: When `progress` cancelled it; nothing was stored.
        """
        return self.add_document(import_file(path, progress, encoding, ocr))

    def add_sample(self) -> Done[tuple[DocumentSummary, bool]]:
        """Add the bundled sample text (the 1917 resolution); see `add_document`."""
        imported = import_file(SAMPLE_TEXT)
        sample = replace(imported, title=SAMPLE_TITLE, author=SAMPLE_AUTHOR, source=SAMPLE_SOURCE)
        return self.add_document(sample)

    @storage
    def open_document(self, document_id: int, *, mark_opened: bool = True) -> Document:
        """Return a document's current text and reading state, and mark it last opened.

        A library open for reading only is read without marking: that is bookkeeping, not
        a change its owner asked for, and it must not stop them reading.
        """
        with self._sessions.begin() as s:
            doc = self._document_row(s, document_id)
            if mark_opened and self.read_only is None:
                doc.last_opened_at = utcnow()
            version = self._current_version(s, document_id)
            self._text_cache = (version.id, version.sha256, version.text)
            return Document(
                id=doc.id,
                title=doc.title,
                author=doc.author,
                source=doc.source,
                version_id=version.id,
                text=version.text,
                sha256=version.sha256,
                reading_position=doc.reading_position,
                structure=Structure.from_json(version.structure),
                format=doc.format,
                date=doc.date,
            )

    @storage
    def last_opened_document_id(self) -> int | None:
        """Return the document opened most recently, or the first one, or None if empty."""
        stmt = select(DocumentRow.id).order_by(
            DocumentRow.last_opened_at.is_(None), DocumentRow.last_opened_at.desc(), DocumentRow.id
        )
        with self._sessions.begin() as s:
            return s.execute(stmt.limit(1)).scalar_one_or_none()

    @storage
    def set_reading_position(self, document_id: int, position: int) -> None:
        """Remember where the reader is in a document (a code-point offset); not in a read-only library."""
        if self.read_only is not None:
            return
        with self._sessions.begin() as s:
            s.execute(update(DocumentRow).where(DocumentRow.id == document_id).values(reading_position=position))

    # Highlights ------------------------------------------------------------------

    @storage
    def highlights(self, document_id: int) -> list[Highlight]:
        """Return the highlights on a document's current edition, in text order."""
        with self._sessions.begin() as s:
            return self._document_highlights(s, document_id, self._current_version_meta(s, document_id))

    @storage
    def highlights_among(self, document_id: int, ids: Iterable[int]) -> list[Highlight]:
        """Return those of `ids` that are highlights on the document's current edition."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        h = HighlightRow.__table__.c
        with self._sessions.begin() as s:
            current = self._current_version_meta(s, document_id)
            tags = all_tags(s)
            return [
                found
                for chunk in (wanted[i : i + _CHUNK] for i in range(0, len(wanted), _CHUNK))
                for found in read_highlights(
                    s, tags, h.id.in_(chunk), h.document_id == document_id, h.version_id == current
                )
            ]

    @storage
    def highlight_counts(self, document_ids: Iterable[int]) -> dict[int, int]:
        """Return how many highlights each of these documents has."""
        wanted = list(set(document_ids))
        stmt = (
            select(HighlightRow.document_id, func.count())
            .where(HighlightRow.document_id.in_(wanted))
            .group_by(HighlightRow.document_id)
        )
        with self._sessions.begin() as s:
            return dict.fromkeys(wanted, 0) | dict(s.execute(stmt).all())

    @storage
    def orphans(self, document_id: int) -> list[Highlight]:
        """Return the highlights left on older editions (not found in the current one)."""
        with self._sessions.begin() as s:
            current = self._current_version_meta(s, document_id)
            return [h for h in self._document_highlights(s, document_id) if h.version_id != current]

    @storage
    def highlight(self, highlight_id: int) -> Highlight:
        """Return one highlight."""
        with self._sessions.begin() as s:
            return self._value(s, self._highlight_row(s, highlight_id))

    @storage
    def create_highlight(
        self, document_id: int, start: int, end: int, *, tags: Sequence[str] = (), note: str = ""
    ) -> Done[Highlight]:
        """Highlight `[start, end)` of the document's current text, with themes and a note.

        It is one transaction: a bad theme path leaves no highlight behind.

        Raises:
            StorageError: If the span is empty or outside the text.
            app.domain.tags.TagPathError: If a theme path is not valid.
        """
        paths = [parse_tag_path(t) for t in tags]
        with self.operations.record("", document_id) as op:
            s = op.session
            row = self._insert_highlight(s, document_id, start, end, note)
            op.label = f"Highlight “{excerpt(row.exact)}”"
            tag_ids: list[int] = []
            for names in paths:
                tag_id = ensure_path(s, names)[0]
                if tag_id not in tag_ids:
                    tag_ids.append(tag_id)
            row.tag_links = [HighlightTagRow(tag_id=t, position=i) for i, t in enumerate(tag_ids)]
            s.flush()
            value = self._value(s, row)
        return op.done(value)

    @storage
    def highlight_and_tag(self, document_id: int, start: int, end: int, path: str) -> Done[TagResult]:
        """Highlight `[start, end)` and tag it with the theme at `path`, in one transaction.

        Unlike `create_highlight`, it says which themes were made for the path.

        Raises:
            StorageError: If the span is empty or outside the text.
            app.domain.tags.TagPathError: If `path` is not a valid theme path.
        """
        names = parse_tag_path(path)
        with self.operations.record("", document_id) as op:
            s = op.session
            row = self._insert_highlight(s, document_id, start, end, "")
            tag_id, created_ids = ensure_path(s, names)
            row.tag_links = [HighlightTagRow(tag_id=tag_id, position=0)]
            s.flush()
            tags = self._all_tags(s)
            op.label = f"Highlight “{excerpt(row.exact)}” as {tags[tag_id].path}"
            result = TagResult(
                highlight=self._value(s, row, tags),
                tag=tags[tag_id],
                created=tuple(tags[i] for i in created_ids),
            )
        return op.done(result)

    def _insert_highlight(self, s: Session, document_id: int, start: int, end: int, note: str) -> HighlightRow:
        version = self._current_version_meta(s, document_id)
        text = self._version_text(s, version)
        try:
            quote = quote_of(text, start, end)
        except ValueError as exc:
            raise StorageError(f"Cannot highlight: {exc}.") from exc
        row = HighlightRow(
            document_id=document_id,
            version_id=version,
            made_on_version_id=version,
            start_offset=start,
            end_offset=end,
            exact=quote.exact,
            prefix=quote.prefix,
            suffix=quote.suffix,
            note=note,
        )
        s.add(row)
        s.flush()
        return row

    @storage
    def find_quote(self, document_id: int, quote: str, occurrence: int | None = None) -> tuple[int, int]:
        """Find a quote in a document's current text and return its span.

        The quote is normalised as texts are, so a quote typed with CRLF or decomposed
        accents still matches.

        Raises:
            NotFoundError: If the quote does not occur, or `occurrence` is out of range.
            AmbiguityError: If it occurs more than once and no `occurrence` is given.
        """
        wanted = normalise(quote)
        if not wanted:
            raise NotFoundError("The quote is empty.")
        with self._sessions.begin() as s:
            text = self._version_text(s, self._current_version_meta(s, document_id))
        starts: list[int] = []
        at = text.find(wanted)
        while at != -1:
            starts.append(at)
            at = text.find(wanted, at + 1)
        if not starts:
            raise NotFoundError(f"The quote “{excerpt(wanted, 60)}” does not occur in the document.")
        if occurrence is None:
            if len(starts) > 1:
                raise AmbiguityError(
                    f"The quote “{excerpt(wanted, 60)}” occurs {len(starts)} times; choose one with --occurrence 1 to "
                    f"{len(starts)}."
                )
            occurrence = 1
        if not 1 <= occurrence <= len(starts):
            raise NotFoundError(f"The quote occurs {len(starts)} times; there is no occurrence {occurrence}.")
        start = starts[occurrence - 1]
        return start, start + len(wanted)

    @storage
    def find_document(self, reference: str) -> DocumentSummary:
        """Find a document by id or by an unambiguous, case-insensitive title prefix.

        Raises:
            NotFoundError: If nothing matches.
            AmbiguityError: If several titles start with the prefix.
        """
        documents = self.list_documents()
        if reference.strip().isdigit():
            match = [d for d in documents if d.id == int(reference)]
        else:
            prefix = reference.strip().casefold()
            match = [d for d in documents if d.title.casefold().startswith(prefix)]
            exact = [d for d in match if d.title.casefold() == prefix]
            match = exact or match
        if not match:
            raise NotFoundError(f"No document matches “{reference}” (see: list).")
        if len(match) > 1:
            names = "; ".join(f"{d.id}: {d.title}" for d in match[:8])
            raise AmbiguityError(f"“{reference}” matches {len(match)} documents ({names}); give the id.")
        return match[0]

    @storage
    def delete_highlight(self, highlight_id: int) -> Done[Highlight]:
        """Delete a highlight; return it as it was."""
        with self.operations.record("") as op:
            s = op.session
            row = self._highlight_row(s, highlight_id)
            value = self._value(s, row)
            op.label, op.document_id = f"Delete highlight “{excerpt(row.exact)}”", row.document_id
            s.delete(row)
        return op.done(value)

    @storage
    def set_note(self, highlight_id: int, note: str) -> Done[Highlight]:
        """Replace a highlight's note; saves of one note made while typing are one step to undo."""
        with self.operations.record("Edit note") as op:
            s = op.session
            row = self._highlight_row(s, highlight_id)
            op.document_id, op.merge_key = row.document_id, f"note:{highlight_id}"
            if row.note != note:
                row.note = note
                row.updated_at = utcnow()
            value = self._value(s, row)
        return op.done(value)

    @storage
    def tags(self) -> list[Tag]:
        """Return every theme, sorted by path."""
        with self._sessions.begin() as s:
            return sorted(self._all_tags(s).values(), key=lambda t: t.path.casefold())

    @storage
    def tag_highlight(self, highlight_id: int, path: str) -> Done[TagResult]:
        """Apply the theme at `path` to a highlight (last), creating missing themes on the way.

        A theme the highlight already carries stays where it is.

        Raises:
            app.domain.tags.TagPathError: If `path` is not a valid theme path.
        """
        names = parse_tag_path(path)
        with self.operations.record(f"Tag with {'/'.join(names)}") as op:
            s = op.session
            row = self._highlight_row(s, highlight_id)
            op.document_id = row.document_id
            tag_id, created_ids = ensure_path(s, names)
            if all(link.tag_id != tag_id for link in row.tag_links):
                self._relink(s, row, [*row.tag_links, HighlightTagRow(tag_id=tag_id, position=0)])
            tags = self._all_tags(s)
            result = TagResult(
                highlight=self._value(s, row, tags),
                tag=tags[tag_id],
                created=tuple(tags[i] for i in created_ids),
            )
        return op.done(result)

    @storage
    def untag_highlight(self, highlight_id: int, tag_id: int) -> Done[Highlight]:
        """Remove a theme from a highlight."""
        with self.operations.record("Remove theme") as op:
            s = op.session
            row = self._highlight_row(s, highlight_id)
            tags = self._all_tags(s)
            if tag_id in tags:
                op.label = f"Remove theme {tags[tag_id].path}"
            op.document_id = row.document_id
            self._relink(s, row, [link for link in row.tag_links if link.tag_id != tag_id])
            value = self._value(s, row, tags)
        return op.done(value)

    @storage
    def prepare_edition(self, document_id: int, imported: ImportedText) -> EditionPlan:
        """Read what adding `imported` as the document's new edition needs.

        Raises:
            StorageError: If the new text is the current one.
        """
        digest = sha256_hex(imported.text)
        with self._sessions.begin() as s:
            current = self._current_version(s, document_id)
            if current.sha256 == digest:
                raise StorageError("The new edition has exactly the text of the current one.")
            highlights = self._document_highlights(s, document_id)
            groups = tuple(
                (
                    version_id,
                    self._version_text(s, version_id),
                    tuple(h for h in highlights if h.version_id == version_id),
                )
                for version_id in sorted({h.version_id for h in highlights})
            )
            return EditionPlan(
                document_id, current.number + 1, imported.text, digest, groups, imported.structure.to_json()
            )

    @storage
    def apply_edition(self, plan: EditionPlan, outcome: EditionOutcome) -> Done[EditionReport]:
        """Store the new edition and move every placed highlight onto it, in one transaction.

        Orphans stay on their old edition with their quote, themes and note.
        """
        with self.operations.record(f"New edition {plan.number}", plan.document_id) as op:
            s = op.session
            previous = self._current_version_meta(s, plan.document_id)
            version = VersionRow(
                document_id=plan.document_id,
                number=plan.number,
                text=plan.text,
                sha256=plan.sha256,
                structure=plan.structure,
                word_count=word_count(plan.text),
            )
            s.add(version)
            s.flush()
            rows = {
                r.id: r
                for r in s.execute(select(HighlightRow).where(HighlightRow.document_id == plan.document_id)).scalars()
            }
            items: list[PlacedHighlight] = []
            for h, span in outcome.results:
                row = rows.get(h.id)
                if row is None:
                    continue
                if span is None:
                    items.append(PlacedHighlight(h.id, Placement.ORPHANED, h.exact, ""))
                    continue
                quote = quote_of(plan.text, *span)
                if quote.exact != h.exact:
                    placement = Placement.APPROXIMATE
                elif span == (h.start, h.end) and h.version_id == previous:
                    placement = Placement.UNCHANGED
                else:
                    placement = Placement.MOVED
                row.version_id, row.start_offset, row.end_offset = version.id, span[0], span[1]
                row.exact, row.prefix, row.suffix = quote.exact, quote.prefix, quote.suffix
                row.review_from = h.exact if placement is Placement.APPROXIMATE else ""
                items.append(PlacedHighlight(h.id, placement, h.exact, quote.exact))
            report = EditionReport(plan.document_id, version.id, plan.number, version.created_at, tuple(items))
        return op.done(report)

    @storage
    def accept_placement(self, highlight_id: int) -> Done[Highlight]:
        """Accept where an approximately matched highlight was placed."""
        with self.operations.record("Accept placement") as op:
            s = op.session
            row = self._highlight_row(s, highlight_id)
            op.document_id = row.document_id
            row.review_from = ""
            value = self._value(s, row)
        return op.done(value)

    @storage
    def attach_highlight(self, highlight_id: int, start: int, end: int) -> Done[Highlight]:
        """Put a highlight (an orphan, or one placed wrongly) on `[start, end)` of the current edition."""
        with self.operations.record("Attach highlight") as op:
            s = op.session
            row = self._highlight_row(s, highlight_id)
            op.document_id = row.document_id
            version = self._current_version_meta(s, row.document_id)
            try:
                quote = quote_of(self._version_text(s, version), start, end)
            except ValueError as exc:
                raise StorageError(f"Cannot attach the highlight: {exc}.") from exc
            row.version_id, row.start_offset, row.end_offset = version, start, end
            row.exact, row.prefix, row.suffix, row.review_from = quote.exact, quote.prefix, quote.suffix, ""
            row.updated_at = utcnow()
            value = self._value(s, row)
        return op.done(value)

    @storage
    def versions(self, document_id: int) -> list[VersionSummary]:
        """Return a document's editions, oldest first."""
        with self._sessions.begin() as s:
            made = dict(
                s.execute(
                    select(HighlightRow.made_on_version_id, func.count())
                    .where(HighlightRow.document_id == document_id)
                    .group_by(HighlightRow.made_on_version_id)
                ).all()
            )
            rows = s.execute(
                select(
                    VersionRow.id,
                    VersionRow.number,
                    VersionRow.created_at,
                    VersionRow.sha256,
                    func.length(VersionRow.text),
                )
                .where(VersionRow.document_id == document_id)
                .order_by(VersionRow.number)
            ).all()
            last = rows[-1].number if rows else None
            return [
                VersionSummary(r.id, r.number, r.created_at, r.sha256, r[4], made.get(r.id, 0), r.number == last)
                for r in rows
            ]

    # Export and backup ------------------------------------------------------------

    @storage
    def export_set(
        self,
        *,
        document_ids: Sequence[int] | None = None,
        themes: Sequence[str] = (),
        highlight_ids: Sequence[int] | None = None,
        include_notes: bool = True,
        order: ExportOrder = ExportOrder.TEXT,
    ) -> ExportSet:
        """Gather what an export holds.

        Args:
            document_ids: The documents to export; None for the whole library (documents
                without a matching highlight are then left out).
            themes: Keep highlights carrying any of these themes or their sub-themes.
            highlight_ids: Keep only these highlights (the panel's current filter).
            include_notes: Whether notes are written.
            order: Text, theme or document order.

        Raises:
            NotFoundError: If a document or theme does not exist.
        """
        with self._sessions.begin() as s:
            tags = self._all_tags(s)
            wanted_tags = self._theme_ids(tags, themes)
            if document_ids is None:
                ids = list(s.execute(select(DocumentRow.id).order_by(DocumentRow.added_at, DocumentRow.id)).scalars())
            else:
                ids = list(document_ids)
            documents: list[ExportDocument] = []
            for doc_id in ids:
                doc = self._document_row(s, doc_id)
                highlights = [
                    h
                    for h in self._document_highlights(s, doc_id)
                    if (wanted_tags is None or any(t.id in wanted_tags for t in h.tags))
                    and (highlight_ids is None or h.id in highlight_ids)
                ]
                if not highlights and document_ids is None:
                    continue
                locators: dict[int, Locator] = {}
                for version_id in {h.version_id for h in highlights}:
                    structure = s.execute(select(VersionRow.structure).where(VersionRow.id == version_id)).scalar_one()
                    locators[version_id] = Locator(self._version_text(s, version_id), Structure.from_json(structure))
                documents.append(
                    ExportDocument(
                        id=doc.id,
                        title=doc.title,
                        author=doc.author,
                        source=doc.source,
                        highlights=tuple(highlights),
                        locations=tuple(locators[h.version_id].locate(h.start) for h in highlights),
                    )
                )
        return ExportSet(documents=tuple(documents), exported_at=utcnow(), include_notes=include_notes, order=order)

    @staticmethod
    def _theme_ids(tags: dict[int, Tag], paths: Sequence[str]) -> set[int] | None:
        if not paths:
            return None
        by_path = {t.path.casefold(): t for t in tags.values()}
        wanted: set[int] = set()
        for raw in paths:
            key = "/".join(parse_tag_path(raw)).casefold()
            if key not in by_path:
                raise NotFoundError(f"There is no theme “{raw}”.")
            root = by_path[key].path.casefold()
            wanted |= {
                t.id for t in tags.values() if t.path.casefold() == root or t.path.casefold().startswith(root + "/")
            }
        return wanted

    def render_export(self, export: ExportSet, fmt: ExportFormat, template: str | None = None) -> str:
        """Write an export in a format (Markdown with the default or a given template).

        Raises:
            app.domain.export.ExportTemplateError: If a template fails.
        """
        if fmt is ExportFormat.MARKDOWN:
            if template is None:
                return render_markdown(export, default_template(), trusted=True)
            return render_markdown(export, template)
        if fmt is ExportFormat.CSV:
            return render_csv(export)
        if fmt is ExportFormat.W3C:
            return render_w3c(export)
        return render_json(export, self._theme_records(export))

    def _theme_records(self, export: ExportSet) -> list[dict[str, Any]]:
        """The themes an export uses, with their ancestors, parents first."""
        tags = {t.id: t for t in self.tags()}
        used = {t.id for d in export.documents for h in d.highlights for t in h.tags}
        keep: set[int] = set()
        for tag_id in used:
            current: int | None = tag_id
            while current is not None and current not in keep:
                keep.add(current)
                current = tags[current].parent_id
        return [
            {
                "path": t.path,
                "name": t.name,
                "parent": tags[t.parent_id].path if t.parent_id else None,
                "colour": t.colour,
            }
            for t in sorted((tags[i] for i in keep), key=lambda t: (t.path.count("/"), t.path.casefold()))
        ]

    def snippet(self, highlight_id: int) -> str:
        """One highlight as a Markdown snippet (quote, block id, citation, tags, note)."""
        h = self.highlight(highlight_id)
        [doc] = self.export_set(document_ids=[h.document_id], highlight_ids=[h.id]).documents
        return snippet(h, doc.locations[0], doc.title)

    @storage
    def backup_json(self) -> dict[str, Any]:
        """Return the whole library as JSON values (see `app.services.backup`)."""
        with self._sessions.begin() as s:
            return dump_library(s, utcnow())

    @storage
    def restore_json(self, data: object) -> Done[tuple[int, int, int]]:
        """Restore a JSON backup into this (empty) library; return the counts restored.

        Raises:
            RestoreError: If the data is not a valid backup or the library is not empty;
                nothing is changed.
        """
        try:
            with self.operations.record("Restore a JSON backup") as op:
                counts = load_library(op.session, data)
        except IntegrityError as exc:
            raise RestoreError(f"its records contradict each other ({exc.orig}); the file is damaged") from exc
        return op.done(counts)

    # Helpers ---------------------------------------------------------------------

    @staticmethod
    def _relink(s: Session, row: HighlightRow, links: list[HighlightTagRow]) -> None:
        """Replace a highlight's tag links, numbering their positions in order."""
        keep = {link.tag_id for link in links}
        for old in list(row.tag_links):
            if old.tag_id not in keep:
                row.tag_links.remove(old)
        s.flush()
        by_tag = {link.tag_id: link for link in row.tag_links}
        ordered = [by_tag.get(link.tag_id, link) for link in links]
        for i, link in enumerate(ordered):
            link.position = i
        row.tag_links = ordered
        row.updated_at = utcnow()
        s.flush()

    @staticmethod
    def _all_tags(s: Session) -> dict[int, Tag]:
        return all_tags(s)

    def _document_highlights(self, s: Session, document_id: int, version_id: int | None = None) -> list[Highlight]:
        """A document's highlights in text order (of one version, if given)."""
        h = HighlightRow.__table__.c
        conditions = [h.document_id == document_id]
        if version_id is not None:
            conditions.append(h.version_id == version_id)
        return read_highlights(s, all_tags(s), *conditions)

    def _value(self, s: Session, row: HighlightRow, tags: dict[int, Tag] | None = None) -> Highlight:
        tags = self._all_tags(s) if tags is None else tags
        return self._make_value(row, tuple(tags[link.tag_id] for link in row.tag_links))

    @staticmethod
    def _make_value(row: HighlightRow, tags: tuple[Tag, ...]) -> Highlight:
        return Highlight(
            id=row.id,
            document_id=row.document_id,
            version_id=row.version_id,
            start=row.start_offset,
            end=row.end_offset,
            exact=row.exact,
            prefix=row.prefix,
            suffix=row.suffix,
            note=row.note,
            tags=tags,
            created_at=row.created_at,
            updated_at=row.updated_at,
            made_on_version_id=row.made_on_version_id,
            review_from=row.review_from,
        )

    @staticmethod
    def _summary(s: Session, doc: DocumentRow) -> DocumentSummary:
        count = s.execute(select(func.count()).where(HighlightRow.document_id == doc.id)).scalar_one()
        return summary_of(doc, count, doc.versions[-1].word_count if doc.versions else 0)

    @staticmethod
    def _document_row(s: Session, document_id: int) -> DocumentRow:
        doc = s.get(DocumentRow, document_id)
        if doc is None:
            raise NotFoundError(f"There is no document {document_id} in the library.")
        return doc

    @staticmethod
    def _highlight_row(s: Session, highlight_id: int) -> HighlightRow:
        row = s.get(HighlightRow, highlight_id)
        if row is None:
            raise NotFoundError(f"There is no highlight {highlight_id} in the library.")
        return row

    def _current_version(self, s: Session, document_id: int) -> VersionRow:
        version = s.execute(
            select(VersionRow).where(VersionRow.document_id == document_id).order_by(VersionRow.number.desc()).limit(1)
        ).scalar_one_or_none()
        if version is None:
            raise NotFoundError(f"There is no document {document_id} in the library.")
        return version

    def _current_version_meta(self, s: Session, document_id: int) -> int:
        version_id = s.execute(
            select(VersionRow.id)
            .where(VersionRow.document_id == document_id)
            .order_by(VersionRow.number.desc())
            .limit(1)
        ).scalar_one_or_none()
        if version_id is None:
            raise NotFoundError(f"There is no document {document_id} in the library.")
        return version_id

    def _version_text(self, s: Session, version_id: int) -> str:
        digest = s.execute(select(VersionRow.sha256).where(VersionRow.id == version_id)).scalar_one()
        if self._text_cache is None or self._text_cache[:2] != (version_id, digest):
            text = s.execute(select(VersionRow.text).where(VersionRow.id == version_id)).scalar_one()
            self._text_cache = (version_id, digest, text)
        return self._text_cache[2]


def default_template() -> str:
    """Return the bundled default Markdown export template."""
    return MARKDOWN_TEMPLATE.read_text(encoding="utf-8")
