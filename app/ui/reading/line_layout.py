"""Line and paragraph spacing for the reader, on top of Qt's fast plain-text layout."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTextBlock, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout

# The choices offered (View -> Line spacing): line height as a multiple of the font's own,
# and the blank line between paragraphs as a multiple of a (spaced) line.
LINE_SPACINGS = {"single": 1.0, "relaxed": 1.2, "one-and-a-half": 1.5, "double": 2.0}
PARAGRAPH_SPACINGS = {"compact": 0.5, "normal": 1.0, "wide": 1.5}
DEFAULT_LINE_SPACING = "relaxed"
DEFAULT_PARAGRAPH_SPACING = "normal"
# Qt keeps line positions in 1/64 px: a line set at its gap reads back up to 1/128 px off.
POSITION_TOLERANCE = 0.1


class SpacedLayout(QPlainTextDocumentLayout):
    """Qt's plain-text layout, with its lines moved apart after Qt has broken them.

    QPlainTextEdit ignores a block's line height; a rich-text layout honours it but takes
    many times as long to open a long book. Here Qt lays out each block as usual, lazily
    and only where it is shown, and the block's size is asked for before it is painted or
    hit-tested: at that moment each line is set in a slot `line` times its height, the
    text centred in it (as CSS does), and an empty block (the blank line between
    paragraphs) gets `paragraph` times a slot. Caret, selection and clicks all follow the
    lines' positions, so they stay right.
    """

    def __init__(self, document: QTextDocument) -> None:
        """Lay out `document` with single spacing until told otherwise."""
        super().__init__(document)
        self.line = 1.0
        self.paragraph = 1.0

    def set_spacing(self, line: float, paragraph: float) -> None:
        """Space lines `line` times their height and paragraphs `paragraph` times a line; lay out again."""
        if (line, paragraph) == (self.line, self.paragraph):
            return
        self.line, self.paragraph = line, paragraph
        document = self.document()
        document.markContentsDirty(0, document.characterCount())

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 - Qt override
        """Return the block's rectangle with its lines spaced (spacing them first if Qt laid them out anew).

        Qt asks for this hundreds of times a page, so the usual case (already spaced) costs
        a handful of calls: Qt's own layout stacks lines from 0, and once spaced the first
        line starts at its half gap.
        """
        rect = super().blockBoundingRect(block)
        if self.line == 1.0 and self.paragraph == 1.0:
            return rect
        first = block.layout().lineAt(0)
        if not first.isValid():
            return rect
        height = first.height()
        factor = self.line if first.textLength() else self.line * self.paragraph
        gap = (factor - 1.0) * height / 2
        if abs(first.y() - gap) > POSITION_TOLERANCE:
            layout = block.layout()
            y = 0.0
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                line.setPosition(QPointF(line.x(), y + (factor - 1.0) * line.height() / 2))
                y += line.height() * factor
            rect = super().blockBoundingRect(block)
        # The last line's lower half gap; lines of one block share a height (one font each).
        rect.adjust(0, 0, 0, gap)
        return rect
