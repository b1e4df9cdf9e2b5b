"""Find in the open document: incremental, case-insensitive, with a match count."""

from __future__ import annotations

import bisect
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from app.ui.common.access import clearable


class FindField(QLineEdit):
    """The search field: Enter finds the next match, Shift+Enter the previous one."""

    previous_requested = Signal()
    next_requested = Signal()
    close_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Map Enter, Shift+Enter and Escape to find actions."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.previous_requested.emit()
            else:
                self.next_requested.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.close_requested.emit()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    """A bar under the reader that finds text in the stored document."""

    match_selected = Signal(int, int)  # code-point span
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        """Build the field, the buttons and the count."""
        super().__init__(parent)
        self.setObjectName("findBar")
        self._text = ""
        self._matches: list[tuple[int, int]] = []
        self._index = -1
        # Where the search started (the caret when the bar opened): the first match shown
        # is the first one after it, as in a browser, not the first in the document.
        self._origin = 0
        self._wrapped = ""
        self.field = FindField()
        self.field.setObjectName("findField")
        self.field.setAccessibleName("Find in document")
        self.field.setPlaceholderText("Find in document")
        clearable(self.field, "Clear the find field")
        self.count = QLabel("")
        self.count.setObjectName("findCount")
        self.count.setAccessibleDescription("Find result count")
        self.count.setMinimumWidth(90)
        previous = QToolButton()
        previous.setText("↑")
        previous.setToolTip("Previous match (Shift+Enter, Shift+F3)")
        previous.setAccessibleName("Previous match")
        following = QToolButton()
        following.setText("↓")
        following.setToolTip("Next match (Enter, F3)")
        following.setAccessibleName("Next match")
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close (Escape)")
        close.setAccessibleName("Close find bar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(close)
        self.field.textChanged.connect(self._search)
        self.field.next_requested.connect(self.find_next)
        self.field.previous_requested.connect(self.find_previous)
        self.field.close_requested.connect(self.close_bar)
        following.clicked.connect(self.find_next)
        previous.clicked.connect(self.find_previous)
        close.clicked.connect(self.close_bar)
        self.hide()

    def set_text(self, text: str) -> None:
        """Search this document text from now on."""
        self._text = text
        self._search(self.field.text())

    def open_bar(self, initial: str = "", origin: int = 0) -> None:
        """Show the bar and focus the field (prefilled with a short selection); search on from `origin`."""
        self._origin = origin
        self.show()
        if initial and "\n" not in initial and len(initial) <= 200:
            self.field.setText(initial)
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def close_bar(self) -> None:
        """Hide the bar and hand the keyboard back to the text."""
        self.hide()
        self.closed.emit()

    def matches(self) -> list[tuple[int, int]]:
        """Return the spans found, in text order."""
        return list(self._matches)

    def find_next(self) -> None:
        """Select the next match, wrapping at the end."""
        self._step(1)

    def find_previous(self) -> None:
        """Select the previous match, wrapping at the start."""
        self._step(-1)

    def _search(self, query: str) -> None:
        self._matches = []
        self._index = -1
        if query:
            pattern = re.compile(re.escape(query), re.IGNORECASE)
            self._matches = [(m.start(), m.end()) for m in pattern.finditer(self._text)]
        if self._matches:
            first_after = bisect.bisect_left(self._matches, (self._origin, 0))
            self._index = first_after - 1  # the step below moves onto it
            self._step(1)
        else:
            self._show_count()

    def _step(self, direction: int) -> None:
        if not self._matches:
            self._show_count()
            return
        following = self._index + direction
        self._wrapped = "from the top" if following >= len(self._matches) else "from the end" if following < 0 else ""
        self._index = following % len(self._matches)
        self._show_count()
        self.match_selected.emit(*self._matches[self._index])

    def _show_count(self) -> None:
        if not self.field.text():
            self.count.setText("")
        elif not self._matches:
            self.count.setText("No matches")
        else:
            note = f", {self._wrapped}" if self._wrapped else ""
            self.count.setText(f"{self._index + 1} of {len(self._matches)}{note}")
