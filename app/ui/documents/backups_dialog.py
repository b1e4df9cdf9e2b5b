"""Choosing a backup to restore (File → Restore from backup…)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
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

from app.domain.text import plural
from app.domain.values import BackupSummary


class BackupsDialog(QDialog):
    """Lists the library's backups with dates and counts; Restore replaces the library."""

    restore_requested = Signal(object)  # Path of the chosen backup

    def __init__(self, found: list[BackupSummary], parent: QWidget | None = None) -> None:
        """Show the backups, newest first."""
        super().__init__(parent)
        self.setObjectName("backupsDialog")
        self.setWindowTitle("Restore from backup")
        self.setAccessibleName("Restore from backup")
        self.backups = found
        self.table = QTableWidget(len(found), 4)
        self.table.setAccessibleName("Backups")
        self.table.setHorizontalHeaderLabels(["Made (UTC)", "Documents", "Highlights", "File"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for row, b in enumerate(found):
            values = (f"{b.created:%Y-%m-%d %H:%M}", str(b.documents), str(b.highlights), Path(b.path).name)
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        if found:
            self.table.selectRow(0)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton("&Restore…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setAccessibleName("Restore the selected backup")
        self.restore_button.setEnabled(bool(found))
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.clicked.connect(self.reject)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self._restore)
        self.table.activated.connect(lambda _index: self._restore())
        layout = QVBoxLayout(self)
        note = "The library is replaced by the backup you choose; the current library is kept as a backup first."
        explanation = QLabel(note if found else "There are no backups yet: one is made each day Marginalia starts.")
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 360)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def selected(self) -> BackupSummary | None:
        """Return the backup chosen in the table."""
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _restore(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        answer = QMessageBox.question(
            self,
            "Restore from backup",
            f"Replace your library with the backup made {chosen.created:%Y-%m-%d %H:%M} UTC "
            f"({plural(chosen.documents, 'document')}, {plural(chosen.highlights, 'highlight')})?\n\n"
            "Your current library is kept as a backup first.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_requested.emit(Path(chosen.path))
            self.accept()
