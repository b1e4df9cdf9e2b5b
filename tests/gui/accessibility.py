"""Finding interactive widgets a screen reader could not name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QWidget,
)

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


def duplicate_mnemonics(actions: list[QAction], where: str = "menu bar") -> list[str]:
    """Mnemonic letters used twice at one menu level, here or in any submenu (Alt+H opened the wrong menu)."""
    letters: dict[str, list[str]] = {}
    found: list[str] = []
    for action in actions:
        if action.isSeparator():
            continue
        letter = _mnemonic(action.text())
        if letter:
            letters.setdefault(letter, []).append(action.text())
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            found += duplicate_mnemonics(submenu.actions(), submenu.title())
    return found + [f"{where}: {letter} for {texts}" for letter, texts in letters.items() if len(texts) > 1]


def _mnemonic(text: str) -> str | None:
    plain = text.replace("&&", "")
    at = plain.find("&")
    return plain[at + 1].lower() if 0 <= at < len(plain) - 1 else None


def labels_hiding_their_text(root: QWidget) -> list[str]:
    """Labels whose accessible name is not the text they show (a screen reader hears the name)."""
    return [
        f"{label.objectName() or label.text()!r}: named {name!r}"
        for label in root.findChildren(QLabel)
        if label.isVisibleTo(root)
        and label.text()
        and (name := QAccessible.queryAccessibleInterface(label).text(QAccessible.Text.Name)) != label.text()
        and label.buddy() is None  # a field's caption: its name is what it shows, mnemonic aside
    ]
