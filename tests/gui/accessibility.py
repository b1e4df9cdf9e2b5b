"""Finding interactive widgets a screen reader could not name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface, QAction, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

INTERACTIVE = (QAbstractButton, QLineEdit, QAbstractItemView, QPlainTextEdit, QComboBox)


def unnamed_controls(root: QWidget) -> list[str]:
    """Visible, focusable interactive widgets under `root` that a screen reader hears without a name."""
    return [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in root.findChildren(QWidget)
        if isinstance(w, INTERACTIVE)
        and w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.isVisibleTo(root)
        and not QAccessible.queryAccessibleInterface(w).text(QAccessible.Text.Name).strip()
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
        and (name := QAccessible.queryAccessibleInterface(label).text(QAccessible.Text.Name)) != _shown(label)
        and label.buddy() is None  # a field's caption: its name is what it shows, mnemonic aside
    ]


Role = QAccessible.Role
# Roles a user acts on: each must be heard by name. (Cells are named by their data.)
ACTED_ON = {
    Role.PushButton,
    Role.CheckBox,
    Role.RadioButton,
    Role.ComboBox,
    Role.EditableText,
    Role.List,
    Role.Tree,
    Role.Table,
    Role.Slider,
    Role.SpinBox,
    Role.PageTab,
    Role.ButtonMenu,
    Role.ButtonDropDown,
    Role.Link,
    Role.MenuItem,
}
CONTAINERS = {Role.List, Role.Tree, Role.Table}


def unnamed_nodes(root: QWidget) -> list[str]:
    """Shown nodes of the accessibility tree under `root` a user acts on but a screen reader cannot name.

    This walks what AT-SPI sees (Qt's accessible interfaces), so it finds what widgets
    hide: a line edit's clear button, a tab, a menu entry.
    """
    found: list[str] = []

    def walk(node: QAccessibleInterface) -> None:
        if node.state().invisible:
            return
        role = node.role()
        if role in ACTED_ON and not node.text(QAccessible.Text.Name).strip():
            found.append(f"{role.name} {type(node.object()).__name__} {node.object().objectName()!r}")
        if role in CONTAINERS:
            return
        for k in range(node.childCount()):
            child = node.child(k)
            if child is not None and child.isValid():
                walk(child)

    walk(QAccessible.queryAccessibleInterface(root))
    return found


def _shown(label: QLabel) -> str:
    """The text a label shows: rich text as the words a reader sees."""
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and label.text().lstrip().startswith("<")
    )
    return QTextDocumentFragment.fromHtml(label.text()).toPlainText() if rich else label.text()


def labelled_by(widget: QWidget) -> list[str]:
    """The names of the labels a screen reader is told caption `widget` (set with setBuddy)."""
    node = QAccessible.queryAccessibleInterface(widget)
    return [other.text(QAccessible.Text.Name) for other, _r in node.relations(QAccessible.RelationFlag.Label)]


def duplicate_widget_mnemonics(root: QWidget) -> list[str]:
    """Alt letters used twice among a window's buttons, tabs and field captions (the second never fires)."""
    texts = [w.text() for w in root.findChildren(QAbstractButton) if not w.isHidden()]
    texts += [w.text() for w in root.findChildren(QLabel) if w.buddy() is not None and not w.isHidden()]
    for tabs in root.findChildren(QTabWidget):
        texts += [tabs.tabText(i) for i in range(tabs.count())]
    letters: dict[str, list[str]] = {}
    for text in texts:
        letter = _mnemonic(text)
        if letter:
            letters.setdefault(letter, []).append(text)
    return [f"{letter} for {found}" for letter, found in letters.items() if len(found) > 1]
