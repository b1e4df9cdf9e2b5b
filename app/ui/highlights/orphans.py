"""The orphans: highlights not found in the current edition, each waiting to be attached again."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QWidget

from app.domain.text import excerpt
from app.domain.values import Highlight
from app.ui.highlights.fields import TAG_ROLE


class OrphanList(QListWidget):
    """Lists the orphans under a header of its own; both are hidden while there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Make the list and its header (the panel lays out both)."""
        super().__init__(parent)
        self.header = QLabel("Orphans")
        self.setObjectName("orphanList")
        self.setAccessibleName("Orphans")
        self.setAccessibleDescription(
            "Highlights not found in the current edition. Choose one, select its passage in the text, press A."
        )
        self.setMaximumHeight(110)
        self.setWordWrap(True)
        self.set_orphans([])

    def set_orphans(self, orphans: list[Highlight]) -> None:
        """Show the highlights left on older editions, with their themes and notes."""
        self.clear()
        for h in orphans:
            tags = "  ".join(f"#{t.path}" for t in h.tags)
            note = f"✎ {excerpt(h.note, 80)}" if h.note.strip() else ""
            lines = [f"“{excerpt(h.exact, 90)}”", *(part for part in (tags, note) if part)]
            item = QListWidgetItem("\n".join(lines))
            item.setData(TAG_ROLE, h)
            self.addItem(item)
        self.header.setText(f"Orphans ({len(orphans)}): select a passage, choose one, press A")
        for widget in (self.header, self):
            widget.setVisible(bool(orphans))

    def selected_orphan(self) -> Highlight | None:
        """Return the orphan chosen in the list."""
        item = self.currentItem()
        value = item.data(TAG_ROLE) if item is not None else None
        return value if isinstance(value, Highlight) else None
