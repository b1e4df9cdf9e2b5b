"""The reader: a read-only plain-text view that paints highlights for the visible range only."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import cast

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLine,
)
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from app.domain.changes import Changes
from app.domain.colours import HIGHLIGHT_ALPHA, readable_variant
from app.domain.structure import Heading
from app.domain.tags import UNTAGGED_COLOUR
from app.domain.text import Utf16Map
from app.domain.values import Highlight
from app.ui.common.preferences import DEFAULT_FONT_SIZE
from app.ui.desk.store import HighlightStore, text_order
from app.ui.reading.headings import embolden
from app.ui.reading.line_layout import SpacedLayout
from app.ui.reading.paragraph_margin import MARGIN_WIDTH, ParagraphMargin
from app.ui.reading.screen import blocks_on_screen
from app.ui.reading.spans import Key, SpanIndex

MIN_FONT_SIZE, MAX_FONT_SIZE = 8, 40
# A comfortable measure is 60-75 characters; about 34 em of a serif face gets there.
MEASURE_EM = 34
# The measures offered (View -> Page width), in em: narrow, the default, wide.
MEASURES = {"narrow": 28, "medium": MEASURE_EM, "wide": 44}
SERIF_FAMILIES = ["Literata", "Charis SIL", "Source Serif 4", "Georgia", "DejaVu Serif", "Liberation Serif"]
SANS_FAMILIES = ["Inter", "Source Sans 3", "Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial"]

CURRENT_UNDERLINE = QColor("#1f2a44")  # under the current highlight, on every page colour
# A change to more highlights than this repaints the whole page: finding the blocks each
# reaches into would cost more than painting the page once.
SPANS_REPAINTED_ALONE = 64


class ReaderView(QPlainTextEdit):
    """Shows one document's stored text and paints its highlights.

    Offsets in the public methods are code points into the stored text; the conversion
    to Qt's UTF-16 positions happens here and nowhere else.
    """

    caret_moved = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        """Create an empty, read-only reader with book-like typography."""
        super().__init__(parent)
        document = QTextDocument(self)
        self.spacing = SpacedLayout(document)
        document.setDocumentLayout(self.spacing)
        self.setDocument(document)
        self.setObjectName("reader")
        self.setAccessibleName("Reader")
        self.setAccessibleDescription("The document text. Select with Shift and the arrow keys, then press H.")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        # Read-only editors hide the caret unless keyboard selection is allowed too.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setCursorWidth(2)
        self.document().setDocumentMargin(16)
        font = QFont()
        font.setFamilies(SERIF_FAMILIES)
        font.setStyleHint(QFont.StyleHint.Serif)
        font.setPointSize(DEFAULT_FONT_SIZE)
        self.setFont(font)
        self._measure_em = MEASURE_EM
        self._map = Utf16Map("")
        self._spans = SpanIndex()
        self._colours: dict[int, str | None] = {}  # each highlight's theme colour, by id
        self._current_id: int | None = None
        self._variants: dict[str, QColor] = {}
        self._painted: dict[int, QColor] = {}  # what the last paint showed, by highlight id
        self.cursorPositionChanged.connect(self._on_cursor_moved)
        self.paragraph_margin = ParagraphMargin(self)
        self.paragraph_margin.hide()

    # Text ------------------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Show `text` (a stored, normalised text) with no highlights."""
        self._map = Utf16Map(text)
        self._spans = SpanIndex()
        self._colours = {}
        self._current_id = None
        # setPlainText gives the new text the caret's format: after the caret stood in a
        # heading, the whole next document came out in large bold type.
        self.setCurrentCharFormat(QTextCharFormat())
        self.setPlainText(text)
        self._apply_margins()

    def set_headings(self, headings: Sequence[Heading]) -> None:
        """Show the text's headings in bold, the top two levels larger.

        Sizes are relative to the reading font, so zooming scales them; the characters
        themselves are untouched.
        """
        embolden(self.document(), self._map, headings)

    @property
    def utf16(self) -> Utf16Map:
        """The offset map of the text shown."""
        return self._map

    def selection_span(self) -> tuple[int, int] | None:
        """Return the selected span in code points, or None when nothing is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self._map.to_codepoint(cursor.selectionStart()), self._map.to_codepoint(cursor.selectionEnd())

    def caret_position(self) -> int:
        """Return the caret's code-point offset."""
        return self._map.to_codepoint(self.textCursor().position())

    def select_span(self, start: int, end: int) -> None:
        """Select `[start, end)` (code points) and bring it into view."""
        cursor = self.textCursor()
        cursor.setPosition(self._map.to_utf16(start))
        cursor.setPosition(self._map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.centerCursor()

    def move_caret(self, position: int) -> None:
        """Put the caret at a code-point offset, without a selection, and show it."""
        cursor = self.textCursor()
        cursor.setPosition(self._map.to_utf16(position))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def first_visible_position(self) -> int:
        """Return the code-point offset of the first character shown at the top."""
        cursor = self.cursorForPosition(QPoint(int(self.document().documentMargin()), 1))
        return self._map.to_codepoint(cursor.position())

    def scroll_to_position(self, position: int) -> None:
        """Scroll so that the line holding `position` is at the top, caret on it."""
        self.move_caret(position)
        # Scrolling to the end first makes ensureCursorVisible bring the line to the top.
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())
        self.ensureCursorVisible()

    # Typography ------------------------------------------------------------------

    def font_size(self) -> int:
        """Return the reading font size in points."""
        return self.font().pointSize()

    def set_font_size(self, points: int) -> None:
        """Set the reading font size, within sensible bounds, keeping the place, caret and selection."""
        top = self.first_visible_position()
        font = self.font()
        font.setPointSize(max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, points)))
        self.setFont(font)
        self._apply_margins()
        self._keep_place(top)

    def _keep_place(self, top: int) -> None:
        """Bring `top` back to the first line after the layout changed, caret and selection kept.

        Scrolling moves the caret to the top line; nobody should hear of that move (the
        current highlight followed it), and the caret goes back where it was.
        """
        kept = self.textCursor()
        blocked = self.blockSignals(True)
        try:
            self.scroll_to_position(top)
            line = self.verticalScrollBar().value()
            self.setTextCursor(kept)
            self.verticalScrollBar().setValue(line)
        finally:
            self.blockSignals(blocked)

    def set_font_families(self, families: Sequence[str]) -> None:
        """Read in the first of these families that is installed, keeping the size and the place."""
        top = self.first_visible_position()
        font = self.font()
        font.setFamilies(list(families))
        self.setFont(font)
        self._apply_margins()
        self._keep_place(top)

    def set_spacing(self, line: float, paragraph: float) -> None:
        """Space lines `line` times their natural height and paragraphs `paragraph` times a line, keeping the place."""
        top = self.first_visible_position()
        self.spacing.set_spacing(line, paragraph)
        self._keep_place(top)
        self.viewport().update()
        self.paragraph_margin.update()

    def set_measure(self, em: int) -> None:
        """Set the width of the text column, in em of the reading font (about 2 characters each)."""
        self._measure_em = em
        self._apply_margins()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Keep the text column at a readable width, centred.

        The margins are set before the base class lays the text out for the new size;
        set afterwards, the text would keep the old, wider wrap and be clipped. They are
        computed from the widget's width, never from `event`: the viewport's own resize
        events arrive here too, and sizing from them would oscillate.
        """
        self._apply_margins()
        super().resizeEvent(event)

    def _apply_margins(self) -> None:
        measure = self.fontMetrics().averageCharWidth() * self._measure_em * 2
        spare = self.width() - measure - self.verticalScrollBar().sizeHint().width()
        side = max(12, spare // 2)
        # The paragraph numbers need room of their own in a narrow window.
        left = max(side, MARGIN_WIDTH) if self.paragraph_margin.isVisibleTo(self) else side
        margins = self.viewportMargins()
        if (margins.left(), margins.right()) != (left, side):
            self.setViewportMargins(left, 8, side, 8)
        self.paragraph_margin.setGeometry(left - MARGIN_WIDTH, 8, MARGIN_WIDTH, max(0, self.height() - 16))
        self.viewport().update()

    def set_paragraph_numbers(self, numbers: Sequence[tuple[int, int]]) -> None:
        """Number paragraphs in the margin: (code-point offset where one starts, its number)."""
        document = self.document()
        self.paragraph_margin.set_numbers(
            {document.findBlock(self._map.to_utf16(start)).position(): number for start, number in numbers}
        )

    def show_paragraph_numbers(self, shown: bool) -> None:
        """Show or hide the paragraph numbers in the left margin."""
        self.paragraph_margin.setVisible(shown)
        self._apply_margins()

    # Highlights ------------------------------------------------------------------

    def set_highlights(self, highlights: Sequence[Highlight]) -> None:
        """Replace the painted highlights (text order costs least; overlapping ones blend)."""
        self._spans.replace_all(map(text_order, highlights))
        self._colours = {h.id: h.colour for h in highlights}
        self.viewport().update()

    def show_changes(self, changes: Changes, store: HighlightStore) -> None:
        """Repaint the highlights `changes` touched, as `store` now holds them, where they were and are."""
        touched: list[Key] = []
        for highlight_id in changes.highlights:
            if (was := self._spans.span_of(highlight_id)) is not None:
                touched.append(was)
            self._painted.pop(highlight_id, None)  # painted again below if it is still on the screen
            highlight = store.get(highlight_id)
            if highlight is None:
                self._spans.remove(highlight_id)
                self._colours.pop(highlight_id, None)
            else:
                self._spans.put((highlight.start, highlight.end, highlight.id))
                touched.append((highlight.start, highlight.end, highlight.id))
                self._colours[highlight_id] = highlight.colour  # its themes may be what changed
        self._repaint_spans(touched)

    def set_current_highlight(self, highlight_id: int | None) -> None:
        """Mark one highlight as current: it is underlined as well as coloured."""
        if highlight_id != self._current_id:
            spans = [self._spans.span_of(i) for i in (self._current_id, highlight_id) if i is not None]
            self._current_id = highlight_id
            self._repaint_spans([span for span in spans if span is not None])

    def _repaint_spans(self, spans: Sequence[Key]) -> None:
        """Repaint the blocks on the screen that these spans reach into, and only those.

        A change repaints what it changed: repainting the whole page for one highlight
        cost more than the change itself (2 ms of the 10 a keystroke may take).
        """
        if not spans:
            return
        if len(spans) > SPANS_REPAINTED_ALONE:
            self.viewport().update()
            return
        wanted = [(self._map.to_utf16(start), self._map.to_utf16(end)) for start, end, _id in spans]
        viewport = self.viewport()
        for block, rect, _at in blocks_on_screen(self, 0, viewport.height()):
            start = block.position()
            end = start + block.length()
            if any(a < end and b > start for a, b in wanted):
                viewport.update(rect.toAlignedRect())

    def highlights_at(self, position: int) -> list[int]:
        """Return the ids of the highlights covering a code-point offset, innermost first."""
        hits = self._spans.overlapping(position, position + 1)
        hits.sort(key=lambda key: (key[1] - key[0], key[0]))
        return [key[2] for key in hits]

    def painted_highlights(self) -> dict[int, QColor]:
        """Return the highlights the last paint showed (those on the screen), with their colours."""
        return dict(self._painted)

    def painted_highlight_ids(self) -> list[int]:
        """Return the ids of the highlights the last paint showed, in text order."""
        return list(self._painted)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Paint the highlights under the text, then the text (and the selection) over them."""
        self._paint_highlights(event.rect())
        super().paintEvent(event)

    def _paint_highlights(self, area: QRect) -> None:
        """Fill each highlighted stretch of each line on the screen, as Qt is about to draw the text.

        Done here, for the blocks being painted, instead of as Qt's extra selections: setting
        those made Qt measure every old and new one from the top of the screen on each
        scroll and each change, which at a highlight every few words cost more than the
        page itself.
        """
        painted: dict[int, QColor] = {}
        painter = QPainter(self.viewport())
        for block, _rect, at in blocks_on_screen(self, area.top(), area.bottom()):
            self._paint_block(painter, block, at, painted)
        painter.end()
        if area.contains(self.viewport().rect()):
            self._painted = painted
        else:
            self._painted.update(painted)

    def _paint_block(self, painter: QPainter, block: QTextBlock, at: QPointF, painted: dict[int, QColor]) -> None:
        start = block.position()
        end = start + block.length()
        spans = self._spans.overlapping(self._map.to_codepoint(start), self._map.to_codepoint(end))
        if not spans:
            return
        # Each line's place read once for the block: a dense page has a dozen highlights
        # a paragraph, and asking Qt for the same lines for each of them cost more than
        # painting them.
        layout = block.layout()
        left, top = at.x(), at.y()
        lines = [layout.lineAt(i) for i in range(layout.lineCount())]
        starts = [line.textStart() for line in lines]
        places = [
            (line, first, first + line.textLength(), top + line.y(), line.height())
            for line, first in zip(lines, starts, strict=True)
        ]
        for first, last, highlight_id in spans:
            colour = painted[highlight_id] = self._colour(self._colours.get(highlight_id))
            current = highlight_id == self._current_id
            a = max(self._map.to_utf16(first), start) - start
            b = min(self._map.to_utf16(last), end) - start
            # From the line the stretch starts on to the one it ends on, not every line.
            for line, line_start, line_end, y, height in places[max(0, bisect_right(starts, a) - 1) :]:
                if line_start >= b:
                    break
                if a >= line_end:
                    continue
                x = _x(line, max(a, line_start))
                box = QRectF(left + x, y, _x(line, min(b, line_end)) - x, height)
                painter.fillRect(box, colour)
                if current:
                    painter.fillRect(QRectF(box.left(), box.bottom() - 1.5, box.width(), 1.5), CURRENT_UNDERLINE)

    def _on_cursor_moved(self) -> None:
        self.caret_moved.emit(self.caret_position())

    def _colour(self, hex_colour: str | None) -> QColor:
        """The translucent colour a theme is painted in: its variant readable on this page."""
        key = hex_colour or UNTAGGED_COLOUR
        if key not in self._variants:
            palette = self.palette()
            page = palette.color(QPalette.ColorRole.Base).name()
            text = palette.color(QPalette.ColorRole.Text).name()
            colour = QColor(readable_variant(key, page, text))
            colour.setAlpha(HIGHLIGHT_ALPHA)
            self._variants[key] = colour
        return self._variants[key]

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Pick the light or dark variants again when the page's colours change."""
        if event.type() == QEvent.Type.PaletteChange:
            self._variants.clear()
            self.viewport().update()
        super().changeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Let Escape clear the selection, as readers expect."""
        if event.key() == Qt.Key.Key_Escape and self.textCursor().hasSelection():
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
            return
        super().keyPressEvent(event)


def _x(line: QTextLine, position: int) -> float:
    """Where a position of the block falls along a line (PySide gives the position back too)."""
    x, _position = cast(tuple[float, int], line.cursorToX(position))
    return x
