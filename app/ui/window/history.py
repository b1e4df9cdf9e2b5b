"""Edit → History: every change kept in the library, newest first; Enter undoes back to one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import OperationSummary
from app.domain.text import plural


def when(summary: OperationSummary) -> str:
    """Return when a change was made, in local time, to the minute."""
    return summary.at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


class _Table(QTableWidget):
    """The list of changes; Enter chooses the current one (a table's Enter only edits)."""

    chosen = Signal(int)  # row

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Choose the current row with Enter or Return."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.chosen.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class HistoryDialog(QDialog):
    """The library's changes, newest first; undone ones (still redoable) are marked."""

    undo_requested = Signal(int)  # undo every change back to this operation id, included
    redo_requested = Signal(int)  # redo undone changes up to this operation id, included

    def __init__(self, history: Sequence[OperationSummary], parent: QWidget | None = None) -> None:
        """Show `history` (newest first)."""
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle("History")
        self.setAccessibleName("History of changes")
        self.history = list(history)
        self.last_question: QMessageBox | None = None
        self.table = _Table(len(self.history), 3)
        self.table.setObjectName("historyTable")
        self.table.setAccessibleName("Changes, newest first")
        self.table.setHorizontalHeaderLabels(["When", "Change", "Document"])
        self.table.setVerticalHeaderLabels([("undone" if op.undone else str(op.id)) for op in self.history])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for row, op in enumerate(self.history):
            label = f"{op.label} (undone)" if op.undone else op.label
            for column, value in enumerate((when(op), label, op.document_title or "—")):
                item = QTableWidgetItem(value)
                if op.undone:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.table.chosen.connect(self.choose)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.choose(row))
        if self.history:
            self.table.setCurrentCell(0, 0)
        explanation = QLabel(
            "Enter on a change undoes it and every change after it (you are asked first). "
            "Enter on an undone change redoes it and those undone before it."
            if self.history
            else "No changes yet: what you change in this library will be listed here."
        )
        explanation.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 480)

    def choose(self, row: int) -> QMessageBox | None:
        """Undo back to the change in `row` (after asking), or redo up to it if it is undone."""
        op = self.history[row]
        if op.undone:
            self.redo_requested.emit(op.id)
            self.accept()
            return None
        count = sum(1 for o in self.history if not o.undone and o.id >= op.id)
        later = f" and the {plural(count - 1, 'change')} made after it" if count > 1 else ""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Undo changes",
            f"Undo {op.label}{later}? That takes back {plural(count, 'change')}; "
            "they stay in the history, to redo until you make a new change.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        undo = box.addButton(f"&Undo {plural(count, 'change')}", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(undo)
        box.setAccessibleName("Undo changes")
        box.buttonClicked.connect(lambda button: self._undo(op.id) if button is undo else None)
        self.last_question = box
        box.open()
        return box

    def _undo(self, operation_id: int) -> None:
        self.undo_requested.emit(operation_id)
        self.accept()
