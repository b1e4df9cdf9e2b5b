"""Managing documents on the library shelf: their properties, and deleting them."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from app.domain.changes import Done
from app.domain.structure import tidy
from app.domain.text import excerpt
from app.domain.values import DocumentProperties, DocumentSummary
from app.services.errors import StorageError, storage
from app.services.operations import RecordedPart
from app.services.queries import existing, summary_of
from db.models import DocumentRow, HighlightRow


class PropertiesError(StorageError):
    """Document properties that cannot be stored (an empty title); nothing changed."""


class Shelf(RecordedPart):
    """Document-level use cases over one library; each public method is one transaction."""

    @storage
    def properties(self, document_id: int) -> DocumentProperties:
        """Return a document's editable properties."""
        with self._sessions.begin() as s:
            doc = existing(s, DocumentRow, document_id, "document")
            return DocumentProperties(title=doc.title, author=doc.author, date=doc.date, source=doc.source)

    @storage
    def set_properties(self, document_id: int, properties: DocumentProperties) -> Done[DocumentProperties]:
        """Store new properties and return them as stored.

        Raises:
            PropertiesError: If the title is empty; nothing is changed.
        """
        title = tidy(properties.title)
        if not title:
            raise PropertiesError("A document needs a title.")
        with self._operations.record("", document_id) as op:
            doc = existing(op.session, DocumentRow, document_id, "document")
            doc.title, doc.author = title, tidy(properties.author)
            doc.date, doc.source = tidy(properties.date), properties.source.strip()
            op.label = f"Edit properties of “{excerpt(title)}”"
            stored = DocumentProperties(title=doc.title, author=doc.author, date=doc.date, source=doc.source)
        return op.done(stored)

    @storage
    def delete(self, document_id: int) -> Done[DocumentSummary]:
        """Delete a document with its editions and highlights; return it as it was."""
        with self._operations.record("", document_id) as op:
            s = op.session
            doc = existing(s, DocumentRow, document_id, "document")
            count = s.execute(select(func.count()).where(HighlightRow.document_id == document_id)).scalar_one()
            summary = summary_of(doc, count, 0)
            op.label = f"Delete “{excerpt(doc.title)}”"
            # Foreign keys cascade from the document to everything below it.
            s.execute(delete(DocumentRow).where(DocumentRow.id == document_id))
        return op.done(summary)
