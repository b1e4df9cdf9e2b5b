"""The window's menus and their keys: every action the desk offers, and what F1 lists."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QMessageBox, QWidget

from app.ui.reading.outline import OutlineView
from app.ui.window.backup_actions import BackupActions
from app.ui.window.document_actions import DocumentActions
from app.ui.window.edition_actions import EditionActions
from app.ui.window.exchange_actions import ExchangeActions
from app.ui.window.highlight_actions import HighlightActions
from app.ui.window.history_actions import HistoryActions
from app.ui.window.library_actions import LibraryActions
from app.ui.window.navigation import Navigation, NavigationHost
from app.ui.window.opening import FileOpening
from app.ui.window.search_actions import SearchActions
from app.ui.window.shortcuts import ActionSpec, ShortcutsDialog
from app.ui.window.theme_actions import ThemeActions
from app.ui.window.view_actions import ViewActions


class MenuHost(NavigationHost, Protocol):
    """The window as its menus see it: its parts, its feature actions and its own commands."""

    outline: OutlineView
    key_actions: list[QAction]
    themes: ThemeActions
    document_actions: DocumentActions
    view_actions: ViewActions
    editions: EditionActions
    history: HistoryActions
    search: SearchActions
    exchange: ExchangeActions
    highlight_actions: HighlightActions
    backups: BackupActions
    library_actions: LibraryActions
    navigation: Navigation
    opening: FileOpening

    def menuBar(self) -> QMenuBar:  # noqa: N802 - Qt's name
        """The window's menu bar."""
        ...

    def close(self) -> bool:
        """Close the window."""
        ...

    def highlight_selection(self) -> object:
        """Highlight the selected passage (H)."""
        ...

    def show_message(self, icon: QMessageBox.Icon, title: str, text: str) -> None:
        """Show a message box that does not block the window."""
        ...


class Menus:
    """Builds the menu bar of a window, and remembers every action's menu and keys."""

    def __init__(self, window: MenuHost) -> None:
        """Build every menu of `window`."""
        self.window = window
        self.menus: dict[str, QMenu] = {}
        self.specs: list[ActionSpec] = []
        self._build()

    def action(
        self,
        menu_name: str,
        text: str,
        slot: Callable[[], object],
        shortcuts: Sequence[QKeySequence | QKeySequence.StandardKey | str] = (),
        *,
        local_to: Sequence[QWidget] = (),
    ) -> QAction:
        """Create an action in a menu; `local_to` limits its keys to those widgets."""
        action = QAction(text, self.window.as_widget())
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(slot)
        if local_to:
            # Single-letter keys must not fire while the user types a note or a theme.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for widget in local_to:
                widget.addAction(action)
        self.menus[menu_name].addAction(action)
        keys = tuple(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts)
        self.specs.append(ActionSpec(menu_name.replace("&", ""), text.replace("&", ""), keys))
        return action

    def choices(self, menu: str, labels: dict[str, str], choose: Callable[[str], None]) -> list[QAction]:
        """Add checkable entries to a menu, one per choice; each action's data is its choice's name."""
        actions = []
        for name, label in labels.items():
            action = self.action(menu, label, functools.partial(choose, name))
            action.setCheckable(True)
            action.setData(name)
            actions.append(action)
        return actions

    def _build(self) -> None:
        w = self.window
        bar = w.menuBar()
        # Keys name the menus in the code; titles give each a mnemonic of its own (Alt+G, Alt+T).
        titles = {"&File": "&File", "&Edit": "&Edit", "&Highlight": "Hi&ghlight", "T&hemes": "&Themes"}
        self.menus.update(
            {
                name: bar.addMenu(titles.get(name, name))
                for name in ("&File", "&Edit", "&Highlight", "T&hemes", "&View", "&Help")
            }
        )
        here = (w.reader, w.panel.list)
        library = (w.library_view,)
        a = self.action
        a("&File", "&Open text…", w.opening.open_file_dialog, [QKeySequence.StandardKey.Open])
        a("&File", "&Paste as new document", w.document_actions.paste_as_document, ["Ctrl+Shift+V"])
        a("&File", "Document propert&ies…", w.document_actions.edit_properties, ["F2"], local_to=library)
        a("&File", "Dele&te document…", w.document_actions.delete_document, ["Delete"], local_to=library)
        a("&File", "Replace te&xt with a new edition…", w.editions.open_edition_dialog, ["Ctrl+Shift+O"])
        a("&File", "New edition from the clip&board", w.editions.edition_from_clipboard)
        a("&File", "Reopen with encodin&g…", w.editions.reopen_with_encoding)
        a("&File", "Editions of this &document…", w.editions.show_versions)
        a("&File", "&Export highlights…", lambda: w.search.open_export(), ["Ctrl+E"])
        a("&File", "Import &highlights from another tool…", w.exchange.choose_highlights, ["Ctrl+Shift+I"])
        a("&File", "Export as a QDA pro&ject (.qdpx)…", w.exchange.export_project)
        a("&File", "Export the codebook for QDA tools (.qd&c)…", w.exchange.export_codebook)
        a("&File", "Open &shared library…", w.library_actions.choose_shared)
        a("&File", "&Restore from backup…", w.backups.open_backups)
        a("&File", "&Quit", w.close, [QKeySequence.StandardKey.Quit])
        w.undo_action = a("&Edit", "&Undo", w.history.undo, ["Ctrl+Z"])
        w.redo_action = a("&Edit", "&Redo", w.history.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        a("&Edit", "&History…", w.history.show_history, ["Ctrl+H"])
        self.menus["&Edit"].addSeparator()
        a("&Edit", "Search the &library…", w.search.open_search, ["Ctrl+K"])
        a("&Edit", "All &my notes…", w.search.open_notebook, ["Ctrl+Shift+N"])
        a("&Edit", "&Find…", w.navigation.open_find, ["Ctrl+F"])
        a("&Edit", "Find &next", w.find_bar.find_next, ["F3"])
        a("&Edit", "Find &previous", w.find_bar.find_previous, ["Shift+F3"])
        a("&Highlight", "&Highlight selection", w.highlight_selection, ["H"], local_to=here)
        a("&Highlight", "&Tag current highlight…", w.highlight_actions.tag_current, ["T"], local_to=here)
        a("&Highlight", "&Note on current highlight…", w.highlight_actions.note_current, ["N"], local_to=here)
        a("&Highlight", "&Delete current highlight", w.highlight_actions.delete_current, ["Delete"], local_to=here)
        a("&Highlight", "&Copy current highlight as Markdown", w.highlight_actions.copy_current, ["Ctrl+Shift+C"])
        a(
            "&Highlight",
            "&Attach orphan (or highlight to move) to selection",
            w.editions.attach_orphan,
            ["A"],
            local_to=(*here, w.panel.orphan_list),
        )
        w.private_notes_action = a(
            "&Highlight", "New notes p&rivate (shared library)", w.highlight_actions.toggle_private_default
        )
        w.private_notes_action.setCheckable(True)
        self.menus["&Highlight"].addSeparator()
        a("&Highlight", "Ne&xt highlight", lambda: w.highlight_actions.step_highlight(1), ["]"], local_to=here)
        a("&Highlight", "&Previous highlight", lambda: w.highlight_actions.step_highlight(-1), ["["], local_to=here)
        self._build_theme_actions(here)
        v = w.view_actions
        a("&View", "&Go to page or percentage…", v.go_to, ["Ctrl+G"])
        w.full_screen_action = a("&View", "&Full screen", v.toggle_full_screen, ["F11"])
        w.full_screen_action.setCheckable(True)
        w.focus_action = a("&View", "Focus on the te&xt", v.toggle_focus_mode, ["F9"])
        w.focus_action.setCheckable(True)
        w.numbers_action = a("&View", "&Paragraph numbers", v.toggle_paragraph_numbers, ["Ctrl+Shift+P"])
        w.numbers_action.setCheckable(True)
        self.menus["&View"].addSeparator()
        for name, title in (
            ("Page colour", "Page &colour"),
            ("Font", "Fo&nt"),
            ("Page width", "Page &width"),
            ("Spacing", "Line sp&acing"),
        ):
            self.menus[name] = self.menus["&View"].addMenu(title)
        w.page_actions = self.choices(
            "Page colour",
            {"light": "&Light", "sepia": "&Sepia", "dark": "&Dark", "system": "As the s&ystem"},
            v.set_page_theme,
        )
        a("Page colour", "Ne&xt page colour", v.next_page_theme, ["Ctrl+Shift+D"])
        w.typeface_actions = self.choices("Font", {"serif": "&Serif", "sans": "S&ans-serif"}, v.set_typeface)
        a("Font", "&Other…", v.choose_font)
        w.measure_actions = self.choices(
            "Page width", {"narrow": "&Narrow", "medium": "&Medium", "wide": "&Wide"}, v.set_measure
        )
        w.spacing_actions = self.choices(
            "Spacing",
            {"single": "&Single", "relaxed": "&Relaxed", "one-and-a-half": "One and a &half", "double": "&Double"},
            v.set_line_spacing,
        )
        self.menus["Spacing"].addSeparator()
        w.spacing_actions += self.choices(
            "Spacing",
            {"compact": "&Compact paragraphs", "normal": "&Normal paragraphs", "wide": "&Wide paragraphs"},
            v.set_paragraph_spacing,
        )
        self.menus["&View"].addSeparator()
        a("&View", "Zoom &in", lambda: w.view_actions.zoom(1), ["Ctrl+=", "Ctrl++"])
        a("&View", "Zoom o&ut", lambda: w.view_actions.zoom(-1), ["Ctrl+-"])
        a("&View", "&Reset zoom", lambda: w.view_actions.zoom(0), ["Ctrl+0"])
        self.menus["&View"].addSeparator()
        a("&View", "Go to &library", lambda: w.library_view.setFocus(), ["Ctrl+1"])
        a("&View", "Go to &text", w.focus_reader, ["Ctrl+2"])
        a("&View", "Go to the highlight li&st", lambda: w.panel.list.setFocus(), ["Ctrl+3"])
        a("&View", "Go to th&emes", lambda: w.themes_panel.view.setFocus(), ["Ctrl+4"])
        a("&View", "Go to &outline", lambda: w.outline.setFocus(), ["Ctrl+5"])
        a("&View", "Filter highlights by wor&ds", w.panel.filter_field.setFocus, ["Ctrl+Shift+F"])
        a("&Help", "&Keyboard shortcuts", self.show_shortcuts, ["F1"])
        a("&Help", "&About Marginalia", self.show_about)

    def _build_theme_actions(self, here: tuple[QWidget, ...]) -> None:
        w = self.window
        a, t, tree = self.action, w.themes, (w.themes_panel.view,)
        a("T&hemes", "&Apply a theme…", t.open_palette, ["Ctrl+T"])
        for key in range(1, 10):
            w.key_actions.append(
                a("T&hemes", f"Apply theme on key &{key}", t.key_action(key), [str(key)], local_to=here)
            )
        self.menus["T&hemes"].addSeparator()
        a("T&hemes", "&New theme…", t.new_theme)
        a("T&hemes", "&Rename theme", t.rename, ["F2"], local_to=tree)
        a("T&hemes", "Re&colour theme…", t.recolour)
        a("T&hemes", "&Describe theme…", t.describe)
        a("T&hemes", "&Move theme under…", t.move)
        a("T&hemes", "M&erge theme into…", t.merge)
        a("T&hemes", "&Split theme…", t.split)
        a("T&hemes", "De&lete theme", t.delete, ["Delete"], local_to=tree)
        a("T&hemes", "&Pin theme to a number key…", t.pin)
        self.menus["T&hemes"].addSeparator()
        # Enter in the tree shows them too (the view's own activation), so that Return
        # still commits a name being edited there.
        a("T&hemes", "Show passa&ges of theme", lambda: t.show_passages())
        a("T&hemes", "&Filter highlights by theme", t.filter_by_current, ["Ctrl+Shift+L"])
        a("T&hemes", "Theme s&tatistics…", t.show_statistics, ["F8"])
        a("T&hemes", "Agreement between c&oders…", t.show_agreement, ["Shift+F8"])
        self.menus["T&hemes"].addSeparator()
        a("T&hemes", "E&xport codebook…", t.export_codebook)
        a("T&hemes", "&Import codebook…", t.import_codebook)

    def show_shortcuts(self) -> None:
        """List every action with its keys (F1)."""
        dialog = ShortcutsDialog(list(self.specs), self.window.as_widget())
        dialog.open()

    def show_about(self) -> None:
        """Say what this is and where the library lives."""
        self.window.show_message(
            QMessageBox.Icon.Information,
            "About Marginalia",
            "Marginalia: an offline close-reading desk.\n\n"
            f"Your library: {self.window.controller.service.address}\n"
            "Every change is saved as you make it.",
        )
