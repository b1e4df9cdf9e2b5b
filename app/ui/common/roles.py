"""Item data roles the window's item models share."""

from __future__ import annotations

from PySide6.QtCore import Qt

# The id of the row's document or highlight.
ID_ROLE = Qt.ItemDataRole.UserRole + 1
