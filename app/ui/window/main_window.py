"""The main window: library list, reader and highlight panel, with every action."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QMenu, QWidget

from app.domain.anchors import trim_span
from app.domain.changes import Changes
from app.domain.structure import Structure
from app.domain.values import Document, Highlight
from app.services import StorageError
from app.ui.common.keys import MenuKeysFirst
from app.ui.common.preferences import Preferences
from app.ui.common.roles import ID_ROLE
from app.ui.common.speech import short_quote
from app.ui.common.status import STATUS_MS
from app.ui.desk.controller import DeskController
from app.ui.window.backup_actions import BackupActions
from app.ui.window.document_actions import DocumentActions
from app.ui.window.edition_actions import EditionActions
from app.ui.window.exchange_actions import ExchangeActions
from app.ui.window.highlight_actions import HighlightActions
from app.ui.window.history_actions import HistoryActions
from app.ui.window.layout import DeskLayout
from app.ui.window.library_actions import LibraryActions
from app.ui.window.library_state import LibraryState
from app.ui.window.menus import Menus
from app.ui.window.navigation import Navigation
from app.ui.window.opening import FileOpening, dropped_files
from app.ui.window.search_actions import SearchActions
from app.ui.window.theme_actions import ThemeActions
from app.ui.window.view_actions import ViewActions

POSITION_SAVE_DELAY_MS = 800
# Counting highlights per theme and per document reads every link: the counts follow a
# change after a pause, so that H, T and Delete never wait for them.
COUNTS_REFRESH_MS = 150
# How often the window looks for changes made by another window or the command line.
POLL_MS = 1000


class MainWindow(DeskLayout):
    """The reading desk."""

    # Made with the menus (menus.py); the view actions and tests check and toggle them.
    undo_action: QAction
    redo_action: QAction
    numbers_action: QAction
    focus_action: QAction
    full_screen_action: QAction
    private_notes_action: QAction

    def __init__(self, controller: DeskController, preferences: Preferences) -> None:
        """Build the window around an open library."""
        super().__init__(controller.store)
        self.controller = controller
        self.preferences = preferences
        self.key_actions: list[QAction] = []
        self.page_actions: list[QAction] = []
        self.typeface_actions: list[QAction] = []
        self.measure_actions: list[QAction] = []
        self.spacing_actions: list[QAction] = []
        self._position_timer = QTimer(self)
        self._position_timer.setSingleShot(True)
        self._position_timer.setInterval(POSITION_SAVE_DELAY_MS)
        self._position_timer.timeout.connect(self.save_reading_position)

        self._counted: set[int] = set()  # documents whose highlight counts are to be shown afresh
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(COUNTS_REFRESH_MS)
        self._counts_timer.timeout.connect(self._refresh_counts)
        self._shown_document_id: int | None = None
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(POLL_MS)
        self._poll_timer.timeout.connect(self.poll)

        self.themes = ThemeActions(self)
        self.document_actions = DocumentActions(self)
        self.view_actions = ViewActions(self)
        self.editions = EditionActions(self, self.document_actions)
        self.history = HistoryActions(self)
        self.search = SearchActions(self)
        self.exchange = ExchangeActions(self, self.document_actions)
        self.highlight_actions = HighlightActions(self)
        self.backups = BackupActions(self)
        self.library_actions = LibraryActions(self)
        self.navigation = Navigation(self)
        self.opening = FileOpening(self)
        self.library_state = LibraryState(self, self.read_only_label, self.shared_label)
        self.setAcceptDrops(True)
        self.menus = Menus(self)
        # An open menu's letters open its entries, not the text's single-letter actions.
        MenuKeysFirst(self).watch(self.menuBar().findChildren(QMenu))
        self._connect()
        self._restore_preferences()
        self.show_library_state()
        self.refresh_library()
        self.refresh_themes()
        self.history.show_state()
        self.controller.poll()  # starts watching for other windows' changes
        self._poll_timer.start()
        saved = self.preferences.get("themes/expanded", "")
        self.themes_panel.expand([int(i) for i in saved.split(",") if i.isdigit()])

    def as_widget(self) -> QWidget:
        """The window, as the parent of the dialogs its actions open."""
        return self

    def _connect(self) -> None:
        c = self.controller
        self.library_view.clicked.connect(self._on_library_activated)
        self.library_view.activated.connect(self._on_library_activated)
        c.document_opened.connect(self._on_document_opened)
        c.document_closed.connect(self._on_document_closed)
        c.changed.connect(self._on_changes)
        self.panel.filter_changed.connect(self.navigation.map_timer.start)
        self.themes_panel.model.rename_requested.connect(self.themes.rename_to)
        self.themes_panel.model.move_requested.connect(self.themes.move_to)
        self.themes_panel.activated.connect(self.themes.show_passages)
        self.theme_map.position_requested.connect(self.navigation.go_to_position)
        self.outline.position_requested.connect(self.navigation.go_to_heading)
        self.reader.caret_moved.connect(self.highlight_actions.on_caret_moved)
        self.reader.caret_moved.connect(self.outline.follow)
        self.reader.verticalScrollBar().valueChanged.connect(lambda _v: self._position_timer.start())
        self.reader.verticalScrollBar().valueChanged.connect(lambda _v: self.navigation.update_map_frame())
        self.reader.verticalScrollBar().valueChanged.connect(lambda _v: self.view_actions.show_position())
        self.reader.verticalScrollBar().rangeChanged.connect(lambda _a, _b: self.navigation.update_map_frame())
        self.panel.current_changed.connect(self.reader.set_current_highlight)
        self.panel.jump_requested.connect(self.highlight_actions.jump_to_highlight)
        self.panel.tag_entered.connect(self.highlight_actions.apply_tag)
        self.panel.untag_requested.connect(self.highlight_actions.remove_tag)
        self.panel.note_edited.connect(self.highlight_actions.save_note)
        self.panel.leave_requested.connect(self.focus_reader)
        self.find_bar.match_selected.connect(self.reader.select_span)
        self.find_bar.closed.connect(self.focus_reader)

    # Themes ----------------------------------------------------------------------

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        """Redraw what a change (here, by undo or redo, or elsewhere) touched, and no more."""
        document = self.controller.document
        if document is not None and document.id not in changes.texts:  # a new edition reopens it
            self.reader.show_changes(changes, self.controller.store)
            self.panel.show_changes(changes)
            if document.id in changes.orphans:
                self.panel.orphan_list.set_orphans(self.controller.orphans())
            if document.id in changes.documents:
                self.setWindowTitle(f"{document.title} — Marginalia")
        if changes.documents:
            self.refresh_library()
        if changes.themes:
            self.refresh_themes()
        if changes.counted or changes.highlights:
            self._counted |= changes.counted
            self._counts_timer.start()
        self.history.show_state()

    def _refresh_counts(self) -> None:
        """Show the highlight counts of documents and themes after highlights came or went."""
        counted, self._counted = self._counted, set()
        try:
            for document_id, count in self.controller.service.highlight_counts(counted).items():
                self.documents.set_count(document_id, count)
        except StorageError as exc:
            self.statusBar().showMessage(str(exc), STATUS_MS)
        self.refresh_themes()

    def poll(self) -> None:
        """Take in what another window, the command line or another member changed (about once a second)."""
        try:
            self.controller.poll()
        except StorageError as exc:
            self.library_state.polled(self.controller.service, exc)
        else:
            self.library_state.polled(self.controller.service, None)

    def refresh_themes(self) -> None:
        """Reload the codebook into the themes panel and the panel's completion and filter."""
        self._counts_timer.stop()
        try:
            themes = self.controller.themes()
        except StorageError as exc:
            self.statusBar().showMessage(str(exc), STATUS_MS)
            return
        self.themes_panel.set_themes(themes)
        self.panel.set_tags([t.tag for t in themes])
        self._show_number_keys()

    def _show_number_keys(self) -> None:
        """Name, in the Themes menu and under the themes tree, the theme each key 1-9 applies."""
        try:
            keys = self.controller.service.codebook.number_keys()
        except StorageError as exc:
            self.statusBar().showMessage(str(exc), STATUS_MS)
            return
        for key, action in enumerate(self.key_actions, start=1):
            tag = keys.get(key)
            action.setText(f"&{key}  #{tag.path}" if tag else f"&{key}  (no theme on this key yet)")
        self.themes_panel.set_number_keys(keys)

    def open_highlight(self, document_id: int, highlight_id: int) -> None:
        """Open a document (if needed) and make one of its highlights current, in view."""
        if self.controller.document is None or self.controller.document.id != document_id:
            self.open_document(document_id)
        highlight = self.controller.highlight(highlight_id)
        if highlight is not None:
            self.activateWindow()
            self.select_highlight(highlight)
            self.reader.centerCursor()
            self.focus_reader()

    # Library ---------------------------------------------------------------------

    def refresh_library(self) -> None:
        """Reload the library list, keeping the open document selected."""
        self.documents.set_documents(self.controller.documents())
        self._select_open_document()

    def _select_open_document(self) -> bool:
        """Select the open document in the library list; False if the list does not hold it."""
        row = None if self.controller.document is None else self.documents.row_of(self.controller.document.id)
        if row is not None:
            self.library_view.setCurrentIndex(self.documents.index(row))
        return row is not None

    def _on_library_activated(self, index: QModelIndex) -> None:
        document_id = index.data(ID_ROLE)
        current = self.controller.document
        if isinstance(document_id, int) and (current is None or current.id != document_id):
            self.open_document(document_id)

    def open_document(self, document_id: int) -> None:
        """Open a document of the library in the reader."""
        self.panel.flush_note()
        self.save_reading_position()
        try:
            self.controller.open_document(document_id)
        except StorageError as exc:
            self.show_error("Cannot open the document", str(exc))

    def _on_document_opened(self, document: Document) -> None:
        # The same document again is a new edition of it: the reader stays where it was.
        position = self.reader.first_visible_position() if document.id == self._shown_document_id else None
        self._shown_document_id = document.id
        self.reader.set_text(document.text)
        self.reader.set_headings(document.structure.headings)
        self.view_actions.number_paragraphs()
        self.outline.set_structure(document.structure)
        self.reader.set_highlights(self.controller.highlights())
        self.panel.reload()
        self.panel.orphan_list.set_orphans(self.controller.orphans())
        self.find_bar.set_text(document.text)
        self.setWindowTitle(f"{document.title} — Marginalia")
        # Another document is only selected; a new edition changed its own line (its words).
        if position is not None or not self._select_open_document():
            self.refresh_library()
        self.reader.scroll_to_position(document.reading_position if position is None else position)
        self._position_timer.stop()
        self.view_actions.show_position()
        self.focus_reader()

    def _on_document_closed(self) -> None:
        """The open document was deleted: open the most recent other one, if any."""
        self._shown_document_id = None
        remaining = self.controller.documents()
        if remaining:
            self.open_document(remaining[-1].id)
        else:
            self.show_no_document()

    def show_no_document(self) -> None:
        """Empty the reader and the panel: the library has no document to show."""
        self.reader.set_text("")
        self._shown_document_id = None
        self.outline.set_structure(Structure())
        self.reader.set_highlights([])
        self.panel.reload()
        self.find_bar.set_text("")
        self.setWindowTitle("Marginalia")
        self.statusBar().showMessage("The library is empty: open a text with Ctrl+O.", STATUS_MS)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        """Accept files dragged over the window."""
        if dropped_files(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        """Keep accepting files while they move over the window."""
        if dropped_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        """Import the files dropped on the window."""
        paths = dropped_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.opening.import_files(paths)

    def save_reading_position(self) -> None:
        """Store where the reader is in the open document."""
        self._position_timer.stop()
        if self.controller.document is None:
            return
        try:
            self.controller.save_reading_position(self.reader.first_visible_position())
        except StorageError as exc:
            self.statusBar().showMessage(str(exc), STATUS_MS)

    # Highlights ------------------------------------------------------------------

    def current_highlight(self) -> Highlight | None:
        """Return the highlight the actions apply to: the one the caret is in, if it moved just now."""
        self.highlight_actions.catch_up()
        return self.panel.current()

    def highlight_selection(self) -> Highlight | None:
        """Highlight the selected passage (H); return the new (or existing) highlight."""
        document = self.controller.document
        span = self.reader.selection_span()
        if document is None or span is None:
            self.statusBar().showMessage("Select a passage first (Shift+arrows or the mouse), then press H.", STATUS_MS)
            return None
        start, end = trim_span(document.text, *span)
        existing = self.controller.highlight_with_span(start, end)
        if existing is not None:
            self.select_highlight(existing)
            return existing
        try:
            highlight = self.controller.create_highlight(start, end)
        except StorageError as exc:
            self.show_error("The highlight was not saved", str(exc))
            return None
        self.select_highlight(highlight)
        self.statusBar().showMessage(
            f"Highlighted “{short_quote(highlight.exact)}”. T adds a theme, N a note.", STATUS_MS
        )
        return highlight

    def select_highlight(self, highlight: Highlight) -> None:
        """Select a highlight everywhere and leave the caret inside it, selection cleared."""
        self.panel.select(highlight.id)
        self.reader.move_caret(highlight.start)

    def highlight_for_action(self) -> Highlight | None:
        """The highlight T and N act on: the selection becomes one first, if there is one."""
        if self.reader.selection_span() is not None:
            return self.highlight_selection()
        current = self.current_highlight()
        if current is None:
            self.statusBar().showMessage("Put the caret in a highlight, or select a passage, first.", STATUS_MS)
        return current

    def show_library(self) -> None:
        """Show the library the controller now holds (after a restore), as if just opened."""
        self.controller.poll()
        self.search.ensure_index()  # a backup from before the index, or from another program
        self.show_library_state()
        self.refresh_library()
        self.refresh_themes()
        self.history.show_state()
        document_id = self.controller.service.last_opened_document_id()
        if document_id is not None:
            self.open_document(document_id)
        else:
            self.show_no_document()

    def focus_reader(self) -> None:
        """Give the keyboard to the text."""
        self.reader.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_library_state(self) -> None:
        """Show in the status bar, for as long as it holds, that the library is read only, or shared."""
        self.highlight_actions.show_privacy(self.library_state.show(self.controller.service))

    # Window state ----------------------------------------------------------------

    def _restore_preferences(self) -> None:
        self.view_actions.restore_preferences()
        geometry = self.preferences.layout("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1320, 820)
        splitter = self.preferences.layout("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Save the note being typed, the reading position and the window layout.

        An import still running is cancelled (nothing of it was stored yet).
        """
        self.document_actions.cancel()
        self.document_actions.wait()
        self.panel.flush_note()
        self.save_reading_position()
        self.preferences.set_layout("geometry", self.saveGeometry())
        self.preferences.set_layout("splitter", self.splitter.saveState())
        self.preferences.set("themes/expanded", ",".join(map(str, self.themes_panel.expanded_ids())))
        self.preferences.sync()
        super().closeEvent(event)
