"""Theme statistics drawn as charts: counts, co-occurrence and spread over the document."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.codebook import ThemeStatistics

ROW = 20
LABEL_WIDTH = 190
TOP_THEMES = 25
MATRIX_THEMES = 10
SPREAD_THEMES = 10


class BarChart(QWidget):
    """Highlights per theme: one bar per theme in its colour, longest first."""

    def __init__(self, stats: ThemeStatistics) -> None:
        """Draw the `TOP_THEMES` most used themes."""
        super().__init__()
        self.rows = [(t.path, t.colour, n) for t, n in stats.counts[:TOP_THEMES]]
        self.setAccessibleName("Highlights per theme")
        self.setAccessibleDescription("; ".join(f"{p}: {n}" for p, _c, n in self.rows) or "No themes yet.")
        self.setMinimumHeight(max(ROW, ROW * len(self.rows)) + 4)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As tall as its rows."""
        return QSize(560, self.minimumHeight())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Paint label, bar and number for each theme."""
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        top = max((n for _p, _c, n in self.rows), default=1)
        room = max(10, self.width() - LABEL_WIDTH - 50)
        for i, (path, colour, n) in enumerate(self.rows):
            y = 2 + i * ROW
            painter.setPen(text)
            label = painter.fontMetrics().elidedText(path, Qt.TextElideMode.ElideMiddle, LABEL_WIDTH - 8)
            painter.drawText(
                QRect(0, y, LABEL_WIDTH - 8, ROW), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label
            )
            width = max(2, round(room * n / top))
            painter.fillRect(LABEL_WIDTH, y + 3, width, ROW - 6, QColor(colour))
            painter.drawText(QRect(LABEL_WIDTH + width + 6, y, 44, ROW), Qt.AlignmentFlag.AlignVCenter, str(n))
        if not self.rows:
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No themes in this document yet.")
        painter.end()


class Matrix(QWidget):
    """Co-occurrence of the most used themes: darker cells for pairs found together more."""

    def __init__(self, stats: ThemeStatistics) -> None:
        """Start with pairs in the same highlight."""
        super().__init__()
        self.stats = stats
        self.paths = [t.path for t, _n in stats.counts[:MATRIX_THEMES]]
        self.setAccessibleName("Themes found together")
        self.show_pairs(same_paragraph=False)

    def show_pairs(self, *, same_paragraph: bool) -> None:
        """Switch between pairs in one highlight and pairs in one paragraph."""
        self.pairs = self.stats.same_paragraph if same_paragraph else self.stats.same_highlight
        listed = sorted(((n, a, b) for (a, b), n in self.pairs.items()), reverse=True)[:20]
        self.setAccessibleDescription("; ".join(f"{a} with {b}: {n}" for n, a, b in listed) or "No pairs.")
        self.setMinimumHeight(ROW * (len(self.paths) + 1) + 4)
        self.update()

    def count(self, a: str, b: str) -> int:
        """Return how often two themes were found together."""
        return self.pairs.get((min(a, b), max(a, b)), 0)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Paint the lower triangle of the matrix with counts in the cells."""
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        painter.setPen(text)
        cell = max(ROW, min(48, (self.width() - LABEL_WIDTH) // max(1, len(self.paths))))
        top = max(self.pairs.values(), default=1)
        metrics = painter.fontMetrics()
        for i, path in enumerate(self.paths):
            painter.drawText(
                QRect(0, ROW + i * ROW, LABEL_WIDTH - 8, ROW),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(f"{i + 1}. {path}", Qt.TextElideMode.ElideMiddle, LABEL_WIDTH - 8),
            )
            painter.drawText(QRect(LABEL_WIDTH + i * cell, 0, cell, ROW), Qt.AlignmentFlag.AlignCenter, str(i + 1))
            for j in range(i):
                n = self.count(path, self.paths[j])
                rect = QRect(LABEL_WIDTH + j * cell, ROW + i * ROW, cell - 2, ROW - 2)
                shade = QColor(40, 70, 140, 30 + round(200 * n / top) if n else 12)
                painter.fillRect(rect, shade)
                painter.setPen(QColor("#ffffff") if n and n / top > 0.55 else text)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(n) if n else "")
                painter.setPen(text)
        if len(self.paths) < 2:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Pairs appear once two themes are used.")
        painter.end()


class Spread(QWidget):
    """Where in the document each theme is used: a small bar per section, per theme."""

    def __init__(self, stats: ThemeStatistics) -> None:
        """Draw the `SPREAD_THEMES` most used themes over the document's sections."""
        super().__init__()
        self.sections = stats.sections
        self.rows = [(t.path, t.colour, stats.distribution.get(t.path, [])) for t, _n in stats.counts[:SPREAD_THEMES]]
        self.setAccessibleName("Themes across the document")
        self.setAccessibleDescription(
            "; ".join(f"{p}: " + ", ".join(map(str, counts)) for p, _c, counts in self.rows) or "No themes yet."
        )
        self.setMinimumHeight(ROW * (len(self.rows) + 1) + 4)
        # Wide enough for every section's label whole ("89–100%" was cut to "89–1…").
        widest = max((self.fontMetrics().horizontalAdvance(s.label) for s in self.sections), default=0)
        self.setMinimumWidth(LABEL_WIDTH + len(self.sections) * (widest + 8))

    def _cell(self) -> int:
        return max(8, (self.width() - LABEL_WIDTH) // max(1, len(self.sections)))

    def shown_labels(self) -> list[str]:
        """Return the section labels as drawn at the widget's present width (elided if need be)."""
        cell = self._cell()
        return [self.fontMetrics().elidedText(s.label, Qt.TextElideMode.ElideRight, cell) for s in self.sections]

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Paint, for each theme, one bar per section scaled to the theme's busiest section."""
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        painter.setPen(text)
        metrics = painter.fontMetrics()
        cell = self._cell()
        for k, label in enumerate(self.shown_labels()):
            painter.drawText(QRect(LABEL_WIDTH + k * cell, 0, cell, ROW), Qt.AlignmentFlag.AlignCenter, label)
        for i, (path, colour, counts) in enumerate(self.rows):
            y = ROW + i * ROW
            painter.drawText(
                QRect(0, y, LABEL_WIDTH - 8, ROW),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(path, Qt.TextElideMode.ElideMiddle, LABEL_WIDTH - 8),
            )
            busiest = max(counts, default=0) or 1
            for k, n in enumerate(counts):
                height = round((ROW - 4) * n / busiest)
                painter.fillRect(LABEL_WIDTH + k * cell + 2, y + ROW - 2 - height, cell - 4, height, QColor(colour))
            painter.drawLine(LABEL_WIDTH, y + ROW - 2, LABEL_WIDTH + cell * len(counts), y + ROW - 2)
        painter.end()


class StatisticsDialog(QDialog):
    """A document's theme statistics: three charts, the same numbers as tables, and a copy button.

    The charts are pictures; the Numbers tab gives every figure in tables a keyboard and
    a screen reader can walk cell by cell, with row and column headers.
    """

    def __init__(self, title: str, stats: ThemeStatistics, parent: QWidget | None = None) -> None:
        """Show the statistics of the document called `title`."""
        super().__init__(parent)
        self.setWindowTitle(f"Theme statistics — {title}")
        self.setAccessibleName("Theme statistics")
        self.stats = stats
        self.bars = BarChart(stats)
        self.matrix = Matrix(stats)
        self.spread = Spread(stats)
        self.pairs = QComboBox()
        # On Linux a combo box's accessible name is its current value; its caption is the
        # label it is the buddy of (elsewhere, this name).
        self.pairs.setAccessibleName("Count pairs in")
        self.pairs.addItems(["the same highlight", "the same paragraph"])
        self.pairs.currentIndexChanged.connect(lambda i: self.matrix.show_pairs(same_paragraph=i == 1))
        pairs_label = QLabel("Count p&airs in:")
        pairs_label.setBuddy(self.pairs)
        pairs_row = QHBoxLayout()
        pairs_row.addWidget(pairs_label)
        pairs_row.addWidget(self.pairs)
        pairs_row.addStretch(1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(_heading("Highlights per theme"))
        layout.addWidget(self.bars)
        layout.addWidget(_heading("Themes found together (numbered as in the rows)"))
        layout.addLayout(pairs_row)
        layout.addWidget(self.matrix)
        layout.addWidget(_heading("Where in the document (each theme scaled to its busiest part)"))
        layout.addWidget(self.spread)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.theme_table = figures_table("Highlights per theme and part of the document", *self.theme_rows(), keys=1)
        self.pair_table = figures_table("Themes found together", *self.pair_rows(), keys=2)
        numbers = QWidget()
        numbers_layout = QVBoxLayout(numbers)
        for caption, table in (("&Themes:", self.theme_table), ("&Pairs of themes:", self.pair_table)):
            label = QLabel(caption)
            label.setBuddy(table)
            numbers_layout.addWidget(label)
            numbers_layout.addWidget(table, 1)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Charts or numbers")
        self.tabs.addTab(scroll, "C&harts")
        self.tabs.addTab(numbers, "&Numbers")
        copy = QPushButton("&Copy as table")
        copy.setAccessibleName("Copy the numbers as a table")
        copy.clicked.connect(self.copy_table)
        buttons = QDialogButtonBox()
        buttons.addButton(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs)
        outer.addWidget(buttons)
        # Wide enough for every section of the spread, so that no chart hides its right end
        # (the longest bar's number was cut off behind a scroll bar).
        self.resize(max(760, self.spread.minimumWidth() + 80), 640)

    def theme_rows(self) -> tuple[list[str], list[list[str]]]:
        """Return the headers and rows of highlights per theme, in all and per part of the document."""
        headers = ["theme", "highlights", *(s.label for s in self.stats.sections)]
        rows = [
            [tag.path, str(n), *map(str, self.stats.distribution.get(tag.path, []))] for tag, n in self.stats.counts
        ]
        return headers, rows

    def pair_rows(self) -> tuple[list[str], list[list[str]]]:
        """Return the headers and rows of themes found together, in one highlight and in one paragraph."""
        pairs = sorted(set(self.stats.same_highlight) | set(self.stats.same_paragraph))
        rows = [
            [a, b, str(self.stats.same_highlight.get((a, b), 0)), str(self.stats.same_paragraph.get((a, b), 0))]
            for a, b in pairs
        ]
        return ["theme", "theme", "same highlight", "same paragraph"], rows

    def table(self) -> str:
        """Return the numbers as tab-separated text (pastes into a spreadsheet)."""
        blocks = []
        for headers, rows in (self.theme_rows(), self.pair_rows()):
            blocks.append("\n".join("\t".join(cells) for cells in [headers, *rows]))
        return "\n\n".join(blocks) + "\n"

    def copy_table(self) -> None:
        """Put the numbers on the clipboard."""
        QGuiApplication.clipboard().setText(self.table())


def figures_table(name: str, headers: list[str], rows: list[list[str]], *, keys: int) -> QTableWidget:
    """A read-only table of figures, named, walkable cell by cell.

    The first `keys` columns name a row ("power/soviets", "a with b") and become its row
    header, so that a screen reader says which theme a number belongs to.
    """
    table = QTableWidget(len(rows), len(headers) - keys)
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers[keys:])
    table.setVerticalHeaderLabels([" with ".join(cells[:keys]) for cells in rows])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the table, arrows walk it
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells[keys:]):
            item = QTableWidgetItem(cell)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # figures line up
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    return table


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setTextFormat(Qt.TextFormat.RichText)
    return label
