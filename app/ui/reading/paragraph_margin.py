"""Paragraph numbers in the reader's left margin: the numbers that citations use."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QPlainTextEdit, QWidget

# Room for "¶ 999" in the reading font's small size, with a gap before the text.
MARGIN_WIDTH = 56


class ParagraphMargin(QWidget):
    """Draws each paragraph's number beside its first line, for the lines on screen only.

    Numbers restart after every heading, as citations count them ("Chapter I, ¶ 4").
    """

    def __init__(self, reader: QPlainTextEdit) -> None:
        """Sit over the reader's left margin."""
        super().__init__(reader)
        self.setObjectName("paragraphMargin")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._reader = reader
        self._numbers: dict[int, int] = {}  # Qt block position -> paragraph number
        reader.updateRequest.connect(lambda _rect, _dy: self.update())

    def set_numbers(self, numbers: dict[int, int]) -> None:
        """Show these numbers, keyed by the Qt position of the block where each paragraph starts."""
        self._numbers = numbers
        self.update()

    def number_at(self, block_position: int) -> int | None:
        """Return the number drawn beside the block at this Qt position, if any."""
        return self._numbers.get(block_position)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Draw the numbers of the paragraphs whose first line is on screen."""
        if not self._numbers:
            return
        painter = QPainter(self)
        font = self._reader.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.75))
        painter.setFont(font)
        colour = self.palette().color(QPalette.ColorRole.PlaceholderText)
        painter.setPen(colour)
        viewport_top = self._reader.viewport().geometry().top() - self.geometry().top()
        offset = self._reader.contentOffset()
        block = self._reader.firstVisibleBlock()
        bottom = self.height()
        line_height = self._reader.fontMetrics().height()
        while block.isValid():
            top = int(self._reader.blockBoundingGeometry(block).translated(offset).top()) + viewport_top
            if top > bottom:
                break
            number = self._numbers.get(block.position())
            if number is not None and block.isVisible():
                painter.drawText(
                    QRect(0, top, self.width() - 12, line_height),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    str(number),
                )
            block = block.next()
        painter.end()
