"""The agreement between coders of the open document, theme by theme, as a table to read, copy or save."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.agreement import AGREEMENT_COLUMNS, ThemeAgreement, agreement_csv, agreement_rows
from app.ui.themes.statistics import figures_table

CODERS = AGREEMENT_COLUMNS.index("coders")
EXPLAINED = (
    "Every character of the text is a unit each coder coded with the theme or did not. "
    "Cohen's kappa compares two coders, Krippendorff's alpha three or more: 1 is perfect "
    "agreement, 0 what chance gives."
)


class AgreementDialog(QDialog):
    """One row a theme: who coded how much, where all or some did, agreement %, kappa or alpha."""

    def __init__(
        self, title: str, found: list[ThemeAgreement], save: Callable[[str], None], parent: QWidget | None = None
    ) -> None:
        """Show `found` for the document `title`; Save hands the CSV text to `save`."""
        super().__init__(parent)
        self.setWindowTitle(f"Agreement between coders: {title}")
        self.found = found
        coders = found[0].agreement.coders if found else ()
        heading = QLabel(f"Coders: {', '.join(coders)}. {EXPLAINED}")
        heading.setWordWrap(True)
        # The coders are named above, once: a column repeating them on every row only
        # pushed the figures out of sight.
        headers = [c for i, c in enumerate(AGREEMENT_COLUMNS) if i != CODERS]
        rows = [[c for i, c in enumerate(row) if i != CODERS] for row in agreement_rows(found)]
        self.table = figures_table("Agreement between coders, theme by theme", headers, rows, keys=1)
        heading.setBuddy(self.table)
        copy = QPushButton("&Copy as table")
        copy.setAccessibleName("Copy the agreement as a table")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.tab_separated()))
        keep = QPushButton("&Save as CSV…")
        keep.setAccessibleName("Save the agreement as a CSV file")
        keep.clicked.connect(lambda: save(agreement_csv(self.found)))
        buttons = QDialogButtonBox()
        buttons.addButton(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(keep, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(980, 420)

    def tab_separated(self) -> str:
        """Return the table as tab-separated text (pastes into a spreadsheet)."""
        return "\n".join("\t".join(row) for row in [AGREEMENT_COLUMNS, *agreement_rows(self.found)]) + "\n"
