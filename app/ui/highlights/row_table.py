"""The highlight list's view: a table of one column, which costs the same at any length."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView


class RowTable(QTableView):
    """A table of one column that the keyboard moves through as a list."""

    def moveCursor(  # noqa: N802 - Qt override
        self,
        action: QAbstractItemView.CursorAction,
        modifiers: Qt.KeyboardModifier,
    ) -> QModelIndex:
        """Home and End go to the first and last row, as in a list (a table's go to its first and last column)."""
        if action in (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd):
            modifiers |= Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(action, modifiers)
