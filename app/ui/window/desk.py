"""What the window offers the actions that work on it: a protocol, so they need not import it.

The document, theme, highlight, edition, history and view actions each work on the
window's parts. They are typed against `Desk`, which the main window fulfils, so that
the window can import them without their importing the window back (no import cycles).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QListView, QSplitter, QStatusBar, QWidget

from app.domain.values import Highlight
from app.ui.common.preferences import Preferences
from app.ui.desk.controller import DeskController
from app.ui.documents.list_model import DocumentListModel
from app.ui.highlights.panel import HighlightPanel
from app.ui.reading.reader import ReaderView
from app.ui.themes.panel import ThemesPanel


class Desk(Protocol):
    """The reading desk as its actions see it."""

    controller: DeskController
    preferences: Preferences
    reader: ReaderView
    panel: HighlightPanel
    themes_panel: ThemesPanel
    library_view: QListView
    documents: DocumentListModel
    left: QSplitter
    splitter: QSplitter
    page_actions: list[QAction]
    typeface_actions: list[QAction]
    measure_actions: list[QAction]
    spacing_actions: list[QAction]
    numbers_action: QAction
    focus_action: QAction
    full_screen_action: QAction
    undo_action: QAction
    redo_action: QAction
    private_notes_action: QAction

    def statusBar(self) -> QStatusBar:  # noqa: N802 - Qt's name
        """The window's status bar."""
        ...

    def isFullScreen(self) -> bool:  # noqa: N802 - Qt's name
        """Whether the window fills the screen."""
        ...

    def showFullScreen(self) -> None:  # noqa: N802 - Qt's name
        """Fill the screen."""
        ...

    def showNormal(self) -> None:  # noqa: N802 - Qt's name
        """Leave full screen."""
        ...

    def show_error(self, title: str, text: str) -> None:
        """Tell the user what went wrong."""
        ...

    def open_document(self, document_id: int) -> None:
        """Open a document in the reader."""
        ...

    def open_highlight(self, document_id: int, highlight_id: int) -> None:
        """Open a document and make one of its highlights current."""
        ...

    def select_highlight(self, highlight: Highlight) -> None:
        """Select a highlight everywhere, the caret inside it."""
        ...

    def current_highlight(self) -> Highlight | None:
        """The highlight the actions apply to."""
        ...

    def highlight_for_action(self) -> Highlight | None:
        """The selection made a highlight first, if there is one; else the current highlight."""
        ...

    def focus_reader(self) -> None:
        """Give the keyboard to the text."""
        ...

    def as_widget(self) -> QWidget:
        """The window, as the parent of dialogs."""
        ...
