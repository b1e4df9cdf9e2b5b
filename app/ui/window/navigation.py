"""Moving about the text: the outline, the theme map beside the text, and the find bar."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QTimer

from app.ui.reading.find_bar import FindBar
from app.ui.themes.theme_map import ThemeMap
from app.ui.window.desk import Desk

HEADING_CONTEXT_LINES = 2
MAP_REFRESH_MS = 60


class NavigationHost(Desk, Protocol):
    """The window as navigation sees it: the text, with the theme map and the find bar."""

    theme_map: ThemeMap
    find_bar: FindBar


class Navigation:
    """Goes where the outline, the theme map and the find bar point, and keeps the map current."""

    def __init__(self, window: NavigationHost) -> None:
        """Work on `window`'s text, map and find bar."""
        self.window = window
        # The theme map sums up every highlight: redrawn once a burst of changes is over,
        # not inside each one, where it made H cost what the document holds.
        self.map_timer = QTimer(window.as_widget())
        self.map_timer.setSingleShot(True)
        self.map_timer.setInterval(MAP_REFRESH_MS)
        self.map_timer.timeout.connect(self.update_theme_map)

    def update_theme_map(self) -> None:
        """Draw, beside the text, where the highlights the panel shows lie."""
        w = self.window
        document = w.controller.document
        w.theme_map.set_highlights(len(document.text) if document else 0, w.panel.shown())

    def update_map_frame(self) -> None:
        """Frame, on the theme map, the part of the text on the screen."""
        bar = self.window.reader.verticalScrollBar()
        total = bar.maximum() + bar.pageStep()
        if total > 0:
            self.window.theme_map.set_visible_range(bar.value() / total, (bar.value() + bar.pageStep()) / total)

    def go_to_heading(self, position: int) -> None:
        """Show a heading chosen in the outline, with the caret on it."""
        reader = self.window.reader
        reader.scroll_to_position(position)
        reader.move_caret(position)
        # A line of what comes before (and the blank line after it), not the heading
        # flush against the top edge.
        bar = reader.verticalScrollBar()
        bar.setValue(max(0, bar.value() - HEADING_CONTEXT_LINES))
        self.window.focus_reader()

    def go_to_position(self, position: int) -> None:
        """Centre the text on a place chosen on the theme map."""
        self.window.reader.move_caret(position)
        self.window.reader.centerCursor()
        self.window.focus_reader()

    def open_find(self) -> None:
        """Show the find bar (Ctrl+F), prefilled with a short selection; it searches on from the caret."""
        w = self.window
        span = w.reader.selection_span()
        document = w.controller.document
        initial = document.text[span[0] : span[1]] if span and document else ""
        w.find_bar.open_bar(initial, span[0] if span else w.reader.caret_position())
