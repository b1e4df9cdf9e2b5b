"""Qt item models over the library's documents and the open document's highlights."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.domain.tags import UNTAGGED_COLOUR
from app.domain.values import DocumentSummary, Highlight

ID_ROLE = Qt.ItemDataRole.UserRole + 1
EXCERPT_CHARS = 140
NOTE_EXCERPT_CHARS = 90

_Index = QModelIndex | QPersistentModelIndex


def excerpt(text: str, limit: int) -> str:
    """Flatten white space and cut `text` to `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class DocumentListModel(QAbstractListModel):
    """The library list: title, author and highlight count of each document."""

    def __init__(self) -> None:
        """Start empty."""
        super().__init__()
        self._rows: list[DocumentSummary] = []

    def set_documents(self, documents: list[DocumentSummary]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._rows = list(documents)
        self.endResetModel()

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
        byline = " · ".join(part for part in (doc.author, count) if part)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{doc.title}\n{byline}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{doc.title}, {byline}"
        if role == ID_ROLE:
            return doc.id
        return None


class HighlightListModel(QAbstractListModel):
    """The highlight panel: one row per highlight in text order, updated in place."""

    def __init__(self) -> None:
        """Start empty."""
        super().__init__()
        self._rows: list[Highlight] = []
        self._keys: list[tuple[int, int, int]] = []

    def set_highlights(self, highlights: list[Highlight]) -> None:
        """Replace every row (the list is sorted here)."""
        self.beginResetModel()
        self._rows = sorted(highlights, key=_key)
        self._keys = [_key(h) for h in self._rows]
        self.endResetModel()

    def add(self, highlight: Highlight) -> int:
        """Insert a highlight at its place in text order; return its row."""
        row = bisect_left(self._keys, _key(highlight))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, highlight)
        self._keys.insert(row, _key(highlight))
        self.endInsertRows()
        return row

    def update(self, highlight: Highlight) -> None:
        """Refresh the row of a changed highlight (its span never changes)."""
        row = self.row_of(highlight.id)
        if row is not None:
            self._rows[row] = highlight
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def remove(self, highlight_id: int) -> None:
        """Remove a highlight's row."""
        row = self.row_of(highlight_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            del self._keys[row]
            self.endRemoveRows()

    def row_of(self, highlight_id: int) -> int | None:
        """Return the row of a highlight, if it is shown."""
        return next((i for i, h in enumerate(self._rows) if h.id == highlight_id), None)

    def highlight_at(self, row: int) -> Highlight:
        """Return the highlight shown in `row`."""
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        """Return the number of highlights (a flat list has no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401 - Qt role data
        """Return the quote excerpt with tags and note, its colour, or its id."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        h = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            lines = [f"“{excerpt(h.exact, EXCERPT_CHARS)}”"]
            if h.tags:
                lines.append("  ".join(f"#{t.path}" for t in h.tags))
            if h.note.strip():
                lines.append(f"✎ {excerpt(h.note, NOTE_EXCERPT_CHARS)}")
            return "\n".join(lines)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            tags = ", ".join(t.path for t in h.tags) or "no themes"
            note = f"; note: {h.note}" if h.note.strip() else ""
            return f"{h.exact} ({tags}){note}"
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(h.colour or UNTAGGED_COLOUR)
        if role == ID_ROLE:
            return h.id
        return None


def _key(h: Highlight) -> tuple[int, int, int]:
    return (h.start, h.end, h.id)
