"""The fields of the highlight panel: its theme list and input, its note editor, their keys."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QKeySequence, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
)

from app.domain.tags import UNTAGGED_COLOUR
from app.domain.text import excerpt

NOTE_SAVE_DELAY_MS = 400
TAG_ROLE = Qt.ItemDataRole.UserRole + 2
# Lines the current highlight's quote takes at most; a longer quote ends in an ellipsis.
QUOTE_LINES = 4


class QuoteLabel(QLabel):
    """The current highlight's quote, in a box of a fixed number of lines.

    A box that grew and shrank with each quote laid the whole panel out again, and moved
    the list above it, at every highlight made or chosen.
    """

    def __init__(self) -> None:
        """Make the box, empty."""
        super().__init__()
        self._quote: str | None = None
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setFixedHeight(QUOTE_LINES * self.fontMetrics().lineSpacing() + 2 * self.margin() + 2)

    def show_quote(self, quote: str | None) -> None:
        """Show `quote` (None: no highlight is current), cut to what the box holds."""
        self._quote = quote
        if quote is None:
            self.setText("No highlight selected.")
            return
        # Wrapping at word ends wastes some of each line: leave a line's worth for it.
        room = max(1, self.width()) * (QUOTE_LINES - 1)
        flat = excerpt(quote, 400)
        self.setText(f"“{self.fontMetrics().elidedText(flat, Qt.TextElideMode.ElideRight, room)}”")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Cut the quote again for the new width."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.show_quote(self._quote)


class HistoryKeysToWindow(QObject):
    """Event filter that leaves Ctrl+Z / Ctrl+Shift+Z to the window's one undo history.

    Text fields would otherwise take these keys for their own text; here they undo and
    redo library changes wherever the keyboard is.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Refuse the shortcut override, so that the window's Undo/Redo actions fire."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo))
        ):
            event.ignore()
            return True
        return super().eventFilter(watched, event)


class NoteEditor(QPlainTextEdit):
    """The note field: saves when the keyboard leaves it; Escape returns to the text."""

    focus_left = Signal()
    escape_pressed = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        """Save on leaving the field."""
        super().focusOutEvent(event)
        self.focus_left.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Escape returns to the text (the note is saved on the way out)."""
        if event.key() == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            return
        super().keyPressEvent(event)


class TagList(QListWidget):
    """The current highlight's themes; Delete or Backspace removes the selected one."""

    remove_requested = Signal(object)  # Tag
    escape_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Remove the selected theme on Delete/Backspace; Escape returns to the text."""
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and item is not None:
            self.remove_requested.emit(item.data(TAG_ROLE))
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            return
        super().keyPressEvent(event)


class TagInput(QLineEdit):
    """The field where a theme path is typed; Escape returns to the text."""

    escape_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Escape leaves the field (after closing the completion popup, if open)."""
        completer = self.completer()
        popup = completer.popup() if completer is not None else None
        popup_open = popup is not None and popup.isVisible()
        if event.key() == Qt.Key.Key_Escape and not popup_open:
            self.escape_pressed.emit()
            return
        super().keyPressEvent(event)


def swatch(colour: str) -> QPixmap:
    """A small square of a theme's colour, for the list of a highlight's themes."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour or UNTAGGED_COLOUR))
    return pixmap
