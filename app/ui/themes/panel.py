"""The themes panel: the codebook as a tree with counts, swatches and descriptions."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTreeView, QVBoxLayout, QWidget

from app.domain.values import Tag, ThemeCount

ID_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2
MIME = "application/x-marginalia-theme"
COLUMNS = ("Theme", "Own", "All")

_Index = QModelIndex | QPersistentModelIndex


class ThemeTreeModel(QAbstractItemModel):
    """The theme tree: name, highlights carrying the theme, and with its sub-themes.

    The model never changes the library itself: renaming (editing a name) and moving
    (dropping a theme on another) are asked for through signals, and the window reloads
    the model from the library once the change was saved.
    """

    rename_requested = Signal(int, str)  # theme id, new name
    move_requested = Signal(int, object)  # theme id, new parent id or None

    def __init__(self) -> None:
        """Start empty."""
        super().__init__()
        self._themes: dict[int, ThemeCount] = {}
        self._children: dict[int | None, list[int]] = {None: []}
        self._row: dict[int, int] = {}
        self._swatches: dict[str, QPixmap] = {}

    def set_themes(self, themes: list[ThemeCount]) -> None:
        """Replace the tree (the list comes parents first, siblings sorted)."""
        self.beginResetModel()
        self._themes = {t.tag.id: t for t in themes}
        self._children = {None: []}
        self._row = {}
        for theme in themes:
            siblings = self._children.setdefault(theme.tag.parent_id, [])
            self._row[theme.tag.id] = len(siblings)
            siblings.append(theme.tag.id)
        self.endResetModel()

    def theme(self, index: _Index) -> ThemeCount | None:
        """Return the theme at an index."""
        return self._themes.get(index.internalId()) if index.isValid() else None

    def index_of(self, tag_id: int) -> QModelIndex:
        """Return the first-column index of a theme (invalid if it is not there)."""
        theme = self._themes.get(tag_id)
        if theme is None:
            return QModelIndex()
        return self.createIndex(self._row[tag_id], 0, tag_id)

    def themes(self) -> list[ThemeCount]:
        """Return every theme shown."""
        return list(self._themes.values())

    # Qt model --------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008 - Qt signature
        """Return the index of a row under `parent`."""
        parent_id = parent.internalId() if parent.isValid() else None
        children = self._children.get(parent_id, [])
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        if not (0 <= row < len(children) and 0 <= column < len(COLUMNS)):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        """Return the parent theme's index."""
        theme = self.theme(index)
        if theme is None or theme.tag.parent_id is None:
            return QModelIndex()
        return self.index_of(theme.tag.parent_id)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        """Return the number of sub-themes (top-level themes for the root)."""
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children.get(parent.internalId() if parent.isValid() else None, []))

    def columnCount(self, _parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        """Return the number of columns."""
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401, N802
        """Return the column titles and their explanations."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return ("Theme", "Highlights with this theme", "Highlights with it or a sub-theme")[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401 - Qt role data
        """Return a theme's name, counts, swatch, description or id."""
        theme = self.theme(index)
        if theme is None:
            return None
        tag, column = theme.tag, index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return (
                    tag.name
                    if role == Qt.ItemDataRole.EditRole or tag.pinned is None
                    else f"{tag.name}  [{tag.pinned}]"
                )
            return str(theme.highlights if column == 1 else theme.with_subthemes)
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self._swatch(tag.colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"#{tag.path}" + (f"\n{tag.description}" if tag.description else "")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            pinned = f", on key {tag.pinned}" if tag.pinned else ""
            return f"{tag.path}: {theme.highlights} highlights, {theme.with_subthemes} with sub-themes{pinned}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return tag.id
        if role == PATH_ROLE:
            return tag.path
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: ANN401, N802
        """Ask for a rename; the tree changes when the library has saved it."""
        theme = self.theme(index)
        if theme is None or role != Qt.ItemDataRole.EditRole or index.column() != 0 or not isinstance(value, str):
            return False
        if value.strip() and value.strip() != theme.tag.name:
            self.rename_requested.emit(theme.tag.id, value)
        return False

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Names are editable (F2); themes can be dragged onto others or the empty area."""
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        flags |= Qt.ItemFlag.ItemIsDropEnabled
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802 - Qt override
        """Dropping moves a theme."""
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt override
        """The one type a dragged theme carries."""
        return [MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]  # noqa: N802
        """Carry the dragged theme's id."""
        data = QMimeData()
        ids = {i.internalId() for i in indexes if i.isValid()}
        if len(ids) == 1:
            data.setData(MIME, QByteArray(str(ids.pop()).encode()))
        return data

    def dropMimeData(  # noqa: N802 - Qt override
        self, data: QMimeData, action: Qt.DropAction, _row: int, _column: int, parent: _Index
    ) -> bool:
        """Ask to move the dropped theme under the theme it was dropped on (or to the top)."""
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME):
            return False
        raw = bytes(data.data(MIME).data()).decode()
        if not raw.isdigit():
            return False
        target = self.theme(parent)
        self.move_requested.emit(int(raw), target.tag.id if target else None)
        return False  # nothing to remove from the source: the tree is reloaded

    def _swatch(self, colour: str) -> QPixmap:
        if colour not in self._swatches:
            pixmap = QPixmap(12, 12)
            pixmap.fill(QColor(colour))
            self._swatches[colour] = pixmap
        return self._swatches[colour]


class ThemesPanel(QWidget):
    """The codebook tree with a short description of the current theme."""

    activated = Signal(int)  # theme id: show its passages

    def __init__(self, parent: QWidget | None = None) -> None:
        """Build the tree view."""
        super().__init__(parent)
        self.setObjectName("themesPanel")
        self.model = ThemeTreeModel()
        self.header = QLabel("Themes")
        self.view = QTreeView()
        self.view.setObjectName("themeTree")
        self.view.setAccessibleName("Themes")
        self.view.setAccessibleDescription(
            "The codebook. F2 renames, Delete deletes, Enter shows the passages; drag a theme onto another to move it."
        )
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.activated.connect(self._on_activated)
        self.description = QLabel()
        self.description.setObjectName("themeDescription")
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.description.setAccessibleDescription("Description of the current theme")
        self.view.selectionModel().currentChanged.connect(lambda current, _previous: self._describe(current))
        self.keys_legend = QLabel()
        self.keys_legend.setObjectName("themeKeys")
        self.keys_legend.setWordWrap(True)
        self.keys_legend.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.keys_legend)
        layout.addWidget(self.description)
        self._describe(QModelIndex())

    def expanded_ids(self) -> list[int]:
        """Return the themes whose branches are open."""
        return [t.tag.id for t in self.model.themes() if self.view.isExpanded(self.model.index_of(t.tag.id))]

    def expand(self, tag_ids: list[int]) -> None:
        """Open the branches of these themes (those still in the codebook)."""
        known = {t.tag.id for t in self.model.themes()}
        for tag_id in tag_ids:
            if tag_id in known:
                self.view.setExpanded(self.model.index_of(tag_id), True)

    def set_number_keys(self, keys: dict[int, Tag]) -> None:
        """Show which theme each number key applies (pinned ones, then the most recent)."""
        shown = "   ".join(f"{key} #{keys[key].path}" for key in sorted(keys))
        self.keys_legend.setText(f"Keys: {shown}" if shown else "Keys 1-9 apply your recent themes once you use some.")

    def set_themes(self, themes: list[ThemeCount]) -> None:
        """Show the codebook, keeping the current theme and the expanded branches."""
        current = self.current_id()
        expanded = self.expanded_ids()
        self.model.set_themes(themes)
        self.expand(expanded)
        self.header.setText(f"Themes ({len(themes)})")
        if current is not None:
            self.select(current)
        else:
            self._describe(QModelIndex())

    def current_id(self) -> int | None:
        """Return the id of the current theme."""
        theme = self.model.theme(self.view.currentIndex())
        return theme.tag.id if theme else None

    def select(self, tag_id: int) -> None:
        """Make a theme current (its branch opened)."""
        index = self.model.index_of(tag_id)
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
        self._describe(index)

    def _on_activated(self, index: QModelIndex) -> None:
        theme = self.model.theme(index)
        if theme is not None:
            self.activated.emit(theme.tag.id)

    def _describe(self, index: QModelIndex) -> None:
        theme = self.model.theme(index)
        if theme is None:
            self.description.setText("Choose a theme to see its description.")
            return
        text = theme.tag.description or "No description (Themes → Describe…)."
        self.description.setText(f"#{theme.tag.path}: {text}")
