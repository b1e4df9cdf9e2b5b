"""Finding interactive widgets a screen reader could not name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QPlainTextEdit, QWidget

INTERACTIVE = (QAbstractButton, QLineEdit, QAbstractItemView, QPlainTextEdit, QComboBox)


def unnamed_controls(root: QWidget) -> list[str]:
    """Visible, focusable interactive widgets under `root` without an accessible name."""
    return [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in root.findChildren(QWidget)
        if isinstance(w, INTERACTIVE)
        and w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.isVisibleTo(root)
        and not w.accessibleName()
        and not isinstance(w.parent(), QAbstractItemView)  # item views' internal editors
    ]
