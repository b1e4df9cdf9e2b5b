"""F1: every action of the window with its keys, from the actions themselves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class ActionSpec:
    """An entry of the shortcut list: menu, label and keys."""

    menu: str
    text: str
    shortcuts: tuple[str, ...]


class ShortcutsDialog(QDialog):
    """A table of every action and its keyboard shortcuts."""

    def __init__(self, specs: Sequence[ActionSpec], parent: QWidget | None = None) -> None:
        """Build the table from the window's actions, so it cannot drift from them."""
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self.table = QTableWidget(len(specs), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, spec in enumerate(specs):
            for column, value in enumerate((spec.menu, spec.text.rstrip("…"), ", ".join(spec.shortcuts) or "—")):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Single-letter keys work in the text and the highlight list."))
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 560)
