"""The highlight list: one row per highlight of the open document, in text order."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel

from app.domain.tags import UNTAGGED_COLOUR
from app.domain.text import excerpt
from app.domain.values import Highlight
from app.ui.common.roles import ID_ROLE
from app.ui.desk.store import HighlightStore, text_order

QUOTE_ROLE = Qt.ItemDataRole.UserRole + 10
TAGS_ROLE = Qt.ItemDataRole.UserRole + 11
NOTE_ROLE = Qt.ItemDataRole.UserRole + 12
EXCERPT_CHARS = 140
NOTE_EXCERPT_CHARS = 90

_Index = QModelIndex | QPersistentModelIndex


class HighlightListModel(QStandardItemModel):
    """The highlight panel: one row per highlight in text order, updated in place.

    Rows live in C++ items holding only the display text and the highlight id; the other
    roles are computed on request from the open document's store, which holds the
    highlights (this model keeps only where each row is). A pure Python model made the
    view call into Python once per row (rowCount through index()) on every insertion,
    about 20 ms at 10,000 highlights; this way an insertion costs a few milliseconds.
    """

    def __init__(self, store: HighlightStore) -> None:
        """Start empty, showing highlights of `store`."""
        super().__init__(0, 1)
        self._store = store
        self._key_of: dict[int, tuple[int, int, int]] = {}
        self._keys: list[tuple[int, int, int]] = []

    def set_highlights(self, highlights: list[Highlight]) -> None:
        """Replace every row (the list is sorted here)."""
        ordered = sorted(highlights, key=text_order)
        self._keys = [text_order(h) for h in ordered]
        self._key_of = {key[2]: key for key in self._keys}
        # The column stays: inserting rows into a model with no column makes Qt insert
        # the column in the middle of the row insertion, which views must not see.
        self.removeRows(0, self.rowCount())
        self.invisibleRootItem().appendRows([_item(h) for h in ordered])

    def add(self, highlight: Highlight) -> int:
        """Insert a highlight at its place in text order; return its row."""
        key = text_order(highlight)
        row = bisect_left(self._keys, key)
        self._key_of[highlight.id] = key
        self._keys.insert(row, key)
        self.insertRow(row, _item(highlight))
        return row

    def update(self, highlight: Highlight) -> None:
        """Refresh the row of a changed highlight (moved to its new place if its span changed)."""
        row = self.row_of(highlight.id)
        if row is None:
            return
        if self._keys[row] != text_order(highlight):
            self.remove(highlight.id)
            self.add(highlight)
            return
        item = self.item(row)
        if item is not None:
            item.setText(_display(highlight))  # emits dataChanged for the row, every role

    def remove(self, highlight_id: int) -> None:
        """Remove a highlight's row."""
        row = self.row_of(highlight_id)
        if row is not None:
            del self._keys[row]
            del self._key_of[highlight_id]
            self.removeRow(row)

    def row_of(self, highlight_id: int) -> int | None:
        """Return the row of a highlight, if it is shown."""
        key = self._key_of.get(highlight_id)
        if key is None:
            return None
        row = bisect_left(self._keys, key)
        return row if row < len(self._keys) and self._keys[row] == key else None

    def highlight_at(self, row: int) -> Highlight:
        """Return the highlight shown in `row` (the store holds every shown one)."""
        # The row's own id, not the key list: while Qt inserts or removes a row, views
        # ask about rows numbered as the items stand, which the keys may not yet match.
        highlight = self._store.get(self.index(row, 0).data(ID_ROLE))
        if highlight is None:
            raise LookupError(f"Row {row} shows a highlight that is no longer in the open document.")
        return highlight

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401 - Qt role data
        """Return the display text, tooltip, colour, parts for the delegate, or the id."""
        if role in (Qt.ItemDataRole.DisplayRole, ID_ROLE) or not index.isValid():
            return super().data(index, role)
        highlight = self._store.get(super().data(index, ID_ROLE))
        if highlight is None:
            return None
        h = highlight
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            tags = ", ".join(t.path for t in h.tags) or "no themes"
            note = f"; note: {h.note}" if h.note.strip() else ""
            return f"{h.exact} ({tags}){note}"
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(h.colour or UNTAGGED_COLOUR)
        if role == QUOTE_ROLE:
            return f"“{excerpt(h.exact, EXCERPT_CHARS)}”"
        if role == TAGS_ROLE:
            return "  ".join(f"#{t.path}" for t in h.tags)
        if role == NOTE_ROLE:
            return excerpt(h.note, NOTE_EXCERPT_CHARS)
        return super().data(index, role)


def _display(h: Highlight) -> str:
    lines = [f"“{excerpt(h.exact, EXCERPT_CHARS)}”"]
    if h.tags:
        lines.append("  ".join(f"#{t.path}" for t in h.tags))
    if h.note.strip():
        lines.append(f"✎ {excerpt(h.note, NOTE_EXCERPT_CHARS)}")
    return "\n".join(lines)


# A row can be chosen and dragged, not edited or dropped on: set in one call, which at
# 100,000 rows is a fifth of a second less than two.
_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsDragEnabled


def _item(h: Highlight) -> QStandardItem:
    item = QStandardItem(_display(h))
    item.setData(h.id, ID_ROLE)
    item.setFlags(_FLAGS)
    return item
