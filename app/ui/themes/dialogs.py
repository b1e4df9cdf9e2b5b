"""Dialogs of the codebook: a theme's passages across the library, and splitting a theme."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.text import excerpt
from app.domain.values import DocumentSummary, Highlight, Tag

ID_ROLE = Qt.ItemDataRole.UserRole + 1
DOC_ROLE = Qt.ItemDataRole.UserRole + 2


class PassagesDialog(QDialog):
    """Every passage under a theme, grouped by document; Enter or a double click goes there."""

    open_requested = Signal(int, int)  # document id, highlight id

    def __init__(
        self, tag: Tag, groups: list[tuple[DocumentSummary, list[Highlight]]], parent: QWidget | None = None
    ) -> None:
        """Show the passages of `tag` (sub-themes included)."""
        super().__init__(parent)
        total = sum(len(hs) for _, hs in groups)
        self.setWindowTitle(f"#{tag.path}: {total} passage{'s' if total != 1 else ''}")
        self.tree = QTreeWidget()
        self.tree.setObjectName("passageTree")
        self.tree.setAccessibleName(f"Passages under {tag.path}")
        self.tree.setAccessibleDescription("Grouped by document. Enter opens the passage in the reader.")
        self.tree.setHeaderLabels(["Passage", "Themes"])
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        for document, highlights in groups:
            top = QTreeWidgetItem([f"{document.title} ({len(highlights)})", document.author])
            top.setData(0, DOC_ROLE, document.id)
            for h in highlights:
                item = QTreeWidgetItem([f"“{excerpt(h.exact, 160)}”", "  ".join(f"#{t.path}" for t in h.tags)])
                item.setData(0, ID_ROLE, h.id)
                item.setData(0, DOC_ROLE, document.id)
                item.setToolTip(0, h.exact + (f"\n\n{h.note}" if h.note else ""))
                top.addChild(item)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        self.tree.setColumnWidth(0, 520)
        self.tree.itemActivated.connect(self._on_activated)
        first = self.tree.topLevelItem(0)
        passage = first.child(0) if first is not None else None
        if passage is not None:
            self.tree.setCurrentItem(passage)
        buttons = QDialogButtonBox()
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(820, 520)

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        highlight_id, document_id = item.data(0, ID_ROLE), item.data(0, DOC_ROLE)
        if isinstance(highlight_id, int) and isinstance(document_id, int):
            self.open_requested.emit(document_id, highlight_id)


class SplitDialog(QDialog):
    """Choose the highlights of a theme that move to a new theme, and name it."""

    def __init__(self, tag: Tag, highlights: list[Highlight], parent: QWidget | None = None) -> None:
        """Offer every highlight carrying `tag` itself, none ticked."""
        super().__init__(parent)
        self.setWindowTitle(f"Split #{tag.path}")
        label = QLabel("Tick the highlights that move to the new theme (Space ticks):")
        self.list = QListWidget()
        self.list.setObjectName("splitList")
        self.list.setAccessibleName("Highlights to move")
        for h in highlights:
            item = QListWidgetItem(f"“{excerpt(h.exact, 140)}”")
            item.setData(ID_ROLE, h.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        path_label = QLabel("&New theme:")
        self.path = QLineEdit(f"{tag.path}/")
        self.path.setAccessibleName("New theme")
        path_label.setBuddy(self.path)
        self.buttons = QDialogButtonBox()
        self.buttons.addButton("&Split", QDialogButtonBox.ButtonRole.AcceptRole).setAccessibleName("Split")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (label, self.list, path_label, self.path, self.buttons):
            layout.addWidget(widget)
        self.resize(620, 460)

    def chosen(self) -> list[int]:
        """Return the ids of the ticked highlights."""
        items = (self.list.item(i) for i in range(self.list.count()))
        return [int(item.data(ID_ROLE)) for item in items if item.checkState() == Qt.CheckState.Checked]
