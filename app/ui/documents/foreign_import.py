"""The preview of an import of highlights from another tool: which document each book goes to, colours to themes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.text import excerpt, plural
from app.services.foreign import COLOUR_THEME, BookReport, HighlightImport

# What the preview asks of the library: the import as it would be, nothing stored.
Preview = Callable[[list[int | None], dict[str, str]], HighlightImport]
_LEFT_OUT = "— leave this book out —"
_COUNTS = ("Found", "Placed exactly", "Changed wording", "Already here", "Not found: orphans")


def _counts(report: BookReport) -> tuple[int, ...]:
    if report.document_id is None:
        return (report.found, 0, 0, 0, 0)
    return (report.found, report.exact, report.reworded, report.already, len(report.not_placed))


class ForeignImportDialog(QDialog):
    """Shows what an import would do, per book, before anything is stored; Import stores it as one change."""

    def __init__(
        self,
        file_name: str,
        first: HighlightImport,
        documents: Sequence[tuple[int, str]],
        preview: Preview,
        parent: QWidget | None = None,
        import_text: Callable[[], tuple[int, str] | None] | None = None,
    ) -> None:
        """Preview `first` (the import as matched by title); `preview` recounts after each choice.

        With `import_text` (which asks for a file, imports it and returns the new
        document's id and title, or None), a book missing from the library can be brought
        in from here, and goes to the book being chosen for.
        """
        super().__init__(parent)
        self.setObjectName("foreignImportDialog")
        self.setWindowTitle(f"Import highlights from {file_name}")
        self.setAccessibleName("Import highlights")
        self._preview = preview
        heading = QLabel(
            f"{file_name} ({first.format}): {plural(len(first.books), 'book')}, "
            f"{plural(sum(b.found for b in first.books), 'highlight')}. Choose the document each book "
            "goes to; nothing is stored until you press Import, and one Ctrl+Z takes it all back."
        )
        heading.setWordWrap(True)
        self.books = QTableWidget(len(first.books), 2 + len(_COUNTS))
        self.books.setAccessibleName("Books in the file")
        self.books.setHorizontalHeaderLabels(["Book", "Goes to", *_COUNTS])
        self.books.verticalHeader().setVisible(False)
        self.books.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Where each book goes: one captioned list each, so that a screen reader names it.
        choices = QWidget()
        form = QFormLayout(choices)
        self.choosers: list[QComboBox] = []
        for row, report in enumerate(first.books):
            name = report.title or "(a book the file does not name)"
            self.books.setItem(row, 0, QTableWidgetItem(excerpt(name, 60)))
            chooser = QComboBox()
            chooser.addItem(_LEFT_OUT, None)
            for document_id, title in documents:
                chooser.addItem(excerpt(title, 60), document_id)
            chooser.setCurrentIndex(max(0, chooser.findData(report.document_id)))
            chooser.currentIndexChanged.connect(self._recount)
            caption = QLabel(f"{excerpt(name, 50)} goes to:")
            caption.setBuddy(chooser)
            form.addRow(caption, chooser)
            self.choosers.append(chooser)
        scroller = QScrollArea()
        scroller.setWidget(choices)
        scroller.setWidgetResizable(True)
        scroller.setMaximumHeight(160)
        colours = list(dict.fromkeys(c for b in first.books for c in b.colours))
        self.colours = QTableWidget(len(colours), 2)
        self.colours.setAccessibleName("Colours become themes")
        self.colours.setHorizontalHeaderLabels(["Colour", "Theme (empty: none)"])
        self.colours.verticalHeader().setVisible(False)
        for row, colour in enumerate(colours):
            fixed = QTableWidgetItem(colour)
            fixed.setFlags(fixed.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.colours.setItem(row, 0, fixed)
            self.colours.setItem(row, 1, QTableWidgetItem(COLOUR_THEME.format(colour)))
        self.colours.itemChanged.connect(self._recount)
        self.colours.setVisible(bool(colours))
        colours_label = QLabel("&Colours become themes:")
        colours_label.setBuddy(self.colours)
        colours_label.setVisible(bool(colours))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleDescription("What the import will do")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setAutoDefault(False)  # Enter imports, wherever the focus is; Escape cancels
        self.import_button.setDefault(True)
        self._import_text = import_text
        self.text_button = self.buttons.addButton("Import the book's &text…", QDialogButtonBox.ButtonRole.ActionRole)
        self.text_button.setAutoDefault(False)
        self.text_button.setVisible(import_text is not None)
        self.text_button.clicked.connect(self._bring_text)
        self._chosen_last = 0
        for row, chooser in enumerate(self.choosers):
            chooser.activated.connect(lambda _index, row=row: self._note_chosen(row))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for table in (self.books, self.colours):
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.books)
        layout.addWidget(scroller)
        layout.addWidget(colours_label)
        layout.addWidget(self.colours)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.resize(1100, 460)
        self._show(first)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Start on the first book's document: the choice the preview asks for."""
        super().showEvent(event)
        if self.choosers:
            self.choosers[0].setFocus()

    def targets(self) -> list[int | None]:
        """The document chosen for each book (None: left out)."""
        return [chooser.currentData() for chooser in self.choosers]

    def colour_themes(self) -> dict[str, str]:
        """Each colour's theme ("" for none), as the table now says."""
        mapping = {}
        for row in range(self.colours.rowCount()):
            colour, theme = self.colours.item(row, 0), self.colours.item(row, 1)
            if colour is not None:
                mapping[colour.text()] = theme.text().strip() if theme is not None else ""
        return mapping

    def _note_chosen(self, row: int) -> None:
        self._chosen_last = row

    def _bring_text(self) -> None:
        """Import a text for a book the library lacks, and send that book's highlights to it."""
        if self._import_text is None:
            return
        added = self._import_text()
        if added is None:
            return
        document_id, title = added
        for chooser in self.choosers:
            if chooser.findData(document_id) < 0:
                chooser.blockSignals(True)
                chooser.addItem(excerpt(title, 60), document_id)
                chooser.blockSignals(False)
        # The first book left out is the one lacking its text; else the one last chosen for.
        waiting = next((row for row, c in enumerate(self.choosers) if c.currentData() is None), self._chosen_last)
        target = self.choosers[waiting]
        target.setCurrentIndex(target.findData(document_id))
        target.setFocus()
        self._recount()

    def _recount(self) -> None:
        self._show(self._preview(self.targets(), self.colour_themes()))

    def _show(self, preview: HighlightImport) -> None:
        for row, report in enumerate(preview.books):
            chosen = self.choosers[row].currentText() if row < len(self.choosers) else _LEFT_OUT
            self.books.setItem(row, 1, QTableWidgetItem(excerpt(chosen, 36)))
            for column, count in enumerate(_counts(report), start=2):
                item = QTableWidgetItem(f"{count:,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.books.setItem(row, column, item)
        placed = sum(b.exact + b.reworded for b in preview.books if b.document_id is not None)
        orphans = sum(len(b.not_placed) for b in preview.books if b.document_id is not None)
        updated = sum(b.updated for b in preview.books if b.document_id is not None)
        left = [b for b in preview.books if b.document_id is None]
        text = f"Import will add {plural(placed, 'highlight')} and {plural(orphans, 'orphan')} (to attach by hand)."
        if updated:
            text += f" {plural(updated, 'highlight')} already here will get the newer note or themes."
        if left:
            text += f" {plural(len(left), 'book')} left out: choose a document for it, or import the book's text."
        self.summary.setText(text)
        self.import_button.setEnabled(placed + orphans + updated > 0)
