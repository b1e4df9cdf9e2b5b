"""Search the whole library (Ctrl+K): results as you type, grouped by document, the match marked."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QAction,
    QFontDatabase,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QStandardItem,
    QStandardItemModel,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.search import CLOSE, HELP, OPEN, Hit, Results, plain_snippet
from app.domain.text import plural
from app.ui.common.speech import announce

# Typing pauses this long before the library is searched.
DEBOUNCE_MS = 150
HIT_ROLE = Qt.ItemDataRole.UserRole + 1
MARKED_ROLE = Qt.ItemDataRole.UserRole + 2
SNIPPET_LINES = 2
ROW_PADDING = 8
KINDS = {"text": "Text", "quote": "Quote", "note": "Note", "theme": "Theme"}


def marked_html(snippet: str) -> str:
    """Return a snippet as HTML, its matches in bold on a marker colour."""
    escaped = html.escape(snippet)
    return escaped.replace(html.escape(OPEN), "<b style='background-color:#ffe08a;color:#000'>").replace(
        html.escape(CLOSE), "</b>"
    )


class MarkedDelegate(QStyledItemDelegate):
    """Paints an item's marked snippet (its `MARKED_ROLE`) as rich text; the plain text is what is heard.

    A row's laid-out snippet is kept until the results change (`forget`): Qt asks a
    row's size and then paints it, and laying out rich text is the costly part of both.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start with nothing laid out."""
        super().__init__(parent)
        self._laid_out: dict[tuple[str, int], QTextDocument] = {}

    def forget(self) -> None:
        """Drop the laid-out snippets (the results changed)."""
        self._laid_out.clear()

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Draw the selection as usual, then the snippet with its matches marked."""
        marked = index.data(MARKED_ROLE)
        if not isinstance(marked, str):
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        document = self._document(marked, option)
        painter.save()
        painter.translate(option.rect.left(), option.rect.top() + ROW_PADDING // 2)
        painter.setClipRect(QRectF(0, 0, option.rect.width(), option.rect.height()))
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = option.palette.ColorRole.HighlightedText if selected else option.palette.ColorRole.Text
        context.palette.setColor(option.palette.ColorRole.Text, option.palette.color(role))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        """Two lines for every row: a snippet is a line or two, and equal rows need no laying out to scroll."""
        lines = option.fontMetrics.lineSpacing() * SNIPPET_LINES
        return QSize(super().sizeHint(option, index).width(), lines + ROW_PADDING)

    def _document(self, marked: str, option: QStyleOptionViewItem) -> QTextDocument:
        width = option.rect.width() if option.rect.width() > 0 else 600
        document = self._laid_out.get((marked, width))
        if document is None:
            document = QTextDocument()
            document.setDefaultFont(option.font)
            document.setHtml(marked)
            document.setTextWidth(width)
            self._laid_out[(marked, width)] = document
        return document


class _Box(QLineEdit):
    """The query box: Down goes to the results, Enter opens the chosen (or first) hit."""

    down = Signal()
    enter = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Hand Down and Enter to the dialog."""
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter.emit()
            return
        super().keyPressEvent(event)


class _Tree(QTreeView):
    """The results; Enter opens the current hit (a tree's Enter does nothing of itself)."""

    enter = Signal()
    up = Signal()
    typed = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Open with Enter; Up from the first row goes back to the query, and so does typing."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter.emit()
            return
        chords = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        if event.text().isprintable() and event.text().strip() and not event.modifiers() & chords:
            self.typed.emit(event.text())
            return
        if event.key() == Qt.Key.Key_Up and not self.indexAbove(self.currentIndex()).isValid():
            self.up.emit()
            return
        super().keyPressEvent(event)


class SearchDialog(QDialog):
    """The library search: a query box, its syntax, and the hits grouped by document."""

    hit_chosen = Signal(object)  # the Hit to open

    def __init__(self, search: Callable[[str], Results], parent: QWidget | None = None, query: str = "") -> None:
        """Search with `search` (query text to results), starting from `query`."""
        super().__init__(parent)
        self.setObjectName("searchDialog")
        self.setWindowTitle("Search the library")
        self.setAccessibleName("Search the library")
        self._search = search
        self.results = Results()
        self.box = _Box(query)
        self.box.setObjectName("searchBox")
        self.box.setAccessibleName("Search the library")
        self.box.setAccessibleDescription('Words, "a phrase", OR, -word, prefix*, in:, theme:, doc:, author:')
        self.box.setPlaceholderText('Words, "a phrase", theme:…  (Down: results, Enter: open)')
        self.box.setClearButtonEnabled(True)
        self.box.setToolTip(HELP)
        self.help_button = QPushButton("S&yntax")
        self.help_button.setCheckable(True)
        self.help_button.setAccessibleName("Show the search syntax")
        self.help = QLabel(HELP)
        self.help.setObjectName("searchHelp")
        self.help.setTextFormat(Qt.TextFormat.PlainText)
        self.help.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.help.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.help.setAccessibleName("Search syntax")
        self.help.setVisible(False)
        self.help_button.toggled.connect(self.help.setVisible)
        self.help_button.setToolTip("Show the search syntax (F1)")
        syntax = QAction("Search syntax", self)
        syntax.setShortcut(QKeySequence(Qt.Key.Key_F1))
        syntax.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        syntax.triggered.connect(self.help_button.toggle)
        self.addAction(syntax)
        self.model = QStandardItemModel(self)
        self.tree = _Tree()
        self.tree.setObjectName("searchResults")
        self.tree.setAccessibleName("Search results")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(True)
        self.delegate = MarkedDelegate(self.tree)
        self.tree.setItemDelegate(self.delegate)
        self.status = QLabel("Type to search every text, quote, note and theme.")
        self.status.setObjectName("searchStatus")
        self.status.setAccessibleDescription("Search summary")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.box, 1)
        row.addWidget(self.help_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.help)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        self.resize(820, 600)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.run)
        self.box.textChanged.connect(lambda _text: self.timer.start())
        self.box.down.connect(self._to_results)
        self.box.enter.connect(self.open_current)
        self.tree.enter.connect(self.open_current)
        self.tree.up.connect(lambda: self.box.setFocus(Qt.FocusReason.TabFocusReason))
        self.tree.typed.connect(self._type_on)
        self.tree.doubleClicked.connect(lambda _index: self.open_current())
        self.box.setFocus()
        if query:
            self.run()

    def run(self) -> None:
        """Search for what the box holds and show the hits."""
        self.timer.stop()
        text = self.box.text()
        self.model.clear()
        self.delegate.forget()
        if not text.strip():
            self.results = Results()
            self.status.setText("Type to search every text, quote, note and theme.")
            return
        self.results = self._search(text)
        groups: dict[int, QStandardItem] = {}
        for hit in self.results.hits:
            group = groups.get(hit.document_id)
            if group is None:
                count = self.results.counts.get(hit.document_id, 0)
                group = QStandardItem(f"{hit.title} — {plural(count, 'hit')}")
                font = group.font()
                font.setBold(True)
                group.setFont(font)
                groups[hit.document_id] = group
                self.model.appendRow(group)
            kind = KINDS[hit.kind]
            item = QStandardItem(f"{kind}: {' '.join(plain_snippet(hit.snippet).split())}")
            item.setData(hit, HIT_ROLE)
            item.setData(f"<i>{kind}</i>  {marked_html(hit.snippet)}", MARKED_ROLE)
            group.appendRow(item)
        self.tree.expandAll()
        total = self.results.total
        shown = len(self.results.hits)
        summary = (
            f"{plural(total, 'hit')} in {plural(len(self.results.counts), 'document')}"
            + (f"; the best {shown} shown" if shown < total else "")
            if total
            else "No hits."
        )
        if self.results.problems:
            summary += " " + " ".join(self.results.problems)
        self.status.setText(summary)
        announce(self.status, summary)
        first = self.first_hit()
        if first.isValid():
            self.tree.setCurrentIndex(first)

    def first_hit(self) -> QModelIndex:
        """Return the first hit's index (invalid when there is none)."""
        group = self.model.index(0, 0)
        return self.model.index(0, 0, group) if group.isValid() else QModelIndex()

    def _to_results(self) -> None:
        if self.timer.isActive():
            self.run()
        if self.model.rowCount():
            if not isinstance(self.tree.currentIndex().data(HIT_ROLE), Hit):
                self.tree.setCurrentIndex(self.first_hit())
            self.tree.setFocus(Qt.FocusReason.TabFocusReason)

    def _type_on(self, text: str) -> None:
        """Go on typing the query from the results."""
        self.box.setFocus(Qt.FocusReason.TabFocusReason)
        self.box.deselect()
        self.box.end(False)
        self.box.insert(text)

    def open_current(self) -> None:
        """Open the current hit (a document's row: its first hit) and close."""
        if self.timer.isActive():
            self.run()
        index = self.tree.currentIndex()
        if index.isValid() and not index.parent().isValid():
            index = self.model.index(0, 0, index)
        hit = index.data(HIT_ROLE) if index.isValid() else None
        if isinstance(hit, Hit):
            self.hit_chosen.emit(hit)
            self.accept()
