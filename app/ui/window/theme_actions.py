"""What the Themes menu, Ctrl+T and the number keys do, for the main window.

Every change to the codebook goes through `_change`: it is saved first, then pushed on
the window's undo stack as one step, and the views reload from the controller's signals.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog

from app.domain.anchors import trim_span
from app.domain.changes import Done
from app.domain.codebook import (
    CodebookFileError,
    CodebookFormat,
    chapter_sections,
    codebook_csv,
    codebook_markdown,
    parse_codebook,
    statistics,
)
from app.domain.colours import ColourError
from app.domain.highlight_filter import ThemeFilter
from app.domain.tags import TagPathError
from app.domain.values import Tag, ThemeCount
from app.services import StorageError
from app.services.codebook import Codebook
from app.services.files import write_whole
from app.ui.common.file_dialogs import open_paths, save_path
from app.ui.common.status import STATUS_MS
from app.ui.themes.agreement import AgreementDialog
from app.ui.themes.dialogs import PassagesDialog, SplitDialog
from app.ui.themes.palette import ThemePalette
from app.ui.themes.statistics import StatisticsDialog
from app.ui.window.desk import Desk

TOP_LEVEL = "(top level)"


class ThemeActions:
    """The codebook commands of the main window."""

    def __init__(self, window: Desk) -> None:
        """Act on `window`'s controller, panels and undo stack."""
        self.window = window
        self.controller = window.controller
        self.panel = window.themes_panel
        self.dialogs: list[PassagesDialog | StatisticsDialog | AgreementDialog] = []

    # Applying themes -----------------------------------------------------------------

    def open_palette(self) -> ThemePalette | None:
        """Ask for a theme with fuzzy completion and apply it (Ctrl+T)."""
        target = self._target_text()
        if target is None:
            return None
        try:
            keys = self.controller.service.codebook.number_keys()
        except StorageError:
            keys = {}  # the palette works without them; the keys themselves will say why
        palette = ThemePalette(self.controller.tags(), target, self.window.as_widget(), keys)
        palette.finished.connect(lambda _r: self._palette_done(palette))
        palette.open()
        return palette

    def _palette_done(self, palette: ThemePalette) -> None:
        palette.deleteLater()
        if palette.chosen is not None:
            self.apply(palette.chosen)

    def key_action(self, key: int) -> Callable[[], None]:
        """Return what number key `key` does (a slot taking no arguments)."""

        def apply() -> None:
            self.apply_key(key)

        return apply

    def apply_key(self, key: int) -> None:
        """Apply the theme on number key `key` (pinned, else recently used)."""
        try:
            tag = self.controller.service.codebook.number_keys().get(key)
        except StorageError as exc:
            self.window.show_error("Cannot read the themes", str(exc))
            return
        if tag is None:
            self._status(f"No theme on key {key} yet: use a theme, or pin one (Themes → Pin to a number key).")
            return
        self.apply(tag.path)

    def apply(self, path: str) -> None:
        """Tag the selection (made a highlight in the same step) or the current highlight."""
        window = self.window
        document = self.controller.document
        span = window.reader.selection_span()
        if document is not None and span is not None:
            start, end = trim_span(document.text, *span)
            if self.controller.highlight_with_span(start, end) is None:
                try:
                    made = self.controller.highlight_and_tag(start, end, path)
                except (TagPathError, StorageError) as exc:
                    window.show_error("The highlight was not saved", str(exc))
                    return
                window.select_highlight(made.highlight)
                self._status(f"Highlighted and tagged #{made.tag.path}.")
                return
        current = window.highlight_for_action()
        if current is None:
            return
        before = self.controller.highlight(current.id)
        try:
            result = self.controller.tag_highlight(current.id, path)
        except (TagPathError, StorageError) as exc:
            window.show_error("The theme was not applied", str(exc))
            return
        if before is not None and before.tags == result.highlight.tags:
            self._status(f"Already tagged #{result.tag.path}.")
            return
        self._status(f"Tagged #{result.tag.path}.")

    def _target_text(self) -> str | None:
        if self.window.reader.selection_span() is not None:
            return "Highlight the selection and tag it with:"
        current = self.window.current_highlight()
        if current is None:
            self._status("Select a passage or put the caret in a highlight first, then press Ctrl+T.")
            return None
        return f"Tag “{current.exact[:80]}” with:"

    # Changing the codebook -----------------------------------------------------------

    def new_theme(self) -> None:
        """Create a theme from a typed path."""
        path, ok = QInputDialog.getText(self.window.as_widget(), "New theme", "Theme path (e.g. power/soviets):")
        if ok and path.strip():
            self._change(lambda c: c.create(path), "The theme was not created")

    def rename(self) -> None:
        """Edit the current theme's name in the tree (F2)."""
        if self._current() is not None:
            self.panel.view.edit(self.panel.view.currentIndex())

    def rename_to(self, tag_id: int, name: str) -> None:
        """Rename a theme (the tree's editor asks for this)."""
        self._change(lambda c: c.rename(tag_id, name), "The theme was not renamed")

    def recolour(self) -> None:
        """Choose a new colour for the current theme."""
        theme = self._current()
        if theme is None:
            return
        colour = QColorDialog.getColor(
            QColor(theme.tag.colour), self.window.as_widget(), f"Colour of #{theme.tag.path}"
        )
        if colour.isValid():
            self._change(lambda c: c.recolour(theme.tag.id, colour.name()), "The colour was not changed")

    def describe(self) -> None:
        """Write the current theme's description."""
        theme = self._current()
        if theme is None:
            return
        text, ok = QInputDialog.getMultiLineText(
            self.window.as_widget(), "Describe theme", f"What #{theme.tag.path} means:", theme.tag.description
        )
        if ok and text.strip() != theme.tag.description:
            self._change(lambda c: c.describe(theme.tag.id, text), "The description was not saved")

    def move(self) -> None:
        """Move the current theme under another one, or to the top level."""
        theme = self._current()
        if theme is None:
            return
        inside = f"{theme.tag.path}/"
        choices = [TOP_LEVEL] + [
            t.path for t in self.controller.tags() if t.id != theme.tag.id and not t.path.startswith(inside)
        ]
        choice, ok = QInputDialog.getItem(
            self.window.as_widget(), "Move theme", f"Move #{theme.tag.path} under:", choices, 0, False
        )
        if ok:
            parent = None if choice == TOP_LEVEL else self._id_of(choice)
            self.move_to(theme.tag.id, parent)

    def move_to(self, tag_id: int, parent_id: int | None) -> None:
        """Move a theme under `parent_id` (the tree's drag and drop asks for this)."""
        self._change(lambda c: c.move(tag_id, parent_id), "The theme was not moved")

    def merge(self) -> None:
        """Merge the current theme into another."""
        theme = self._current()
        if theme is None:
            return
        inside = f"{theme.tag.path}/"
        choices = [t.path for t in self.controller.tags() if t.id != theme.tag.id and not t.path.startswith(inside)]
        if not choices:
            self._status("There is no other theme to merge into.")
            return
        label = f"Merge #{theme.tag.path} ({theme.with_subthemes} highlights) into:"
        choice, ok = QInputDialog.getItem(self.window.as_widget(), "Merge theme", label, choices, 0, False)
        if ok:
            self._change(lambda c: c.merge(theme.tag.id, self._id_of(choice)), "The themes were not merged")

    def split(self) -> SplitDialog | None:
        """Move chosen highlights of the current theme to a new theme."""
        theme = self._current()
        if theme is None:
            return None
        try:
            groups = self.controller.service.codebook.passages(theme.tag.id, subthemes=False)
        except StorageError as exc:
            self.window.show_error("Cannot read the theme's highlights", str(exc))
            return None
        dialog = SplitDialog(theme.tag, [h for _d, hs in groups for h in hs], self.window.as_widget())
        dialog.accepted.connect(lambda: self._split_chosen(theme.tag, dialog))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    def _split_chosen(self, tag: Tag, dialog: SplitDialog) -> None:
        chosen, path = dialog.chosen(), dialog.path.text()
        if not chosen:
            self._status("No highlight was ticked; nothing was split.")
            return
        self._change(lambda c: c.split(tag.id, chosen, path), "The theme was not split")

    def delete(self) -> None:
        """Delete the current theme and its sub-themes (undo brings them back)."""
        theme = self._current()
        if theme is not None and self._change(lambda c: c.delete(theme.tag.id), "The theme was not deleted"):
            self._status(f"Deleted #{theme.tag.path} from {theme.with_subthemes} highlights. Ctrl+Z brings it back.")

    def pin(self) -> None:
        """Pin the current theme to a number key (0 unpins it)."""
        theme = self._current()
        if theme is None:
            return
        key, ok = QInputDialog.getInt(
            self.window.as_widget(),
            "Pin theme",
            f"Number key for #{theme.tag.path} (0 unpins):",
            theme.tag.pinned or 0,
            0,
            9,
        )
        if ok:
            self._change(lambda c: c.pin(theme.tag.id, key or None), "The theme was not pinned")

    def _change(self, work: Callable[[Codebook], Done[None]], title: str) -> bool:
        try:
            done = self.controller.change_codebook(work)
        except (StorageError, TagPathError, ColourError) as exc:
            self.window.show_error(title, f"{exc}\n\nNothing was changed.")
            return False
        self._status(f"{done.label}. Ctrl+Z undoes it.")
        return True

    # Seeing themes -------------------------------------------------------------------

    def show_passages(self, tag_id: int | None = None) -> PassagesDialog | None:
        """Show every passage under a theme across the library."""
        tag_id = tag_id if tag_id is not None else self.panel.current_id()
        tags = {t.id: t for t in self.controller.tags()}
        if tag_id not in tags:
            self._status("Choose a theme in the Themes panel first (Ctrl+4).")
            return None
        try:
            groups = self.controller.service.codebook.passages(tag_id)
        except StorageError as exc:
            self.window.show_error("Cannot read the passages", str(exc))
            return None
        dialog = PassagesDialog(tags[tag_id], groups, self.window.as_widget())
        dialog.open_requested.connect(self.window.open_highlight)
        self._keep(dialog)
        return dialog

    def filter_by_current(self) -> None:
        """Show only the current theme's highlights (sub-themes included) in the panel."""
        theme = self._current()
        if theme is not None:
            self.window.panel.set_filter(ThemeFilter(themes=(theme.tag.id,)))
            self._status(f"Showing highlights under #{theme.tag.path}; the Themes button clears it.")

    def show_statistics(self) -> StatisticsDialog | None:
        """Show the open document's theme statistics as charts."""
        document = self.controller.document
        if document is None:
            self._status("Open a document first.")
            return None
        sections = chapter_sections(document.text, document.structure)
        stats = statistics(document.text, self.controller.highlights(), sections)
        dialog = StatisticsDialog(document.title, stats, self.window.as_widget())
        self._keep(dialog)
        return dialog

    def show_agreement(self) -> AgreementDialog | None:
        """Show how far the coders of the open document agree, theme by theme."""
        document = self.controller.document
        if document is None:
            self._status("Open a document first.")
            return None
        try:
            found = self.controller.service.agreement(document.id)
        except StorageError as exc:
            self._status(str(exc))
            return None
        dialog = AgreementDialog(document.title, found, self._save_agreement, self.window.as_widget())
        self._keep(dialog)
        return dialog

    def _save_agreement(self, text: str) -> None:
        path = save_path(
            self.window.as_widget(), "Save agreement", self.window.preferences, "agreement.csv", [("CSV", ".csv")]
        )
        if path is None:
            return
        try:
            write_whole(path, text)
        except StorageError as exc:
            self.window.show_error("The agreement was not saved", str(exc))
            return
        self._status(f"Saved the agreement to {path}.")

    def _keep(self, dialog: PassagesDialog | StatisticsDialog | AgreementDialog) -> None:
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r: self.dialogs.remove(dialog))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.show()

    # Codebook files ------------------------------------------------------------------

    def export_codebook(self) -> None:
        """Save the codebook as Markdown or CSV (chosen by the file's suffix)."""
        formats = [("Markdown", ".md"), ("CSV", ".csv")]
        path = save_path(self.window.as_widget(), "Export codebook", self.window.preferences, "codebook.md", formats)
        if path is not None:
            self.export_codebook_to(path)

    def export_codebook_to(self, path: Path) -> bool:
        """Write the codebook to `path` (CSV for ``.csv``, Markdown otherwise)."""
        try:
            themes = self.controller.themes()
            text = codebook_csv(themes) if _format_of(path) is CodebookFormat.CSV else codebook_markdown(themes)
            write_whole(path, text)
        except StorageError as exc:
            self.window.show_error("The codebook was not exported", str(exc))
            return False
        self._status(f"Exported {len(themes)} themes to {path}.")
        return True

    def import_codebook(self) -> None:
        """Add the themes of a Markdown or CSV codebook file."""
        filters = "Codebooks (*.md *.csv);;All files (*)"
        for path in open_paths(
            self.window.as_widget(), "Import codebook", self.window.preferences, filters, many=False
        ):
            self.import_codebook_from(path)

    def import_codebook_from(self, path: Path) -> bool:
        """Import `path` as one undoable step; a bad file changes nothing."""
        try:
            entries = parse_codebook(path.read_text(encoding="utf-8"), _format_of(path))
        except (OSError, UnicodeDecodeError, CodebookFileError) as exc:
            self.window.show_error("The codebook was not imported", f"Cannot import {path.name}: {exc}.")
            return False
        return self._change(lambda c: c.import_entries(entries), "The codebook was not imported")

    # Helpers -------------------------------------------------------------------------

    def _current(self) -> ThemeCount | None:
        theme = self.panel.model.theme(self.panel.view.currentIndex())
        if theme is None:
            self._status("Choose a theme in the Themes panel first (Ctrl+4).")
        return theme

    def _id_of(self, path: str) -> int:
        return next(t.id for t in self.controller.tags() if t.path == path)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, STATUS_MS)


def _format_of(path: Path) -> CodebookFormat:
    return CodebookFormat.CSV if path.suffix.lower() == ".csv" else CodebookFormat.MARKDOWN
