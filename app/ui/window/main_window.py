"""The main window: library list, reader and highlight panel, with every action."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, QModelIndex, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.anchors import trim_span
from app.domain.changes import Changes
from app.domain.structure import Structure
from app.domain.values import Document, Highlight
from app.importers import (
    SUPPORTED_SUFFIXES,
    TextImportError,
)
from app.importers.highlights import is_highlights_file
from app.services import LibraryError, StorageError, backups, open_service, restore_from_backup
from app.ui.common.access import ItemFocus
from app.ui.common.file_dialogs import open_paths
from app.ui.common.keys import MenuKeysFirst
from app.ui.common.preferences import DEFAULT_FONT_SIZE, Preferences
from app.ui.common.roles import ID_ROLE
from app.ui.common.speech import announce, short_quote
from app.ui.common.status import STATUS_MS
from app.ui.desk.controller import DeskController
from app.ui.documents.backups_dialog import BackupsDialog
from app.ui.documents.list_model import DocumentListModel
from app.ui.export.dialog import ExportDialog
from app.ui.highlights.panel import HighlightPanel
from app.ui.reading.find_bar import FindBar
from app.ui.reading.line_layout import DEFAULT_LINE_SPACING
from app.ui.reading.outline import OutlineView
from app.ui.reading.reader import ReaderView
from app.ui.themes.panel import ThemesPanel
from app.ui.themes.theme_map import ThemeMap
from app.ui.window.document_actions import DocumentActions
from app.ui.window.edition_actions import EditionActions
from app.ui.window.exchange_actions import QDA_SUFFIXES, ExchangeActions
from app.ui.window.highlight_actions import HighlightActions
from app.ui.window.history_actions import HistoryActions
from app.ui.window.search_actions import SearchActions
from app.ui.window.shortcuts import ActionSpec, ShortcutsDialog
from app.ui.window.theme_actions import ThemeActions
from app.ui.window.view_actions import ViewActions

POSITION_SAVE_DELAY_MS = 800
HEADING_CONTEXT_LINES = 2
# Counting highlights per theme and per document reads every link: the counts follow a
# change after a pause, so that H, T and Delete never wait for them.
COUNTS_REFRESH_MS = 150
MAP_REFRESH_MS = 60
# How often the window looks for changes made by another window or the command line.
POLL_MS = 1000


class MainWindow(QMainWindow):
    """The reading desk."""

    def __init__(self, controller: DeskController, preferences: Preferences) -> None:
        """Build the window around an open library."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Marginalia")
        self.controller = controller
        self.preferences = preferences
        self.last_message: QMessageBox | None = None
        self._action_specs: list[ActionSpec] = []
        self.key_actions: list[QAction] = []
        self.page_actions: list[QAction] = []
        self.typeface_actions: list[QAction] = []
        self.measure_actions: list[QAction] = []
        self.spacing_actions: list[QAction] = []
        ItemFocus(self)

        self.documents = DocumentListModel()
        self.library_view = QListView()
        self.library_view.setObjectName("libraryList")
        self.library_view.setAccessibleName("Library")
        self.library_view.setAccessibleDescription("Your documents. Enter or a click opens one.")
        self.library_view.setModel(self.documents)
        self.library_view.setWordWrap(True)
        self.library_view.setSpacing(2)
        self.library_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.library_view.clicked.connect(self._on_library_activated)
        self.library_view.activated.connect(self._on_library_activated)

        self.themes_panel = ThemesPanel()
        self.outline = OutlineView()
        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.setObjectName("leftSplitter")
        self.left.addWidget(self.library_view)
        self.left.addWidget(self.outline)
        self.left.addWidget(self.themes_panel)
        self.left.setSizes([220, 180, 320])

        self.reader = ReaderView()
        self.theme_map = ThemeMap()
        self.find_bar = FindBar()
        reader_box = QWidget()
        reader_layout = QVBoxLayout(reader_box)
        reader_layout.setContentsMargins(0, 0, 0, 0)
        reader_layout.setSpacing(0)
        text_row = QHBoxLayout()
        text_row.setSpacing(0)
        text_row.addWidget(self.reader, 1)
        text_row.addWidget(self.theme_map)
        reader_layout.addLayout(text_row, 1)
        reader_layout.addWidget(self.find_bar)

        self.panel = HighlightPanel(controller.store)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(reader_box)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([250, 730, 340])
        self.setCentralWidget(self.splitter)
        self.statusBar().setObjectName("statusBar")
        # What an action did is said aloud too: a screen reader does not speak the status
        # bar, which never has the focus (GUIDE.md section 10).
        self.statusBar().messageChanged.connect(lambda text: announce(self, text) if text else None)
        # Said for as long as it holds, not once: every change is refused until a restart.
        self.read_only_label = QLabel()
        self.read_only_label.setObjectName("readOnlyLabel")
        self.statusBar().addPermanentWidget(self.read_only_label)

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
        # The theme map sums up every highlight: redrawn once a burst of changes is over,
        # not inside each one, where it made H cost what the document holds.
        self._map_timer = QTimer(self)
        self._map_timer.setSingleShot(True)
        self._map_timer.setInterval(MAP_REFRESH_MS)
        self._map_timer.timeout.connect(self._update_theme_map)
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(POLL_MS)
        self._poll_timer.timeout.connect(self.poll)

        self.themes = ThemeActions(self)
        self.document_actions = DocumentActions(self)
        self.view_actions = ViewActions(self)
        self.editions = EditionActions(self, self.document_actions)
        self.history = HistoryActions(self)
        self.search = SearchActions(self)
        self.exchange = ExchangeActions(self)
        self.highlight_actions = HighlightActions(self)
        self.setAcceptDrops(True)
        self._build_actions()
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

    # Actions ---------------------------------------------------------------------

    def _action(
        self,
        menu_name: str,
        text: str,
        slot: Callable[[], object],
        shortcuts: Sequence[QKeySequence | QKeySequence.StandardKey | str] = (),
        *,
        local_to: Sequence[QWidget] = (),
    ) -> QAction:
        """Create an action in a menu; `local_to` limits its keys to those widgets."""
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(slot)
        if local_to:
            # Single-letter keys must not fire while the user types a note or a theme.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for widget in local_to:
                widget.addAction(action)
        self._menus[menu_name].addAction(action)
        keys = tuple(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts)
        self._action_specs.append(ActionSpec(menu_name.replace("&", ""), text.replace("&", ""), keys))
        return action

    def _choices(self, menu: str, labels: dict[str, str], choose: Callable[[str], None]) -> list[QAction]:
        """Add checkable entries to a menu, one per choice; each action's data is its choice's name."""
        actions = []
        for name, label in labels.items():
            action = self._action(menu, label, functools.partial(choose, name))
            action.setCheckable(True)
            action.setData(name)
            actions.append(action)
        return actions

    def _build_actions(self) -> None:
        bar = self.menuBar()
        # Keys name the menus in the code; titles give each a mnemonic of its own (Alt+G, Alt+T).
        titles = {"&File": "&File", "&Edit": "&Edit", "&Highlight": "Hi&ghlight", "T&hemes": "&Themes"}
        self._menus = {
            name: bar.addMenu(titles.get(name, name))
            for name in ("&File", "&Edit", "&Highlight", "T&hemes", "&View", "&Help")
        }
        here = (self.reader, self.panel.list)
        library = (self.library_view,)
        a = self._action
        a("&File", "&Open text…", self.open_file_dialog, [QKeySequence.StandardKey.Open])
        a("&File", "&Paste as new document", self.document_actions.paste_as_document, ["Ctrl+Shift+V"])
        a("&File", "Document propert&ies…", self.document_actions.edit_properties, ["F2"], local_to=library)
        a("&File", "Dele&te document…", self.document_actions.delete_document, ["Delete"], local_to=library)
        a("&File", "Replace te&xt with a new edition…", self.editions.open_edition_dialog, ["Ctrl+Shift+O"])
        a("&File", "New edition from the clip&board", self.editions.edition_from_clipboard)
        a("&File", "Reopen with encodin&g…", self.editions.reopen_with_encoding)
        a("&File", "Editions of this &document…", self.editions.show_versions)
        a("&File", "&Export highlights…", self.open_export, ["Ctrl+E"])
        a("&File", "Import &highlights from another tool…", self.exchange.choose_highlights, ["Ctrl+Shift+I"])
        a("&File", "Export as a QDA pro&ject (.qdpx)…", self.exchange.export_project)
        a("&File", "Export the codebook for QDA tools (.qd&c)…", self.exchange.export_codebook)
        a("&File", "&Restore from backup…", self.open_backups)
        a("&File", "&Quit", self.close, [QKeySequence.StandardKey.Quit])
        self.undo_action = a("&Edit", "&Undo", self.history.undo, ["Ctrl+Z"])
        self.redo_action = a("&Edit", "&Redo", self.history.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        a("&Edit", "&History…", self.history.show_history, ["Ctrl+H"])
        self._menus["&Edit"].addSeparator()
        a("&Edit", "Search the &library…", self.search.open_search, ["Ctrl+K"])
        a("&Edit", "All &my notes…", self.search.open_notebook, ["Ctrl+Shift+N"])
        a("&Edit", "&Find…", self.open_find, ["Ctrl+F"])
        a("&Edit", "Find &next", self.find_bar.find_next, ["F3"])
        a("&Edit", "Find &previous", self.find_bar.find_previous, ["Shift+F3"])
        a("&Highlight", "&Highlight selection", self.highlight_selection, ["H"], local_to=here)
        a("&Highlight", "&Tag current highlight…", self.highlight_actions.tag_current, ["T"], local_to=here)
        a("&Highlight", "&Note on current highlight…", self.highlight_actions.note_current, ["N"], local_to=here)
        a("&Highlight", "&Delete current highlight", self.highlight_actions.delete_current, ["Delete"], local_to=here)
        a("&Highlight", "&Copy current highlight as Markdown", self.highlight_actions.copy_current, ["Ctrl+Shift+C"])
        a(
            "&Highlight",
            "&Attach orphan (or highlight to move) to selection",
            self.editions.attach_orphan,
            ["A"],
            local_to=(*here, self.panel.orphan_list),
        )
        self._menus["&Highlight"].addSeparator()
        a("&Highlight", "Ne&xt highlight", lambda: self.highlight_actions.step_highlight(1), ["]"], local_to=here)
        a("&Highlight", "&Previous highlight", lambda: self.highlight_actions.step_highlight(-1), ["["], local_to=here)
        self._build_theme_actions(here)
        v = self.view_actions
        a("&View", "&Go to page or percentage…", v.go_to, ["Ctrl+G"])
        self.full_screen_action = a("&View", "&Full screen", v.toggle_full_screen, ["F11"])
        self.full_screen_action.setCheckable(True)
        self.focus_action = a("&View", "Focus on the te&xt", v.toggle_focus_mode, ["F9"])
        self.focus_action.setCheckable(True)
        self.numbers_action = a("&View", "&Paragraph numbers", v.toggle_paragraph_numbers, ["Ctrl+Shift+P"])
        self.numbers_action.setCheckable(True)
        self._menus["&View"].addSeparator()
        for name, title in (
            ("Page colour", "Page &colour"),
            ("Font", "Fo&nt"),
            ("Page width", "Page &width"),
            ("Spacing", "Line sp&acing"),
        ):
            self._menus[name] = self._menus["&View"].addMenu(title)
        self.page_actions = self._choices(
            "Page colour",
            {"light": "&Light", "sepia": "&Sepia", "dark": "&Dark", "system": "As the s&ystem"},
            v.set_page_theme,
        )
        a("Page colour", "Ne&xt page colour", v.next_page_theme, ["Ctrl+Shift+D"])
        self.typeface_actions = self._choices("Font", {"serif": "&Serif", "sans": "S&ans-serif"}, v.set_typeface)
        a("Font", "&Other…", v.choose_font)
        self.measure_actions = self._choices(
            "Page width", {"narrow": "&Narrow", "medium": "&Medium", "wide": "&Wide"}, v.set_measure
        )
        self.spacing_actions = self._choices(
            "Spacing",
            {"single": "&Single", "relaxed": "&Relaxed", "one-and-a-half": "One and a &half", "double": "&Double"},
            v.set_line_spacing,
        )
        self._menus["Spacing"].addSeparator()
        self.spacing_actions += self._choices(
            "Spacing",
            {"compact": "&Compact paragraphs", "normal": "&Normal paragraphs", "wide": "&Wide paragraphs"},
            v.set_paragraph_spacing,
        )
        self._menus["&View"].addSeparator()
        a("&View", "Zoom &in", lambda: self.zoom(1), ["Ctrl+=", "Ctrl++"])
        a("&View", "Zoom o&ut", lambda: self.zoom(-1), ["Ctrl+-"])
        a("&View", "&Reset zoom", lambda: self.zoom(0), ["Ctrl+0"])
        self._menus["&View"].addSeparator()
        a("&View", "Go to &library", lambda: self.library_view.setFocus(), ["Ctrl+1"])
        a("&View", "Go to &text", self.focus_reader, ["Ctrl+2"])
        a("&View", "Go to the highlight li&st", lambda: self.panel.list.setFocus(), ["Ctrl+3"])
        a("&View", "Go to th&emes", lambda: self.themes_panel.view.setFocus(), ["Ctrl+4"])
        a("&View", "Go to &outline", lambda: self.outline.setFocus(), ["Ctrl+5"])
        a("&View", "Filter highlights by wor&ds", self.panel.filter_field.setFocus, ["Ctrl+Shift+F"])
        a("&Help", "&Keyboard shortcuts", self.show_shortcuts, ["F1"])
        a("&Help", "&About Marginalia", self.show_about)

    def _build_theme_actions(self, here: tuple[QWidget, ...]) -> None:
        a, t, tree = self._action, self.themes, (self.themes_panel.view,)
        a("T&hemes", "&Apply a theme…", t.open_palette, ["Ctrl+T"])
        for key in range(1, 10):
            self.key_actions.append(
                a("T&hemes", f"Apply theme on key &{key}", t.key_action(key), [str(key)], local_to=here)
            )
        self._menus["T&hemes"].addSeparator()
        a("T&hemes", "&New theme…", t.new_theme)
        a("T&hemes", "&Rename theme", t.rename, ["F2"], local_to=tree)
        a("T&hemes", "Re&colour theme…", t.recolour)
        a("T&hemes", "&Describe theme…", t.describe)
        a("T&hemes", "&Move theme under…", t.move)
        a("T&hemes", "M&erge theme into…", t.merge)
        a("T&hemes", "&Split theme…", t.split)
        a("T&hemes", "De&lete theme", t.delete, ["Delete"], local_to=tree)
        a("T&hemes", "&Pin theme to a number key…", t.pin)
        self._menus["T&hemes"].addSeparator()
        # Enter in the tree shows them too (the view's own activation), so that Return
        # still commits a name being edited there.
        a("T&hemes", "Show passa&ges of theme", lambda: t.show_passages())
        a("T&hemes", "&Filter highlights by theme", t.filter_by_current, ["Ctrl+Shift+L"])
        a("T&hemes", "Theme s&tatistics…", t.show_statistics, ["F8"])
        self._menus["T&hemes"].addSeparator()
        a("T&hemes", "E&xport codebook…", t.export_codebook)
        a("T&hemes", "&Import codebook…", t.import_codebook)

    def as_widget(self) -> QWidget:
        """The window, as the parent of the dialogs its actions open."""
        return self

    def action_specs(self) -> list[ActionSpec]:
        """Return every action with its menu and shortcuts (what F1 lists)."""
        return list(self._action_specs)

    def _connect(self) -> None:
        c = self.controller
        c.document_opened.connect(self._on_document_opened)
        c.document_closed.connect(self._on_document_closed)
        c.changed.connect(self._on_changes)
        self.panel.filter_changed.connect(self._map_timer.start)
        self.themes_panel.model.rename_requested.connect(self.themes.rename_to)
        self.themes_panel.model.move_requested.connect(self.themes.move_to)
        self.themes_panel.activated.connect(self.themes.show_passages)
        self.theme_map.position_requested.connect(self._go_to_position)
        self.outline.position_requested.connect(self._go_to_heading)
        self.reader.caret_moved.connect(self.highlight_actions.on_caret_moved)
        self.reader.caret_moved.connect(self.outline.follow)
        self.reader.verticalScrollBar().valueChanged.connect(lambda _v: self._position_timer.start())
        self.reader.verticalScrollBar().valueChanged.connect(lambda _v: self._update_map_frame())
        self.reader.verticalScrollBar().valueChanged.connect(lambda _v: self.view_actions.show_position())
        self.reader.verticalScrollBar().rangeChanged.connect(lambda _a, _b: self._update_map_frame())
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
                self.panel.set_orphans(self.controller.orphans())
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
        """Take in what another window or the command line changed (called about once a second)."""
        try:
            self.controller.poll()
        except StorageError as exc:
            self.statusBar().showMessage(str(exc), STATUS_MS)

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

    def _update_theme_map(self) -> None:
        document = self.controller.document
        self.theme_map.set_highlights(len(document.text) if document else 0, self.panel.shown())

    def _update_map_frame(self) -> None:
        bar = self.reader.verticalScrollBar()
        total = bar.maximum() + bar.pageStep()
        if total > 0:
            self.theme_map.set_visible_range(bar.value() / total, (bar.value() + bar.pageStep()) / total)

    def _go_to_heading(self, position: int) -> None:
        self.reader.scroll_to_position(position)
        self.reader.move_caret(position)
        # A line of what comes before (and the blank line after it), not the heading
        # flush against the top edge.
        bar = self.reader.verticalScrollBar()
        bar.setValue(max(0, bar.value() - HEADING_CONTEXT_LINES))
        self.focus_reader()

    def _go_to_position(self, position: int) -> None:
        self.reader.move_caret(position)
        self.reader.centerCursor()
        self.focus_reader()

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
        if self.controller.document is not None:
            row = self.documents.row_of(self.controller.document.id)
            if row is not None:
                self.library_view.setCurrentIndex(self.documents.index(row))

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
        self.panel.set_orphans(self.controller.orphans())
        self.find_bar.set_text(document.text)
        self.setWindowTitle(f"{document.title} — Marginalia")
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

    def open_file_dialog(self) -> None:
        """Ask for text files and open them (Ctrl+O)."""
        patterns = " ".join(f"*{s}" for s in (*SUPPORTED_SUFFIXES, *QDA_SUFFIXES))
        paths = open_paths(self, "Open text", self.preferences, f"Texts ({patterns});;All files (*)", many=True)
        self.import_files(paths)

    def import_files(self, paths: list[Path]) -> None:
        """Import texts (off the UI thread, one by one), QDA projects and codebooks (each one change).

        A file of highlights from another tool (the first, when several are given) opens
        the preview of its import.
        """
        highlights = [p for p in paths if is_highlights_file(p)]
        if highlights:
            self.exchange.import_highlights(highlights[0])
        self.exchange.import_files([p for p in paths if p.suffix.lower() in QDA_SUFFIXES])
        self.document_actions.import_files(
            [p for p in paths if p.suffix.lower() not in QDA_SUFFIXES and not is_highlights_file(p)]
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        """Accept files dragged over the window."""
        if _dropped_files(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        """Keep accepting files while they move over the window."""
        if _dropped_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        """Import the files dropped on the window."""
        paths = _dropped_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def import_and_open(self, path: Path) -> bool:
        """Import a file into the library and open it; report any problem plainly."""
        try:
            summary, added = self.controller.import_path(path)
        except (TextImportError, StorageError) as exc:
            self.show_error("Cannot open the file", str(exc))
            return False
        self.open_document(summary.id)
        note = "Added to your library" if added else "Already in your library; opened it"
        self.statusBar().showMessage(f"{note}: {summary.title}", STATUS_MS)
        return True

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
        """Return the highlight the actions apply to."""
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

    def open_backups(self) -> None:
        """List the library's backups and offer to restore one."""
        dialog = BackupsDialog(backups(self.controller.service.path), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restore_requested.connect(self.restore_backup)
        dialog.open()

    def restore_backup(self, backup: Path) -> None:
        """Replace the library with a backup and reopen it; the current one is kept."""
        self.panel.flush_note()
        self.save_reading_position()
        path = self.controller.service.path
        self.controller.service.close()
        try:
            kept = restore_from_backup(path, backup)
        except LibraryError as exc:
            self.show_error("The backup was not restored", f"{exc}\n\nYour library was not changed.")
            kept = None
            restored = False
        else:
            restored = True
        try:
            service = open_service(path)
        except LibraryError as exc:
            self.show_error("The library could not be reopened", str(exc))
            return
        self.controller.replace_service(service)
        self.controller.poll()
        self.search.ensure_index()  # a backup from before the index, or from another program
        self.show_library_state()
        self.refresh_library()
        self.refresh_themes()
        self.history.show_state()
        document_id = service.last_opened_document_id()
        if document_id is not None:
            self.open_document(document_id)
        else:
            self.show_no_document()
        if restored:
            where = f" The library it replaced is kept as {kept.name}." if kept else ""
            self.statusBar().showMessage(f"Restored from {backup.name}.{where}", STATUS_MS)

    def open_export(self) -> None:
        """Open the export dialog (Ctrl+E)."""
        self.panel.flush_note()
        dialog = ExportDialog(self.controller, self.preferences, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_find(self) -> None:
        """Show the find bar (Ctrl+F), prefilled with a short selection; it searches on from the caret."""
        span = self.reader.selection_span()
        document = self.controller.document
        initial = document.text[span[0] : span[1]] if span and document else ""
        self.find_bar.open_bar(initial, span[0] if span else self.reader.caret_position())

    def focus_reader(self) -> None:
        """Give the keyboard to the text."""
        self.reader.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def zoom(self, step: int) -> None:
        """Make the reading font larger (1), smaller (-1) or the default (0)."""
        size = DEFAULT_FONT_SIZE if step == 0 else self.reader.font_size() + step
        self.reader.set_font_size(size)
        self.preferences.font_size = self.reader.font_size()
        self.statusBar().showMessage(f"Text size {self.reader.font_size()} pt", STATUS_MS)

    def show_shortcuts(self) -> None:
        """List every action with its keys (F1)."""
        dialog = ShortcutsDialog(self.action_specs(), self)
        dialog.open()

    def show_about(self) -> None:
        """Say what this is and where the library lives."""
        self._message(
            QMessageBox.Icon.Information,
            "About Marginalia",
            "Marginalia: an offline close-reading desk.\n\n"
            f"Your library: {self.controller.service.path}\n"
            "Every change is saved as you make it.",
        )

    def show_library_state(self) -> None:
        """Show in the status bar, for as long as it holds, that the library can only be read."""
        reason = self.controller.service.read_only
        self.read_only_label.setVisible(reason is not None)
        self.read_only_label.setText("Read only" if reason else "")
        self.read_only_label.setToolTip(f"Changes cannot be saved: {reason}." if reason else "")

    def show_error(self, title: str, text: str) -> None:
        """Tell the user what went wrong, without blocking the window; a screen reader says it at once."""
        quiet = self.statusBar().blockSignals(True)  # said once, assertively, not twice
        try:
            self.statusBar().showMessage(text, STATUS_MS)
        finally:
            self.statusBar().blockSignals(quiet)
        announce(self, f"{title}. {text}", assertive=True)
        self._message(QMessageBox.Icon.Warning, title, text)

    def _message(self, icon: QMessageBox.Icon, title: str, text: str) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAccessibleName(title)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_message = box
        box.open()

    # Window state ----------------------------------------------------------------

    def _restore_preferences(self) -> None:
        self.reader.set_font_size(self.preferences.font_size)
        self.view_actions.set_page_theme(self.preferences.get("reader/page_theme", "system"))
        self.view_actions.set_typeface(self.preferences.get("reader/typeface", "serif"))
        self.view_actions.set_measure(self.preferences.get("reader/measure", "medium"))
        self.view_actions.set_line_spacing(self.preferences.get("reader/line_spacing", DEFAULT_LINE_SPACING))
        self.numbers_action.setChecked(self.preferences.get("reader/paragraph_numbers", "no") == "yes")
        self.reader.show_paragraph_numbers(self.numbers_action.isChecked())
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


def _dropped_files(mime: QMimeData | None) -> list[Path]:
    """Return the local files in dragged data (web links are never fetched)."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
