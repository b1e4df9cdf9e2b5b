"""New editions in the window: re-anchoring off the UI thread, and the review of the outcome."""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.editions import EditionPlan, EditionReport, Placement, VersionSummary
from app.domain.progress import Cancelled


class EditionWorker(QThread):
    """Runs the re-anchoring of a plan on a worker thread, reporting progress."""

    progressed = Signal(int, int)
    succeeded = Signal(object)  # EditionOutcome

    def __init__(self, plan: EditionPlan) -> None:
        """Prepare to run `plan`."""
        super().__init__()
        self.plan = plan
        self.cancel_requested = False
        self.error: str | None = None

    def run(self) -> None:
        """Re-anchor; the plan is pure, so no database is touched on this thread."""
        try:
            outcome = self.plan.run(self._progress)
        except Cancelled:
            return
        self.succeeded.emit(outcome)

    def _progress(self, done: int, total: int) -> None:
        if self.cancel_requested:
            raise Cancelled
        self.progressed.emit(done, total)


LABELS = {
    Placement.UNCHANGED: "Unchanged",
    Placement.MOVED: "Moved",
    Placement.APPROXIMATE: "Changed wording: review",
    Placement.ORPHANED: "Not found: kept as an orphan",
}


class ReviewDialog(QDialog):
    """What happened to each highlight in a new edition; accept or go to the ones to review."""

    accept_requested = Signal(int)
    show_requested = Signal(int)
    move_requested = Signal(int)

    def __init__(self, report: EditionReport, parent: QWidget | None = None) -> None:
        """List the highlights that did not simply stay, and a summary of the rest."""
        super().__init__(parent)
        self.setObjectName("reviewDialog")
        self.setWindowTitle(f"Edition {report.number}: where the highlights went")
        self.setAccessibleName("Review of the new edition")
        self.report = report
        notable = [i for i in report.items if i.placement in (Placement.APPROXIMATE, Placement.ORPHANED)]
        counts = ", ".join(f"{report.count(p)} {p.value}" for p in Placement)
        summary = QLabel(
            f"{counts}. Orphans keep their quote, themes and note: select the passage in the text, "
            "choose the orphan under the highlights and press A to attach it."
        )
        summary.setWordWrap(True)
        self.table = QTableWidget(len(notable), 3)
        self.table.setAccessibleName("Highlights to review")
        self.table.setHorizontalHeaderLabels(["Outcome", "Old wording", "New wording"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.items = notable
        for row, item in enumerate(notable):
            for column, value in enumerate((LABELS[item.placement], item.old_wording, item.new_wording or "—")):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox()
        self.accept_button = buttons.addButton("&Accept new place", QDialogButtonBox.ButtonRole.ActionRole)
        self.accept_button.setAccessibleName("Accept the new place of the selected highlight")
        self.show_button = buttons.addButton("&Show in text", QDialogButtonBox.ButtonRole.ActionRole)
        self.show_button.setAccessibleName("Show the selected highlight in the text")
        self.move_button = buttons.addButton("&Pick another place…", QDialogButtonBox.ButtonRole.ActionRole)
        self.move_button.setAccessibleName("Pick another place for the selected highlight")
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.clicked.connect(self.reject)
        buttons.rejected.connect(self.reject)
        self.accept_button.clicked.connect(self._accept_selected)
        self.show_button.clicked.connect(self._show_selected)
        self.move_button.clicked.connect(self._move_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(820, 420)
        if notable:
            self.table.selectRow(0)
        self._update_buttons()

    def _selected(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_buttons(self) -> None:
        row = self._selected()
        item = self.items[row] if row is not None else None
        self.accept_button.setEnabled(item is not None and item.placement is Placement.APPROXIMATE)
        self.show_button.setEnabled(item is not None and item.placement is Placement.APPROXIMATE)
        self.move_button.setEnabled(item is not None and item.placement is Placement.APPROXIMATE)

    def _accept_selected(self) -> None:
        row = self._selected()
        if row is not None:
            self.accept_requested.emit(self.items[row].highlight_id)
            cell = self.table.item(row, 0)
            if cell is not None:
                cell.setText("Accepted")
            self.accept_button.setEnabled(False)

    def _move_selected(self) -> None:
        row = self._selected()
        if row is not None:
            self.move_requested.emit(self.items[row].highlight_id)
            self.accept()

    def _show_selected(self) -> None:
        row = self._selected()
        if row is not None:
            self.show_requested.emit(self.items[row].highlight_id)


class VersionsDialog(QDialog):
    """The editions of the open document."""

    def __init__(self, versions: list[VersionSummary], title: str, parent: QWidget | None = None) -> None:
        """List the editions, oldest first."""
        super().__init__(parent)
        self.setObjectName("versionsDialog")
        self.setWindowTitle(f"Editions of {title}")
        self.setAccessibleName("Editions")
        self.table = QTableWidget(len(versions), 5)
        self.table.setAccessibleName("Editions")
        self.table.setHorizontalHeaderLabels(
            ["Edition", "Added (UTC)", "Characters", "Highlights made on it", "SHA-256"]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, v in enumerate(versions):
            values = (
                v.label,
                f"{v.created_at:%Y-%m-%d %H:%M}",
                f"{v.characters:,}",
                str(v.highlights_made),
                v.sha256[:16] + "…",
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(680, 260)
