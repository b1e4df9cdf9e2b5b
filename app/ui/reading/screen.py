"""The blocks of text on a plain-text editor's screen, and where each lies there."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTextBlock
from PySide6.QtWidgets import QPlainTextEdit


def blocks_on_screen(editor: QPlainTextEdit, top: float, bottom: float) -> Iterator[tuple[QTextBlock, QRectF, QPointF]]:
    """Yield each shown block reaching into the viewport's rows `top` to `bottom`: the block, its rectangle, its origin.

    A plain-text layout knows no block's place in the document, only its size, so the
    places are added up from the first block on the screen.
    """
    offset = editor.contentOffset()
    block = editor.firstVisibleBlock()
    while block.isValid():
        rect = editor.blockBoundingRect(block).translated(offset)
        if rect.top() > bottom:
            return
        if block.isVisible() and rect.bottom() >= top:
            yield block, rect, QPointF(offset)
        offset.setY(offset.y() + rect.height())
        block = block.next()
