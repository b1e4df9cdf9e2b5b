"""All my notes: every highlight of the library in one table, filtered by the search language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.search import HELP
from app.domain.text import plural
from app.domain.values import Highlight
from app.ui.common.speech import announce, short_quote
from app.ui.search.dialog import DEBOUNCE_MS

COLUMNS = ("Quote", "Themes", "Note", "Document", "Date")
ORDERS = {"date": "Newest first", "document": "By document", "theme": "By theme"}


class NotebookModel(QAbstractTableModel):
    """The highlights found, one per row; cells are made only for the rows on screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start empty."""
        super().__init__(parent)
        self.rows: list[Highlight] = []
        self.titles: dict[int, str] = {}

    def set_rows(self, rows: Sequence[Highlight], titles: dict[int, str]) -> None:
        """Show these highlights; `titles` names their documents."""
        self.beginResetModel()
        self.rows = list(rows)
        self.titles = titles
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:  # noqa: N802
        """One row per highlight."""
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:  # noqa: N802
        """Quote, themes, note, document, date."""
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """The cell's text (and the whole quote or note as its tooltip)."""
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        h = self.rows[index.row()]
        column = index.column()
        if column == 0:
            return short_quote(h.exact) if role == Qt.ItemDataRole.DisplayRole else h.exact
        if column == 1:
            return ", ".join(t.path for t in h.tags)
        if column == 2:
            return " ".join(h.note.split()) if role == Qt.ItemDataRole.DisplayRole else h.note
        if column == 3:
            return self.titles.get(h.document_id, "")
        return h.created_at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """The column names."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None


class _Table(QTableView):
    """The notebook's table: Enter opens the current highlight (a table's Enter only edits)."""

    chosen = Signal(int)  # row

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Choose the current row with Enter or Return."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.chosen.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class NotebookDialog(QDialog):
    """Every highlight with its quote, themes, note, document and date; filter, sort, open, export."""

    highlight_chosen = Signal(int, int)  # document id, highlight id
    export_requested = Signal(list)  # the highlight ids found

    def __init__(
        self,
        find: Callable[[str, str], list[Highlight]],
        titles: dict[int, str],
        parent: QWidget | None = None,
    ) -> None:
        """List what `find(query, order)` returns; `titles` names the documents."""
        super().__init__(parent)
        self.setObjectName("notebookDialog")
        self.setWindowTitle("All my notes")
        self.setAccessibleName("All my notes")
        self._find = find
        self._titles = titles
        self.filter = QLineEdit()
        self.filter.setObjectName("notebookFilter")
        self.filter.setAccessibleName("Filter the highlights")
        self.filter.setPlaceholderText("theme:power  untagged  doc:decree  words…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setToolTip(HELP)
        self.order = QComboBox()
        self.order.setAccessibleName("Sort")
        for key, label in ORDERS.items():
            self.order.addItem(label, key)
        self.model = NotebookModel(self)
        self.table = _Table()
        self.table.setObjectName("notebookTable")
        self.table.setAccessibleName("Highlights")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel()
        self.status.setObjectName("notebookStatus")
        self.status.setAccessibleDescription("Notebook summary")
        form = QFormLayout()
        form.addRow("&Filter:", self.filter)
        form.addRow("&Sort:", self.order)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        hint = QLabel("Enter opens the highlight in its place; Ctrl+E exports the highlights listed.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.export_action = QAction("&Export these highlights…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(lambda: self.export_requested.emit([h.id for h in self.model.rows]))
        self.addAction(self.export_action)
        self.resize(980, 620)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        self.filter.textChanged.connect(lambda _text: self._timer.start())
        self.order.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.chosen.connect(self.choose)
        self.table.doubleClicked.connect(lambda index: self.choose(index.row()))
        self.filter.returnPressed.connect(self._to_table)
        self.refresh()

    def refresh(self) -> None:
        """List the highlights the filter finds, in the chosen order."""
        self._timer.stop()
        rows = self._find(self.filter.text(), str(self.order.currentData()))
        self.model.set_rows(rows, self._titles)
        documents = len({h.document_id for h in rows})
        summary = f"{plural(len(rows), 'highlight')} in {plural(documents, 'document')}"
        self.status.setText(summary)
        announce(self.status, summary)
        if rows:
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _to_table(self) -> None:
        if self._timer.isActive():
            self.refresh()
        self.table.setFocus(Qt.FocusReason.TabFocusReason)

    def choose(self, row: int) -> None:
        """Open the highlight of `row` in its document."""
        h = self.model.rows[row]
        self.highlight_chosen.emit(h.document_id, h.id)
        self.accept()
