"""Headings in the reader: bold, the top levels larger, the characters untouched."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor, QTextDocument, QTextFormat

from app.domain.structure import Heading
from app.domain.text import Utf16Map

HEADING_STEPS = 3  # level 1 headings are two size steps up, level 2 one step


def embolden(document: QTextDocument, utf16: Utf16Map, headings: Sequence[Heading]) -> None:
    """Set `headings` (code-point offsets, through `utf16`) in bold, sized relative to the reading font."""
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    for heading in headings:
        emphasis = QTextCharFormat()
        emphasis.setFontWeight(QFont.Weight.Bold)
        emphasis.setProperty(QTextFormat.Property.FontSizeAdjustment, max(0, HEADING_STEPS - heading.level))
        cursor.setPosition(utf16.to_utf16(heading.start))
        cursor.setPosition(utf16.to_utf16(heading.start + len(heading.title)), QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(emphasis)
    cursor.endEditBlock()
