"""Painting highlight rows at one fixed height, so long lists lay out instantly."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.domain.members import initials, member_colour
from app.ui.highlights.list_model import AUTHOR_ROLE, NOTE_ROLE, QUOTE_ROLE, TAGS_ROLE

LINES = 3
PADDING = 6
BAR_WIDTH = 5


def row_height(metrics: QFontMetrics) -> int:
    """The height of every row: three text lines and padding."""
    return metrics.lineSpacing() * LINES + 2 * PADDING


class HighlightDelegate(QStyledItemDelegate):
    """Draws a colour bar, the quote, the themes and the note, one elided line each.

    Every row has the same height, so the view never measures rows one by one (which
    took most of a second at 10,000 rows).
    """

    def sizeHint(self, option: QStyleOptionViewItem, _index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        """Return the fixed row size: three text lines and padding."""
        return QSize(200, row_height(option.fontMetrics))

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Paint the row: selection background, colour bar and three lines of text.

        The option is used as the view gives it: `initStyleOption` would ask the model for
        a dozen roles this painting never uses, a Python call each, on every row painted.
        """
        widget = option.widget
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if widget is not None:
            # Only the row background (selection, hover); the text is painted below.
            widget.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        colour = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(colour, QColor):
            painter.fillRect(QRect(rect.left() + 2, rect.top() + 3, BAR_WIDTH, rect.height() - 6), colour)
        palette: QPalette = option.palette
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = QColor(text_colour)
        muted.setAlpha(170)
        left = rect.left() + BAR_WIDTH + 2 * PADDING
        width = rect.width() - (left - rect.left()) - PADDING
        line = option.fontMetrics.lineSpacing()
        author = index.data(AUTHOR_ROLE)
        if author:
            width -= self._paint_member(painter, option, QRect(left, rect.top() + PADDING, width, line), author)
        quote_font = QFont(option.font)
        quote_font.setItalic(True)
        tags, note = index.data(TAGS_ROLE), index.data(NOTE_ROLE)
        lines = (
            (index.data(QUOTE_ROLE), quote_font, text_colour),
            (tags or "no themes", option.font, text_colour if tags else muted),
            (f"✎ {note}" if note else "", option.font, muted),
        )
        for i, (text, font, pen) in enumerate(lines):
            if not text:
                continue
            painter.setFont(font)
            painter.setPen(pen)
            box = QRect(left, rect.top() + PADDING + i * line, width, line)
            elided = painter.fontMetrics().elidedText(str(text), Qt.TextElideMode.ElideRight, width)
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided)
        painter.restore()

    @staticmethod
    def _paint_member(painter: QPainter, option: QStyleOptionViewItem, line: QRect, author: str) -> int:
        """Paint who made the highlight, as initials on their colour, right of `line`; return the width taken."""
        letters = initials(author)
        small = QFont(option.font)
        small.setBold(True)
        metrics = QFontMetrics(small)
        side = max(line.height(), metrics.horizontalAdvance(letters) + 6)
        badge = QRect(line.right() - side + 1, line.top(), side, line.height())
        painter.fillRect(badge, QColor(member_colour(author)))
        painter.setFont(small)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, letters)
        return side + PADDING
