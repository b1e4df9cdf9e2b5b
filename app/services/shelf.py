"""Managing documents on the library shelf: their properties, deleting and restoring them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.domain.structure import tidy
from app.domain.values import DocumentProperties
from app.services.errors import NotFoundError, StorageError, storage
from app.services.part import LibraryPart
from db.models import Base, DocumentRow, HighlightRow, HighlightTagRow, TagRow, VersionRow

_Row = dict[str, Any]


class PropertiesError(StorageError):
    """Document properties that cannot be stored (an empty title); nothing changed."""


@dataclass(frozen=True, slots=True)
class DocumentSnapshot:
    """Every stored row of one deleted document, to put it back exactly (its undo).

    Attributes:
        document: The document row's columns.
        versions: Its editions' rows.
        highlights: Its highlights' rows.
        links: The theme links of those highlights, in order.
    """

    document: _Row
    versions: tuple[_Row, ...]
    highlights: tuple[_Row, ...]
    links: tuple[_Row, ...]

    @property
    def title(self) -> str:
        """The deleted document's title."""
        return str(self.document["title"])

    @property
    def highlight_count(self) -> int:
        """How many highlights went with it."""
        return len(self.highlights)


def _columns(row: Base) -> _Row:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


class Shelf(LibraryPart):
    """Document-level use cases over one library; each public method is one transaction."""

    @storage
    def properties(self, document_id: int) -> DocumentProperties:
        """Return a document's editable properties."""
        with self._sessions.begin() as s:
            doc = _document(s, document_id)
            return DocumentProperties(title=doc.title, author=doc.author, date=doc.date, source=doc.source)

    @storage
    def set_properties(self, document_id: int, properties: DocumentProperties) -> DocumentProperties:
        """Store new properties and return the previous ones (for undo).

        Raises:
            PropertiesError: If the title is empty; nothing is changed.
        """
        title = tidy(properties.title)
        if not title:
            raise PropertiesError("A document needs a title.")
        with self._sessions.begin() as s:
            doc = _document(s, document_id)
            before = DocumentProperties(title=doc.title, author=doc.author, date=doc.date, source=doc.source)
            doc.title, doc.author = title, tidy(properties.author)
            doc.date, doc.source = tidy(properties.date), properties.source.strip()
            return before

    @storage
    def delete(self, document_id: int) -> DocumentSnapshot:
        """Delete a document with its editions and highlights; return what `restore` needs."""
        with self._sessions.begin() as s:
            doc = _document(s, document_id)
            versions = s.execute(select(VersionRow).where(VersionRow.document_id == document_id)).scalars()
            highlights = list(s.execute(select(HighlightRow).where(HighlightRow.document_id == document_id)).scalars())
            ids = [h.id for h in highlights]
            links = s.execute(
                select(HighlightTagRow)
                .where(HighlightTagRow.highlight_id.in_(ids))
                .order_by(HighlightTagRow.highlight_id, HighlightTagRow.position)
            ).scalars()
            snapshot = DocumentSnapshot(
                document=_columns(doc),
                versions=tuple(_columns(v) for v in versions),
                highlights=tuple(_columns(h) for h in highlights),
                links=tuple(_columns(link) for link in links),
            )
            # Foreign keys cascade from the document to everything below it.
            s.execute(delete(DocumentRow).where(DocumentRow.id == document_id))
            return snapshot

    @storage
    def restore(self, snapshot: DocumentSnapshot) -> None:
        """Put a deleted document back with the same ids, editions, highlights and themes.

        A theme deleted since then is left off the highlights that carried it.
        """
        with self._sessions.begin() as s:
            s.add(DocumentRow(**snapshot.document))
            s.flush()
            s.add_all(VersionRow(**v) for v in snapshot.versions)
            s.flush()
            s.add_all(HighlightRow(**h) for h in snapshot.highlights)
            s.flush()
            tags = set(s.execute(select(TagRow.id)).scalars())
            s.add_all(HighlightTagRow(**link) for link in snapshot.links if link["tag_id"] in tags)


def _document(s: Session, document_id: int) -> DocumentRow:
    doc = s.get(DocumentRow, document_id)
    if doc is None:
        raise NotFoundError(f"There is no document {document_id} in the library.")
    return doc
