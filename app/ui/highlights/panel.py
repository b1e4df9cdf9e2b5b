"""The highlight-and-tag panel: the highlights in text order and the current one's details."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.codebook import descendants
from app.domain.highlight_filter import ThemeFilter, filter_highlights
from app.domain.members import Person
from app.domain.values import Highlight, Tag
from app.ui.common.access import clearable
from app.ui.common.roles import ID_ROLE
from app.ui.desk.store import HighlightStore
from app.ui.highlights.delegates import HighlightDelegate, row_height
from app.ui.highlights.fields import (
    TAG_ROLE,
    HistoryKeysToWindow,
    QuoteLabel,
    TagInput,
    TagList,
    swatch,
)
from app.ui.highlights.filter_menu import ThemeFilterMenu
from app.ui.highlights.list_model import HighlightListModel
from app.ui.highlights.note_field import NoteField
from app.ui.highlights.orphans import OrphanList
from app.ui.highlights.row_table import RowTable

LIST_FOLLOW_MS = 150  # after the caret's last move through the text, the list shows its highlight


class HighlightPanel(QWidget):
    """Lists highlights and edits the current one's themes and note."""

    current_changed = Signal(object)  # int | None
    jump_requested = Signal(int)  # the user picked a highlight in the list
    tag_entered = Signal(int, str)  # highlight id, path
    untag_requested = Signal(int, object)  # highlight id, Tag
    note_edited = Signal(int, str, bool)  # highlight id, note, private
    leave_requested = Signal()
    filter_changed = Signal()

    def __init__(self, store: HighlightStore, parent: QWidget | None = None) -> None:
        """Build the list and the detail fields, showing the highlights of `store`."""
        super().__init__(parent)
        self.setObjectName("highlightPanel")
        self._store = store
        # Every highlight of the document, kept in step with each change; a filter shows a
        # small model of its own instead, so that filtering never removes (or clearing it
        # re-adds) 50,000 rows: a swap of models is instant, 50,000 removals are not.
        self._every = HighlightListModel(store)
        self.model = self._every
        self._current: Highlight | None = None
        self._selecting = False
        self._shown: list[Highlight] | None = None  # what the filter lets through, made when needed
        self._filter = ThemeFilter()
        self._tree: dict[int, frozenset[int]] = {}

        self.header = QLabel("Highlights")
        self.header.setObjectName("panelHeader")
        # A table of one column, its rows of one fixed height: it keeps no item per row, so
        # a new highlight costs the same at 100,000 rows as at 1,000. A QListView re-laid
        # out every row on each insertion, and a tree view without branches (10 ms at
        # 100,000 rows) made its list of rows afresh.
        self.list = RowTable()
        self.list.setObjectName("highlightList")
        self.list.horizontalHeader().hide()
        self.list.horizontalHeader().setStretchLastSection(True)
        self.list.verticalHeader().hide()
        self.list.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.list.verticalHeader().setDefaultSectionSize(row_height(self.list.fontMetrics()))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setShowGrid(False)
        self.list.setWordWrap(False)
        self.list.setTabKeyNavigation(False)  # Tab leaves the list, as from any list
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setAccessibleName("Highlights")
        self.list.setAccessibleDescription("Highlights in text order. H highlights, T tags, N notes, Delete removes.")
        self.list.setModel(self.model)
        self.list.setItemDelegate(HighlightDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Following the caret, the list is scrolled to the current row once the text stops
        # moving: scrolled at each page, it repainted itself each time (a third of a page's cost).
        self.list.setAutoScroll(False)
        self._scroll_later = QTimer(self)
        self._scroll_later.setSingleShot(True)
        self._scroll_later.setInterval(LIST_FOLLOW_MS)
        self._scroll_later.timeout.connect(lambda: self.list.scrollTo(self.list.currentIndex()))
        self._watch_selection()

        self.filter_field = QLineEdit()
        self.filter_field.setObjectName("filterField")
        self.filter_field.setAccessibleName("Filter highlights by words")
        self.filter_field.setPlaceholderText("Filter by words in quote or note")
        clearable(self.filter_field, "Clear the word filter")
        self.filter_field.textChanged.connect(lambda text: self.set_filter(replace(self._filter, text=text)))
        self.filter_button = QToolButton()
        self.filter_button.setObjectName("filterThemes")
        self.filter_button.setText("Themes")
        self.filter_button.setAccessibleName("Filter highlights by themes")
        self.filter_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.filter_menu = ThemeFilterMenu(lambda: self._filter, self.set_filter, store.authors, self.filter_button)
        self.filter_button.setMenu(self.filter_menu)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_field, 1)
        filter_row.addWidget(self.filter_button)

        self.quote = QuoteLabel()
        self.quote.setObjectName("currentQuote")
        self.quote.setAccessibleDescription("Current highlight quote")

        themes_label = QLabel("&Themes")
        self.tag_list = TagList()
        self.tag_list.setObjectName("tagList")
        self.tag_list.setAccessibleName("Themes of the current highlight")
        self.tag_list.setAccessibleDescription("Delete or Backspace removes the selected theme.")
        self.tag_list.setMaximumHeight(90)
        self.tag_list.remove_requested.connect(self._on_remove_tag)
        self.tag_input = TagInput()
        self.tag_input.setObjectName("tagInput")
        self.tag_input.setAccessibleName("Add a theme")
        self.tag_input.setPlaceholderText("Add a theme, e.g. power/soviets, and press Enter")
        self._tag_completions = QStringListModel(self)
        completer = QCompleter(self._tag_completions, self.tag_input)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tag_input.setCompleter(completer)
        # The completer lets Enter through with the typed fragment unless a row is current:
        # "van" made a theme #van while the list showed "vanity". The first match is made
        # current whenever the list shows, so Enter takes it; Escape first to type anew.
        self.tag_input.textEdited.connect(lambda _text: QTimer.singleShot(0, self._preselect_completion))
        self.tag_input.returnPressed.connect(self._on_tag_entered)
        themes_label.setBuddy(self.tag_input)

        self.notes = NoteField()
        self.note = self.notes.editor
        self.notes.edited.connect(self.note_edited)
        for widget in (self.note, self.tag_input, self.tag_list):
            widget.escape_pressed.connect(self.leave_requested)
        self._history_keys = HistoryKeysToWindow(self)
        self.note.installEventFilter(self._history_keys)
        self.tag_input.installEventFilter(self._history_keys)

        self.orphan_list = OrphanList()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addLayout(filter_row)
        layout.addWidget(self.list, 3)
        layout.addWidget(self.orphan_list.header)
        layout.addWidget(self.orphan_list)
        layout.addWidget(self.quote)
        layout.addWidget(themes_label)
        layout.addWidget(self.tag_list)
        layout.addWidget(self.tag_input)
        layout.addWidget(self.notes, 2)
        self._show_current(None)

    def reload(self, *, keep_current: bool = False) -> None:
        """Show the store's highlights afresh (through the filter); none current unless kept."""
        # Taken before the model is reset: the reset clears the list's current row.
        kept = self._current.id if keep_current and self._current is not None else None
        self.flush_note()
        self._show_current(None)
        self._every.set_highlights(self._store.ordered())
        self._refilter()
        if kept is not None and kept in self._store:
            self.select(kept)  # shown afresh: its themes may have been renamed or merged

    def show_changes(self, changes: Changes) -> None:
        """Redraw the highlights `changes` touched."""
        for highlight_id in sorted(changes.highlights):
            highlight = self._store.get(highlight_id)
            if highlight is None:
                self._forget(highlight_id)
            elif self._every.row_of(highlight_id) is None:
                self._add(highlight)
            else:
                self._refresh(highlight)
        if changes.highlights:
            self._update_header()
            self.filter_changed.emit()

    def set_tags(self, tags: list[Tag]) -> None:
        """Offer these theme paths for completion and for the filter."""
        self.filter_menu.tags = tags
        self._tree = descendants(tags)
        self._tag_completions.setStringList([t.path for t in tags])
        known = {t.id for t in tags}
        if any(t not in known for t in self._filter.themes):
            self.set_filter(replace(self._filter, themes=tuple(t for t in self._filter.themes if t in known)))

    def _add(self, highlight: Highlight) -> None:
        """Show a new highlight (a new highlight is shown even if the filter would hide it)."""
        self._shown = None
        self._every.add(highlight)
        if self.model is not self._every:
            self.model.add(highlight)

    def _refresh(self, highlight: Highlight) -> None:
        """Show a changed highlight (and refresh the details if it is current)."""
        self._shown = None
        self._every.update(highlight)
        if self.model is not self._every:
            self.model.update(highlight)
        if self._current is not None and self._current.id == highlight.id:
            self._show_current(highlight)

    def _forget(self, highlight_id: int) -> None:
        """Drop a deleted highlight; if it was current, nothing is current in its place."""
        if self._current is not None and self._current.id == highlight_id:
            # Left as Qt's current row, its removal made a neighbouring row current: the
            # text jumped to that highlight, wherever it lay, and a second Delete took it
            # unseen. Its note is not saved (shown as gone first): it went with the highlight.
            self._show_current(None)
            self.select(None)
            self.current_changed.emit(None)
        self._shown = None
        self._every.remove(highlight_id)
        if self.model is not self._every:
            self.model.remove(highlight_id)

    # Filter ----------------------------------------------------------------------

    @property
    def filter(self) -> ThemeFilter:
        """The filter the list is shown through."""
        return self._filter

    def set_filter(self, chosen: ThemeFilter) -> None:
        """Show only the highlights `chosen` lets through (the current one stays if shown)."""
        self._filter = chosen
        if self.filter_field.text() != chosen.text:
            self.filter_field.setText(chosen.text)  # re-enters with the same filter
            return
        count = len(chosen.themes) + chosen.untagged + len(chosen.authors)
        self.filter_button.setText(f"Themes ({count})" if count else "Themes")
        self._refilter()

    def _refilter(self) -> None:
        self._shown = None
        self.flush_note()
        current = self._current.id if self._current is not None else None
        if self._filter.active:
            filtered = HighlightListModel(self._store)
            filtered.set_highlights(self.shown())
            self._show_model(filtered)
        else:
            self._show_model(self._every)
        self._show_current(None)
        if current is not None and self.model.row_of(current) is not None:
            self.select(current)
        self._update_header()
        self.filter_changed.emit()

    def _show_model(self, model: HighlightListModel) -> None:
        """Let the list show `model`, dropping the filtered model it showed before."""
        previous, old_selection = self.model, self.list.selectionModel()
        self.model = model
        if previous is not model:
            self.list.setModel(model)
            self._watch_selection()
            old_selection.deleteLater()
            if previous is not self._every:
                previous.deleteLater()

    def _watch_selection(self) -> None:
        self.list.selectionModel().currentChanged.connect(self._on_list_current)

    def shown(self) -> list[Highlight]:
        """Return the highlights the filter lets through, in text order."""
        if self._shown is None:
            ordered = self._store.ordered()
            self._shown = filter_highlights(ordered, self._filter, self._tree) if self._filter.active else ordered
        return list(self._shown)

    # Current highlight -----------------------------------------------------------

    def current(self) -> Highlight | None:
        """Return the current highlight."""
        return self._current

    def select(self, highlight_id: int | None) -> None:
        """Make a highlight current and select its row, without asking to scroll the text."""
        if self._current is not None and self._current.id == highlight_id:
            return
        row = None if highlight_id is None else self.model.row_of(highlight_id)
        # The selection model keeps its signals (the view repaints the selection from
        # them); the flag only stops this change from asking the text to scroll.
        self._selecting = True
        try:
            selection = self.list.selectionModel()
            if row is None:
                selection.clearSelection()
                selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.Clear)
            else:
                index = self.model.index(row, 0)
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self._scroll_later.start()
        finally:
            self._selecting = False
        self._change_current(None if row is None else self.model.highlight_at(row))

    def focus_tags(self) -> None:
        """Put the keyboard in the theme field."""
        self.tag_input.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.tag_input.selectAll()

    def show_person(self, person: Person, *, private_by_default: bool) -> None:
        """Let `person` change the highlights they may (themes, notes, private ones), the rest read only."""
        self.notes.set_person(person, private_by_default=private_by_default)
        self._show_current(self._current)

    def focus_note(self) -> None:
        """Put the keyboard in the note field, at its end."""
        self.notes.focus()

    def flush_note(self) -> None:
        """Save the note being typed now, if it changed."""
        self.notes.flush()

    def _on_list_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        highlight = self.model.highlight_at(current.row()) if current.isValid() else None
        self._change_current(highlight)
        if highlight is not None and not self._selecting:
            self.list.scrollTo(current)  # moved in the list itself
            self.jump_requested.emit(highlight.id)

    def _change_current(self, highlight: Highlight | None) -> None:
        previous = self._current
        if previous is not None and (highlight is None or highlight.id != previous.id):
            self.flush_note()
        self._show_current(highlight)
        if (previous.id if previous else None) != (highlight.id if highlight else None):
            self.current_changed.emit(highlight.id if highlight else None)

    def _show_current(self, highlight: Highlight | None) -> None:
        self._current = highlight
        enabled = highlight is not None and self.notes.person.may_change(highlight)
        for widget in (self.tag_list, self.tag_input):
            widget.setEnabled(enabled)
        self.quote.show_quote(highlight.exact if highlight else None)
        self.tag_list.clear()
        for tag in highlight.tags if highlight else ():
            item = QListWidgetItem(f"#{tag.path}")
            item.setData(TAG_ROLE, tag)
            item.setData(Qt.ItemDataRole.DecorationRole, swatch(tag.colour))
            self.tag_list.addItem(item)
        self.notes.show_highlight(highlight)

    def _preselect_completion(self) -> None:
        completer = self.tag_input.completer()
        popup = completer.popup()
        if popup is not None and popup.isVisible() and completer.completionCount():
            popup.setCurrentIndex(completer.completionModel().index(0, 0))

    def _on_tag_entered(self) -> None:
        path = self.tag_input.text().strip()
        if path and self._current is not None:
            self.tag_entered.emit(self._current.id, path)

    def _on_remove_tag(self, tag: Tag) -> None:
        if self._current is not None:
            self.untag_requested.emit(self._current.id, tag)

    def _update_header(self) -> None:
        count = self.model.rowCount()
        if self._filter.active:
            self.header.setText(f"Highlights ({count} of {len(self._store)}, filtered)")
        else:
            self.header.setText(f"Highlights ({count})")

    def current_row_id(self) -> int | None:
        """Return the id of the selected row, if any."""
        index = self.list.currentIndex()
        value = index.data(ID_ROLE) if index.isValid() else None
        return value if isinstance(value, int) else None
