"""The outline: the open document's headings as a tree; activating one jumps there."""

from __future__ import annotations

from bisect import bisect_right

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView

from app.domain.structure import Structure

START_ROLE = Qt.ItemDataRole.UserRole + 1


class OutlineView(QTreeView):
    """Headings nested by level, with the page each starts on when the text has pages."""

    position_requested = Signal(int)  # a code-point offset in the text

    def __init__(self) -> None:
        """Start empty."""
        super().__init__()
        self.setObjectName("outline")
        self.setAccessibleName("Outline")
        self.setAccessibleDescription("The document's headings. Enter or a click goes to one.")
        self.model_ = QStandardItemModel(self)
        self.setModel(self.model_)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformRowHeights(True)
        self.header().setStretchLastSection(False)
        self.activated.connect(self._on_activated)
        self.clicked.connect(self._on_activated)
        self.set_structure(Structure())

    def set_structure(self, structure: Structure) -> None:
        """Show the headings of `structure` (an empty outline says there are none)."""
        self.model_.clear()
        self._starts: list[int] = []
        self._items: list[QStandardItem] = []
        with_pages = bool(structure.pages)
        self.setHeaderHidden(not with_pages)
        self.model_.setHorizontalHeaderLabels(["Heading", "Page"] if with_pages else ["Heading"])
        # The open parents, by level: a heading nests under the nearest shallower one.
        parents: list[tuple[int, QStandardItem]] = []
        for heading in structure.headings:
            while parents and parents[-1][0] >= heading.level:
                parents.pop()
            item = QStandardItem(heading.title)
            item.setData(heading.start, START_ROLE)
            item.setToolTip(heading.title)
            row = [item]
            if with_pages:
                page = QStandardItem(structure.page_at(heading.start))
                page.setData(heading.start, START_ROLE)
                row.append(page)
            (parents[-1][1] if parents else self.model_.invisibleRootItem()).appendRow(row)
            parents.append((heading.level, item))
            self._starts.append(heading.start)
            self._items.append(item)
        self.expandToDepth(0)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if with_pages:
            self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        if not structure.headings:
            self.model_.appendRow(QStandardItem("No headings in this text"))

    def follow(self, position: int) -> None:
        """Make the heading of the section holding `position` current, so the reader sees where they are."""
        i = bisect_right(self._starts, position)
        if i:
            index = self._items[i - 1].index()
            if index != self.currentIndex():
                self.setCurrentIndex(index)
                self.scrollTo(index)
        else:
            self.clearSelection()
            self.setCurrentIndex(QModelIndex())

    def headings(self) -> list[str]:
        """Return the headings shown, in order, depth first (for tests and accessibility)."""
        out: list[str] = []

        def walk(parent: QModelIndex) -> None:
            for row in range(self.model_.rowCount(parent)):
                index = self.model_.index(row, 0, parent)
                if index.data(START_ROLE) is not None:
                    out.append(str(index.data()))
                walk(index)

        walk(QModelIndex())
        return out

    def _on_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        start = index.data(START_ROLE)
        if isinstance(start, int):
            self.position_requested.emit(start)
