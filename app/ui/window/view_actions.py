"""The View menu's reading comforts: where am I, go to, full screen, focus, paragraph numbers."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFontDialog, QInputDialog, QLabel

from app.domain.colours import PAGE_THEMES
from app.domain.export import Locator
from app.ui.common.preferences import DEFAULT_FONT_SIZE
from app.ui.common.status import STATUS_MS
from app.ui.reading.line_layout import (
    DEFAULT_LINE_SPACING,
    DEFAULT_PARAGRAPH_SPACING,
    LINE_SPACINGS,
    PARAGRAPH_SPACINGS,
)
from app.ui.reading.reader import MEASURES, SANS_FAMILIES, SERIF_FAMILIES
from app.ui.window.desk import Desk


class ViewActions:
    """What the View menu does to the window's layout and the reader, and the position shown."""

    def __init__(self, window: Desk) -> None:
        """Add the position to the window's status bar."""
        self.window = window
        self.position_label = QLabel()
        self.position_label.setObjectName("positionLabel")
        window.statusBar().addPermanentWidget(self.position_label)
        self._focus_layout: QByteArray | None = None

    def show_position(self) -> None:
        """Say in the status bar how far into the document the screen is, and on which page."""
        w = self.window
        document = w.controller.document
        if document is None or not document.text:
            self.position_label.setText("")
            return
        top = w.reader.first_visible_position()
        page = document.structure.page_at(top)
        share = round(100 * top / max(1, len(document.text) - 1))
        self.position_label.setText(f"p. {page} · {share}%" if page else f"{share}%")

    def go_to(self) -> None:
        """Go to a page (as printed) or a percentage of the text (Ctrl+G)."""
        w = self.window
        document = w.controller.document
        if document is None:
            return
        hint = "a page such as 12, or a percentage such as 40%" if document.structure.pages else "a percentage"
        typed, ok = QInputDialog.getText(w.as_widget(), "Go to", f"Go to {hint}:")
        if not ok:
            return
        target = document.structure.go_to(typed, len(document.text))
        if target is None:
            w.statusBar().showMessage(f"There is no “{typed.strip()}” to go to in this document.", STATUS_MS)
            return
        w.reader.scroll_to_position(target)
        w.focus_reader()

    def toggle_full_screen(self) -> None:
        """Fill the screen with the window, or give it back its frame (F11)."""
        w = self.window
        if w.isFullScreen():
            w.showNormal()
        else:
            w.showFullScreen()
        w.full_screen_action.setChecked(w.isFullScreen())

    def toggle_focus_mode(self) -> None:
        """Hide every panel but the text, or bring back the same layout (F9)."""
        w = self.window
        if self._focus_layout is None:
            self._focus_layout = w.splitter.saveState()
            w.left.hide()
            w.panel.hide()
            w.focus_action.setChecked(True)
            w.focus_reader()
        else:
            w.left.show()
            w.panel.show()
            w.splitter.restoreState(self._focus_layout)
            self._focus_layout = None
            w.focus_action.setChecked(False)

    def set_page_theme(self, name: str) -> None:
        """Colour the page light, sepia or dark, or as the system's own colours ("system")."""
        w = self.window
        palette = QApplication.palette(w.reader)
        if name in PAGE_THEMES:
            page, text = PAGE_THEMES[name]
            for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
                palette.setColor(group, QPalette.ColorRole.Base, QColor(page))
                palette.setColor(group, QPalette.ColorRole.Text, QColor(text))
        else:
            name = "system"
        w.reader.setPalette(palette)
        for action in w.page_actions:
            action.setChecked(action.data() == name)
        w.preferences.set("reader/page_theme", name)

    def next_page_theme(self) -> None:
        """Go on to the next page theme: light, sepia, dark, the system's (Ctrl+Shift+D)."""
        names = [*PAGE_THEMES, "system"]
        current = self.window.preferences.get("reader/page_theme", "system")
        following = names[(names.index(current) + 1) % len(names)] if current in names else names[0]
        self.set_page_theme(following)
        self.window.statusBar().showMessage(f"Page: {following}", STATUS_MS)

    def set_typeface(self, choice: str) -> None:
        """Read in a serif ("serif"), a sans-serif ("sans") or any installed family (its name)."""
        w = self.window
        families = SERIF_FAMILIES if choice == "serif" else SANS_FAMILIES if choice == "sans" else [choice]
        w.reader.set_font_families(families)
        w.preferences.set("reader/typeface", choice)
        for action in w.typeface_actions:
            action.setChecked(action.data() == choice)

    def choose_font(self) -> None:
        """Pick any installed font family for the text."""
        w = self.window
        ok, font = QFontDialog.getFont(w.reader.font(), w.as_widget(), "Font for the text")
        if ok:
            self.set_typeface(font.family())

    def set_measure(self, name: str) -> None:
        """Make the text column narrow, medium or wide."""
        w = self.window
        name = name if name in MEASURES else "medium"
        w.reader.set_measure(MEASURES[name])
        w.preferences.set("reader/measure", name)
        for action in w.measure_actions:
            action.setChecked(action.data() == name)

    def set_line_spacing(self, name: str) -> None:
        """Space the lines of the text: single, relaxed, one and a half or double."""
        self._set_spacing("reader/line_spacing", name if name in LINE_SPACINGS else DEFAULT_LINE_SPACING)

    def set_paragraph_spacing(self, name: str) -> None:
        """Space the paragraphs of the text: compact, normal or wide."""
        self._set_spacing("reader/paragraph_spacing", name if name in PARAGRAPH_SPACINGS else DEFAULT_PARAGRAPH_SPACING)

    def _set_spacing(self, key: str, name: str) -> None:
        w = self.window
        w.preferences.set(key, name)
        line = w.preferences.get("reader/line_spacing", DEFAULT_LINE_SPACING)
        paragraph = w.preferences.get("reader/paragraph_spacing", DEFAULT_PARAGRAPH_SPACING)
        w.reader.set_spacing(
            LINE_SPACINGS.get(line, LINE_SPACINGS[DEFAULT_LINE_SPACING]),
            PARAGRAPH_SPACINGS.get(paragraph, PARAGRAPH_SPACINGS[DEFAULT_PARAGRAPH_SPACING]),
        )
        for action in w.spacing_actions:
            action.setChecked(action.data() in (line, paragraph))

    def toggle_paragraph_numbers(self) -> None:
        """Show or hide, in the margin, the paragraph numbers that citations use (Ctrl+Shift+P)."""
        w = self.window
        shown = w.numbers_action.isChecked()
        w.reader.show_paragraph_numbers(shown)
        w.preferences.set("reader/paragraph_numbers", "yes" if shown else "no")
        self.number_paragraphs()

    def number_paragraphs(self) -> None:
        """Give the margin the open document's paragraph numbers, while it is shown.

        Counted only then: numbering a 5 MB book's paragraphs at every opening cost more
        than the opening itself.
        """
        w = self.window
        document = w.controller.document
        if document is None or not w.numbers_action.isChecked():
            w.reader.set_paragraph_numbers([])
            return
        locator = Locator(document.text, document.structure)
        w.reader.set_paragraph_numbers(
            [(start, n) for start in locator.paragraph_starts() if (n := locator.paragraph_number(start))]
        )

    def zoom(self, step: int) -> None:
        """Make the reading font larger (1), smaller (-1) or the default (0)."""
        size = DEFAULT_FONT_SIZE if step == 0 else self.window.reader.font_size() + step
        self.window.reader.set_font_size(size)
        self.window.preferences.font_size = self.window.reader.font_size()
        self.window.statusBar().showMessage(f"Text size {self.window.reader.font_size()} pt", STATUS_MS)

    def restore_preferences(self) -> None:
        """Set the text as the reader left it: size, page colour, font, width, spacing, numbers."""
        w = self.window
        w.reader.set_font_size(w.preferences.font_size)
        self.set_page_theme(w.preferences.get("reader/page_theme", "system"))
        self.set_typeface(w.preferences.get("reader/typeface", "serif"))
        self.set_measure(w.preferences.get("reader/measure", "medium"))
        self.set_line_spacing(w.preferences.get("reader/line_spacing", DEFAULT_LINE_SPACING))
        w.numbers_action.setChecked(w.preferences.get("reader/paragraph_numbers", "no") == "yes")
        w.reader.show_paragraph_numbers(w.numbers_action.isChecked())
