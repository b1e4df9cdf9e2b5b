"""The highlight list: one row per highlight of the open document, in text order."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtGui import QColor

from app.domain.tags import UNTAGGED_COLOUR
from app.domain.text import excerpt
from app.domain.values import Highlight
from app.ui.common.roles import ID_ROLE
from app.ui.desk.store import HighlightStore, text_order

QUOTE_ROLE = Qt.ItemDataRole.UserRole + 10
TAGS_ROLE = Qt.ItemDataRole.UserRole + 11
NOTE_ROLE = Qt.ItemDataRole.UserRole + 12
AUTHOR_ROLE = Qt.ItemDataRole.UserRole + 13  # who made it, when several people highlighted the document; else ""
EXCERPT_CHARS = 140
NOTE_EXCERPT_CHARS = 90

_Index = QModelIndex | QPersistentModelIndex


class HighlightListModel(QStringListModel):
    """The highlight panel: one row per highlight in text order, updated in place.

    The rows are kept in C++ (a string list holding each row's highlight id), so that the
    view never calls into Python to count or index them: a pure Python model made it do
    so once per row on every insertion. Everything shown is computed on request, for the
    rows on screen, from the open document's store, which holds the highlights: opening a
    document of 100,000 highlights no longer builds 100,000 rows' texts. (`flags` is left
    to C++ too: the view asks it of every row after each insertion.) The list it is shown
    in does not edit.
    """

    def __init__(self, store: HighlightStore) -> None:
        """Start empty, showing highlights of `store`."""
        super().__init__()
        self._store = store
        self._key_of: dict[int, tuple[int, int, int]] = {}
        self._keys: list[tuple[int, int, int]] = []

    def set_highlights(self, highlights: list[Highlight]) -> None:
        """Replace every row (the list is sorted here)."""
        ordered = sorted(highlights, key=text_order)
        self._keys = [text_order(h) for h in ordered]
        self._key_of = {key[2]: key for key in self._keys}
        self.setStringList([str(h.id) for h in ordered])

    def add(self, highlight: Highlight) -> int:
        """Insert a highlight at its place in text order; return its row."""
        key = text_order(highlight)
        row = bisect_left(self._keys, key)
        self._key_of[highlight.id] = key
        self._keys.insert(row, key)
        self.insertRows(row, 1)
        super().setData(self.index(row, 0), str(highlight.id), Qt.ItemDataRole.EditRole)
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
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)

    def remove(self, highlight_id: int) -> None:
        """Remove a highlight's row."""
        row = self.row_of(highlight_id)
        if row is not None:
            del self._keys[row]
            del self._key_of[highlight_id]
            self.removeRows(row, 1)

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
        # ask about rows numbered as the rows stand, which the keys may not yet match.
        highlight = self._store.get(self.index(row, 0).data(ID_ROLE))
        if highlight is None:
            raise LookupError(f"Row {row} shows a highlight that is no longer in the open document.")
        return highlight

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401 - Qt role data
        """Return the id, the display text, tooltip, colour, or the parts the delegate paints."""
        stored = super().data(index, Qt.ItemDataRole.EditRole) if index.isValid() else None
        if not stored:
            return None
        if role == ID_ROLE:
            return int(stored)
        h = self._store.get(int(stored))
        if h is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(h)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            tags = ", ".join(t.path for t in h.tags) or "no themes"
            note = f"; {'private ' if h.private else ''}note: {h.note}" if h.note.strip() else ""
            by = f"; by {h.author}" if h.author and self._store.shared() else ""
            return f"{h.exact} ({tags}){note}{by}"
        if role == AUTHOR_ROLE:
            return h.author if self._store.shared() else ""
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(h.colour or UNTAGGED_COLOUR)
        if role == QUOTE_ROLE:
            return f"“{excerpt(h.exact, EXCERPT_CHARS)}”"
        if role == TAGS_ROLE:
            return "  ".join(f"#{t.path}" for t in h.tags)
        if role == NOTE_ROLE:
            return _note_line(h)
        return None


def _display(h: Highlight) -> str:
    lines = [f"“{excerpt(h.exact, EXCERPT_CHARS)}”"]
    if h.tags:
        lines.append("  ".join(f"#{t.path}" for t in h.tags))
    if h.note.strip():
        lines.append(f"✎ {_note_line(h)}")
    return "\n".join(lines)


def _note_line(h: Highlight) -> str:
    """A note's first words, marked when it is private (its author's alone)."""
    return ("(private) " if h.private else "") + excerpt(h.note, NOTE_EXCERPT_CHARS)
