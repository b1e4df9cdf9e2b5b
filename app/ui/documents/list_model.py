"""The library list: one row per document."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.values import DocumentSummary
from app.ui.common.roles import ID_ROLE

_Index = QModelIndex | QPersistentModelIndex


# How each importer's format is named in the library list.
FORMAT_LABELS = {
    "text": "Text",
    "markdown": "Markdown",
    "html": "Web page",
    "epub": "EPUB",
    "pdf": "PDF",
    "docx": "Word",
    "odt": "OpenDocument",
    "pasted": "Pasted",
}


class DocumentListModel(QAbstractListModel):
    """The library list: title, author, format, words, highlights and date added."""

    def __init__(self) -> None:
        """Start empty."""
        super().__init__()
        self._rows: list[DocumentSummary] = []

    def set_documents(self, documents: list[DocumentSummary]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._rows = list(documents)
        self.endResetModel()

    def set_count(self, document_id: int, count: int) -> None:
        """Show a document's new highlight count (highlights were made or removed)."""
        row = self.row_of(document_id)
        if row is not None:
            self._rows[row] = replace(self._rows[row], highlight_count=count)
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def row_of(self, document_id: int) -> int | None:
        """Return the row showing a document, if any."""
        return next((i for i, d in enumerate(self._rows) if d.id == document_id), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        """Return the number of documents (a flat list has no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401 - Qt role data
        """Return the display text, tooltip, accessible text or id of a document."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        doc = self._rows[index.row()]
        count = f"{doc.highlight_count} highlight{'s' if doc.highlight_count != 1 else ''}"
        words = f"{doc.word_count:,} word{'s' if doc.word_count != 1 else ''}"
        kind = FORMAT_LABELS.get(doc.format, doc.format)
        added = f"added {doc.added_at.replace(tzinfo=UTC).astimezone():%Y-%m-%d}"  # stored in UTC
        byline = " · ".join(part for part in (doc.author, kind, words, count, added) if part)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{doc.title}\n{byline}"
        if role == Qt.ItemDataRole.ToolTipRole:
            dated = f"\nDate: {doc.date}" if doc.date else ""
            source = f"\nSource: {doc.source}" if doc.source else ""
            return f"{doc.title}\n{byline}{dated}{source}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{doc.title}, {byline}"
        if role == ID_ROLE:
            return doc.id
        return None
