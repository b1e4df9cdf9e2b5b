"""The theme map: a narrow strip beside the text showing where each theme's highlights fall."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QWidget

from app.domain.codebook import map_rows
from app.domain.values import Highlight

WIDTH = 16
MAX_COLOURS = 3  # a pixel row shows up to three themes side by side
UNTAGGED = "#9a9a9a"
# A highlight in a long book maps to less than a pixel row; each mark is drawn at least
# this tall (a later row draws over the rest of it), so that it can be seen.
MARK_HEIGHT = 3


class ThemeMap(QWidget):
    """Draws every highlight at its place along the whole text, in its themes' colours.

    A highlight with several themes shows each of them (up to three per pixel row);
    a frame marks the part of the text on screen. A click asks to go to that place.
    """

    position_requested = Signal(int)  # code-point offset into the text

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start with no text."""
        super().__init__(parent)
        self.setObjectName("themeMap")
        self.setAccessibleName("Theme map")
        self.setAccessibleDescription("Where the highlights fall in the whole text, in their themes' colours.")
        self.setFixedWidth(WIDTH)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._length = 0
        self._highlights: list[Highlight] = []
        self._rows: dict[int, list[str]] | None = None
        self._rows_height = -1
        self._visible = (0.0, 0.0)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """A narrow strip."""
        return QSize(WIDTH, 200)

    def set_highlights(self, text_length: int, highlights: list[Highlight]) -> None:
        """Show these highlights of a text of `text_length` code points."""
        self._length = text_length
        self._highlights = highlights
        self._rows = None
        self.update()

    def set_visible_range(self, start: float, end: float) -> None:
        """Mark the fraction of the text on screen (0 to 1)."""
        if (start, end) != self._visible:
            self._visible = (start, end)
            self.update()

    def colours_at(self, y: int) -> list[str]:
        """Return the theme colours drawn on pixel row `y` (what a reader sees there)."""
        return list(self._pixel_rows().get(y, []))

    def _pixel_rows(self) -> dict[int, list[str]]:
        height = max(1, self.height())
        if self._rows is None or self._rows_height != height:
            self._rows = map_rows(self._highlights, self._length, height, MAX_COLOURS, UNTAGGED)
            self._rows_height = height
        return self._rows

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Paint the strip: highlight marks, then the frame of the visible part."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Window).darker(104))
        width = self.width() - 2
        for y, colours in self._pixel_rows().items():
            part = width // len(colours)
            for i, colour in enumerate(colours):
                wide = part if i < len(colours) - 1 else width - i * part
                painter.fillRect(1 + i * part, y, wide, MARK_HEIGHT, QColor(colour))
        start, end = self._visible
        if end > start:
            frame = QColor(self.palette().color(QPalette.ColorRole.WindowText))
            frame.setAlpha(140)
            painter.setPen(frame)
            top = int(start * self.height())
            painter.drawRect(QRect(0, top, self.width() - 1, max(2, int(end * self.height()) - top)))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """Go to the place of the text under the click."""
        if event.button() == Qt.MouseButton.LeftButton and self._length:
            fraction = min(max(event.position().y() / max(1, self.height()), 0.0), 1.0)
            self.position_requested.emit(min(self._length - 1, int(fraction * self._length)))
