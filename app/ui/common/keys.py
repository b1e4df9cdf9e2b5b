"""Menus keep their letters while open, from the text's single-letter actions."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QMenu


class MenuKeysFirst(QObject):
    """While a menu is open, its letters choose its entries, not the text's single-letter actions.

    Qt matches a widget's own shortcuts (H, T, A, 1-9) by the focus widget, which stays
    the reader while a menu is open: Alt+V then A ran "Attach" instead of opening
    "Line spacing". A menu that claims the shortcut override gets the key as a key press.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Claim plain keys (letters, digits, with or without Shift) for the open menu."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(watched, QMenu)
            and isinstance(event, QKeyEvent)
            and event.text().isalnum()
            and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        ):
            event.accept()
        return False

    def watch(self, menus: list[QMenu]) -> None:
        """Claim keys for these menus."""
        for menu in menus:
            menu.installEventFilter(self)
