"""The reading desk's widgets laid out: library, outline and themes, text, highlights, status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.ui.common.access import ItemFocus
from app.ui.common.speech import announce
from app.ui.common.status import STATUS_MS
from app.ui.desk.store import HighlightStore
from app.ui.documents.list_model import DocumentListModel
from app.ui.highlights.panel import HighlightPanel
from app.ui.reading.find_bar import FindBar
from app.ui.reading.outline import OutlineView
from app.ui.reading.reader import ReaderView
from app.ui.themes.panel import ThemesPanel
from app.ui.themes.theme_map import ThemeMap


class DeskLayout(QMainWindow):
    """The window's parts and where they stand; the main window gives them their actions."""

    def __init__(self, store: HighlightStore) -> None:
        """Lay out the desk; the highlight panel shows what `store` holds."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Marginalia")
        ItemFocus(self)
        self.last_message: QMessageBox | None = None

        self.documents = DocumentListModel()
        self.library_view = QListView()
        self.library_view.setObjectName("libraryList")
        self.library_view.setAccessibleName("Library")
        self.library_view.setAccessibleDescription("Your documents. Enter or a click opens one.")
        self.library_view.setModel(self.documents)
        self.library_view.setWordWrap(True)
        self.library_view.setSpacing(2)
        self.library_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

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

        self.panel = HighlightPanel(store)

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
        self.shared_label = QLabel()
        self.shared_label.setObjectName("sharedLabel")
        self.shared_label.setVisible(False)
        self.statusBar().addPermanentWidget(self.shared_label)

    def show_error(self, title: str, text: str) -> None:
        """Tell the user what went wrong, without blocking the window; a screen reader says it at once."""
        quiet = self.statusBar().blockSignals(True)  # said once, assertively, not twice
        try:
            self.statusBar().showMessage(text, STATUS_MS)
        finally:
            self.statusBar().blockSignals(quiet)
        announce(self, f"{title}. {text}", assertive=True)
        self.show_message(QMessageBox.Icon.Warning, title, text)

    def show_message(self, icon: QMessageBox.Icon, title: str, text: str) -> None:
        """Show a message box that does not block the window (the last one is kept for tests)."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAccessibleName(title)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_message = box
        box.open()
