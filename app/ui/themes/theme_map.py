"""The theme map: a narrow strip beside the text showing where each theme's highlights fall."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import QAbstractButton, QWidget

from app.domain.codebook import map_rows
from app.domain.text import plural
from app.domain.values import Highlight
from app.ui.common.speech import announce

WIDTH = 16
MAX_COLOURS = 3  # a pixel row shows up to three themes side by side
UNTAGGED = "#9a9a9a"
# A highlight in a long book maps to less than a pixel row; each mark is drawn at least
# this tall (a later row draws over the rest of it), so that it can be seen.
MARK_HEIGHT = 3
# The keyboard walks the map in parts of the text, each heard as its themes.
PARTS = 20
STEPS = {
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_PageDown: PARTS // 4,
    Qt.Key.Key_PageUp: -PARTS // 4,
    Qt.Key.Key_End: PARTS,
    Qt.Key.Key_Home: -PARTS,
}


class ThemeMap(QAbstractButton):
    """Draws every highlight at its place along the whole text, in its themes' colours.

    A highlight with several themes shows each of them (up to three per pixel row);
    a frame marks the part of the text on screen. A click asks to go to that place.
    From the keyboard (and to a screen reader, a button) Up and Down walk the text in
    twentieths, saying which themes fall in each; Enter or Space goes there.
    """

    position_requested = Signal(int)  # code-point offset into the text

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start with no text."""
        super().__init__(parent)
        self.setObjectName("themeMap")
        self.setAccessibleName("Theme map")
        self.setAccessibleDescription(
            "Where the highlights fall in the whole text. Up and Down go through it in twentieths "
            "and say the themes there; Enter goes there."
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFixedWidth(WIDTH)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._length = 0
        self._highlights: list[Highlight] = []
        self._rows: dict[int, list[str]] | None = None
        self._rows_height = -1
        self._marks: QPixmap | None = None
        self._visible = (0.0, 0.0)
        self.part = 0
        self.clicked.connect(self._go_to_part)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """A narrow strip."""
        return QSize(WIDTH, 200)

    def set_highlights(self, text_length: int, highlights: list[Highlight]) -> None:
        """Show these highlights of a text of `text_length` code points."""
        self._length = text_length
        self._highlights = highlights
        self._rows = None
        self._marks = None
        self.update()

    def shown(self) -> int:
        """How many highlights the map shows."""
        return len(self._highlights)

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

    def _drawn_marks(self) -> QPixmap:
        """The strip with its highlight marks, drawn once until the highlights, size or colours change.

        Every scroll repaints the strip to move its frame: drawing 100,000 highlights'
        marks each time cost as much as the page of text.
        """
        ratio = self.devicePixelRatioF()
        if self._marks is None or self._marks.size() != self.size() * ratio:
            marks = QPixmap(self.size() * ratio)
            marks.setDevicePixelRatio(ratio)
            marks.fill(self.palette().color(QPalette.ColorRole.Window).darker(104))
            painter = QPainter(marks)
            width = self.width() - 2
            colours: dict[str, QColor] = {}
            for y, row in self._pixel_rows().items():
                part = width // len(row)
                for i, colour in enumerate(row):
                    wide = part if i < len(row) - 1 else width - i * part
                    painter.fillRect(1 + i * part, y, wide, MARK_HEIGHT, colours.setdefault(colour, QColor(colour)))
            painter.end()
            self._marks = marks
        return self._marks

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Draw the marks again on the new background when the colours change."""
        if event.type() == QEvent.Type.PaletteChange:
            self._marks = None
        super().changeEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Paint the strip: highlight marks, then the frame of the visible part."""
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._drawn_marks())
        start, end = self._visible
        if end > start:
            frame = QColor(self.palette().color(QPalette.ColorRole.WindowText))
            frame.setAlpha(140)
            painter.setPen(frame)
            top = int(start * self.height())
            painter.drawRect(QRect(0, top, self.width() - 1, max(2, int(end * self.height()) - top)))
        if self.hasFocus():
            painter.setPen(self.palette().color(QPalette.ColorRole.Highlight))
            top, bottom = (int(self.height() * k / PARTS) for k in (self.part, self.part + 1))
            painter.drawRect(QRect(0, top, self.width() - 1, max(2, bottom - top - 1)))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """Go to the place of the text under the click."""
        if event.button() == Qt.MouseButton.LeftButton and self._length:
            fraction = min(max(event.position().y() / max(1, self.height()), 0.0), 1.0)
            self.position_requested.emit(min(self._length - 1, int(fraction * self._length)))

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """A click went to its place on press; the button's own click is for the keyboard."""

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        """Start the keyboard walk at the part of the text on screen."""
        super().focusInEvent(event)
        self.part = min(PARTS - 1, int(self._visible[0] * PARTS))
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Up, Down, Page Up, Page Down, Home and End walk the parts; Enter goes to one."""
        step = STEPS.get(Qt.Key(event.key()))
        if step is not None:
            self.part = min(max(self.part + step, 0), PARTS - 1)
            self.update()
            announce(self, self.describe_part())
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
        else:
            super().keyPressEvent(event)

    def _part_span(self) -> tuple[int, int]:
        return self._length * self.part // PARTS, self._length * (self.part + 1) // PARTS

    def describe_part(self) -> str:
        """Say where the keyboard stands on the map and which themes its highlights have."""
        start, end = self._part_span()
        inside = [h for h in self._highlights if start <= h.start < end]
        where = f"{100 * self.part // PARTS}–{100 * (self.part + 1) // PARTS}% of the text"
        if not inside:
            return f"{where}: no highlights."
        themes = Counter(tag.path for h in inside for tag in h.tags)
        untagged = sum(1 for h in inside if not h.tags)
        named = [f"{path} {n}" for path, n in themes.most_common()] + ([f"no theme {untagged}"] if untagged else [])
        return f"{where}: {plural(len(inside), 'highlight')}: " + ", ".join(named) + "."

    def _go_to_part(self) -> None:
        """Go to the first highlight in the part the keyboard stands on, or to the part's start."""
        start, end = self._part_span()
        first = min((h.start for h in self._highlights if start <= h.start < end), default=start)
        if self._length:
            self.position_requested.emit(min(self._length - 1, first))
