"""Documents: listing, importing, opening, finding a document or a quote in it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select, update

from app.domain.changes import Done
from app.domain.structure import Structure
from app.domain.text import excerpt, normalise, sha256_hex, word_count
from app.domain.values import Document, DocumentSummary
from app.importers import ImportedText, Progress, import_file
from app.resources import SAMPLE_AUTHOR, SAMPLE_SOURCE, SAMPLE_TEXT, SAMPLE_TITLE
from app.services.base import ServiceBase
from app.services.errors import AmbiguityError, NotFoundError, storage
from app.services.queries import summary_of
from db import places
from db.models import DocumentRow, HighlightRow, VersionRow, utcnow


class Documents(ServiceBase):
    """The document use cases of the library service."""

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
            position = doc.reading_position
            if self.is_shared:
                # Where each member is, is their own (db.places); the document's row is the group's.
                conn = s.connection()
                position = places.opened(conn, document_id) if mark_opened else places.place(conn, document_id)
            elif mark_opened and self.read_only is None:
                doc.last_opened_at = utcnow()
            version = self._current_version(s, document_id)
            self._text_read = (version.id, version.text)
            return Document(
                id=doc.id,
                title=doc.title,
                author=doc.author,
                source=doc.source,
                version_id=version.id,
                text=version.text,
                sha256=version.sha256,
                reading_position=position,
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
            if self.is_shared:
                return places.last_opened(s.connection())
            return s.execute(stmt.limit(1)).scalar_one_or_none()

    @storage
    def set_reading_position(self, document_id: int, position: int) -> None:
        """Remember where the reader is in a document (a code-point offset); not in a read-only library."""
        if self.read_only is not None:
            return
        with self._sessions.begin() as s:
            if self.is_shared:
                places.set_place(s.connection(), document_id, position)
                return
            s.execute(update(DocumentRow).where(DocumentRow.id == document_id).values(reading_position=position))

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
