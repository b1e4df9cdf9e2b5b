"""The export dialog (Ctrl+E): choose what and how, preview it live, save or copy it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.export import ExportFormat, ExportOrder, ExportTemplateError
from app.domain.text import plural
from app.services import StorageError
from app.services.files import write_whole
from app.ui.common.file_dialogs import open_paths, save_path
from app.ui.common.preferences import Preferences
from app.ui.common.speech import announce
from app.ui.desk.controller import DeskController

PREVIEW_CHARS = 100_000
PREVIEW_DELAY_MS = 150
SCOPES = {"document": "This document", "themes": "Highlights with the chosen themes", "library": "The whole library"}
ORDERS = {
    ExportOrder.TEXT: "Text order",
    ExportOrder.THEME: "Grouped by theme",
    ExportOrder.DOCUMENT: "Grouped by document",
}
FORMATS = {
    ExportFormat.MARKDOWN: ("Markdown", ".md"),
    ExportFormat.CSV: ("CSV (one row per highlight)", ".csv"),
    ExportFormat.JSON: ("JSON (every field)", ".json"),
    ExportFormat.W3C: ("W3C Web Annotation (JSON-LD)", ".jsonld"),
}


class ExportDialog(QDialog):
    """Exports highlights; the choices made are remembered for next time."""

    def __init__(
        self,
        controller: DeskController,
        preferences: Preferences,
        parent: QWidget | None = None,
        found: Sequence[int] | None = None,
    ) -> None:
        """Build the form from the remembered choices; `found` offers (and chooses) those highlights alone."""
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export highlights")
        self.setAccessibleName("Export highlights")
        self.controller = controller
        self.preferences = preferences
        self.template_path: Path | None = None
        self.text = ""
        self.count = 0

        self.found = None if found is None else list(found)
        scopes = SCOPES if found is None else {"found": f"The {plural(len(found), 'highlight')} found", **SCOPES}
        self.scope = _combo("Export scope", scopes)
        self.themes = QListWidget()
        self.themes.setAccessibleName("Themes to export")
        self.themes.setMaximumHeight(110)
        for tag in controller.tags():
            item = QListWidgetItem(tag.path)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.themes.addItem(item)
        self.order = _combo("Order", {k.value: v for k, v in ORDERS.items()})
        self.notes = QCheckBox("Include &notes")
        self.notes.setAccessibleName("Include notes")
        self.format = _combo("Format", {k.value: v[0] for k, v in FORMATS.items()})
        self.template_label = QLabel("Default template")
        self.template_button = QPushButton("Choose &template…")
        self.template_button.setAccessibleName("Choose a Markdown template")
        self.default_template_button = QPushButton("&Default")
        self.default_template_button.setAccessibleName("Use the default template")
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_label, 1)
        template_row.addWidget(self.template_button)
        template_row.addWidget(self.default_template_button)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("exportPreview")
        self.preview.setAccessibleName("Export preview")
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.status = QLabel()
        self.status.setAccessibleDescription("Export summary")

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Save…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button = buttons.addButton("&Copy", QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.save_button.setAccessibleName("Save the export to a file")
        self.copy_button.setAccessibleName("Copy the export to the clipboard")
        close.setAccessibleName("Close")

        form = QFormLayout()
        form.addRow("&What:", self.scope)
        form.addRow("", self.themes)
        form.addRow("&Order:", self.order)
        form.addRow("", self.notes)
        form.addRow("&Format:", self.format)
        form.addRow("Template:", template_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(760, 680)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._restore_choices()
        if self.found is not None:
            _select(self.scope, "found")
        for signal in (self.scope.currentIndexChanged, self.order.currentIndexChanged, self.format.currentIndexChanged):
            signal.connect(self._changed)
        self.notes.toggled.connect(self._changed)
        self.themes.itemChanged.connect(self._changed)
        self.template_button.clicked.connect(self.choose_template)
        self.default_template_button.clicked.connect(lambda: self.set_template(None))
        self.save_button.clicked.connect(self.save)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        close.clicked.connect(self.reject)
        self.refresh()

    # Choices -------------------------------------------------------------------------

    def _restore_choices(self) -> None:
        prefs = self.preferences
        _select(self.scope, prefs.get("export/scope", "document"))
        _select(self.order, prefs.get("export/order", ExportOrder.TEXT.value))
        _select(self.format, prefs.get("export/format", ExportFormat.MARKDOWN.value))
        self.notes.setChecked(prefs.get("export/notes", "true") == "true")
        template = prefs.get("export/template", "")
        self.set_template(Path(template) if template and Path(template).is_file() else None, remember=False)
        if self.controller.document is None and self.scope.currentData() == "document":
            _select(self.scope, "library")

    def _remember(self) -> None:
        prefs = self.preferences
        if self.scope.currentData() != "found":  # offered only with a search's results
            prefs.set("export/scope", str(self.scope.currentData()))
        prefs.set("export/order", str(self.order.currentData()))
        prefs.set("export/format", str(self.format.currentData()))
        prefs.set("export/notes", "true" if self.notes.isChecked() else "false")
        prefs.set("export/template", str(self.template_path or ""))

    def set_template(self, path: Path | None, *, remember: bool = True) -> None:
        """Use a Markdown template file, or the default one (None)."""
        self.template_path = path
        self.template_label.setText(f"Template: {path.name}" if path else "Default template")
        if remember:
            self._changed()

    def choose_template(self) -> None:
        """Ask for a Jinja2 template file."""
        for path in open_paths(
            self,
            "Choose a Markdown template",
            self.preferences,
            "Templates (*.j2 *.jinja *.md *.txt);;All files (*)",
            many=False,
        ):
            self.set_template(path)

    def _changed(self) -> None:
        markdown = self.format.currentData() == ExportFormat.MARKDOWN.value
        for widget in (self.template_button, self.default_template_button, self.template_label):
            widget.setEnabled(markdown)
        self.themes.setVisible(self.scope.currentData() == "themes")
        self._remember()
        self._timer.start()

    # Output --------------------------------------------------------------------------

    def chosen_themes(self) -> list[str]:
        """Return the theme paths ticked in the list."""
        items = (self.themes.item(i) for i in range(self.themes.count()))
        return [item.text() for item in items if item is not None and item.checkState() == Qt.CheckState.Checked]

    def refresh(self) -> None:
        """Render the export with the current choices and show it."""
        self._timer.stop()
        self.themes.setVisible(self.scope.currentData() == "themes")
        scope = self.scope.currentData()
        document = self.controller.document
        try:
            template = self.template_path.read_text(encoding="utf-8") if self.template_path else None
            self.text, self.count = self.controller.export(
                document_ids=[document.id] if scope == "document" and document else None,
                themes=self.chosen_themes() if scope == "themes" else (),
                include_notes=self.notes.isChecked(),
                order=ExportOrder(self.order.currentData()),
                fmt=ExportFormat(self.format.currentData()),
                template=template,
                highlight_ids=self.found if scope == "found" else None,
            )
        except (ExportTemplateError, StorageError, OSError, UnicodeDecodeError) as exc:
            self.text, self.count = "", 0
            self.preview.setPlainText(str(exc))
            self._tell("Nothing to export: the template or the library reported a problem.", assertive=True)
            self.save_button.setEnabled(False)
            self.copy_button.setEnabled(False)
            return
        shown = self.text if len(self.text) <= PREVIEW_CHARS else self.text[:PREVIEW_CHARS] + "\n…"
        self.preview.setPlainText(shown)
        self.status.setText(f"{plural(self.count, 'highlight')}, {len(self.text):,} characters")
        self.save_button.setEnabled(True)
        self.copy_button.setEnabled(True)

    def suggested_name(self) -> str:
        """A file name from the document title and the format's extension."""
        extension = FORMATS[ExportFormat(self.format.currentData())][1]
        document = self.controller.document
        base = document.title if document and self.scope.currentData() == "document" else "marginalia-export"
        # Only what a file system refuses is replaced: a title's ’ or é stays as it is.
        safe = "".join("-" if ch in '/\\:*?"<>|' or not ch.isprintable() else ch for ch in base).strip(" .") or "export"
        return safe[:80] + extension

    def save(self) -> None:
        """Ask where, then write the export there whole."""
        chosen = FORMATS[ExportFormat(self.format.currentData())]
        path = save_path(self, "Save export", self.preferences, self.suggested_name(), [chosen])
        if path is None:
            return
        try:
            write_whole(path, self.text)
        except StorageError as exc:
            self._tell(str(exc), assertive=True)
            return
        self._tell(f"Saved {plural(self.count, 'highlight')} to {path}")

    def copy(self) -> None:
        """Put the export on the clipboard."""
        QGuiApplication.clipboard().setText(self.text)
        self._tell(f"Copied {plural(self.count, 'highlight')} to the clipboard")

    def _tell(self, outcome: str, *, assertive: bool = False) -> None:
        """Show an outcome under the preview and have a screen reader say it (the focus is on a button)."""
        self.status.setText(outcome)
        announce(self, outcome, assertive=assertive)


def _combo(name: str, choices: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for key, label in choices.items():
        combo.addItem(label, key)
    return combo


def _select(combo: QComboBox, key: str) -> None:
    index = combo.findData(key)
    if index >= 0:
        combo.setCurrentIndex(index)
