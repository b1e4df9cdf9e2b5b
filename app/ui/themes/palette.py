"""The theme palette (Ctrl+T): type a fragment, pick a theme with the arrows, press Enter."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.domain.codebook import rank_themes
from app.domain.tags import TagPathError, parse_tag_path
from app.domain.values import Tag
from app.ui.common.speech import announce

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class ThemePalette(QDialog):
    """Finds themes by fragments (``sov`` finds ``power/soviets``); a new path creates one."""

    def __init__(
        self, tags: list[Tag], target: str, parent: QWidget | None = None, keys: dict[int, Tag] | None = None
    ) -> None:
        """Offer `tags`; `target` says what Enter will tag (shown above the field); `keys`, what 1-9 apply."""
        super().__init__(parent)
        self._keys = {tag.id: key for key, tag in (keys or {}).items()}
        self.setWindowTitle("Apply a theme")
        self.setAccessibleName("Theme palette")
        self._tags = tags
        self.chosen: str | None = None
        label = QLabel(target)
        label.setWordWrap(True)
        self.field = QLineEdit()
        self.field.setAccessibleName("Theme to apply")
        self.field.setPlaceholderText("Type part of a theme, or a new path such as power/soviets")
        self.list = QListWidget()
        self.list.setAccessibleName("Matching themes")
        self.list.setUniformItemSizes(True)
        label.setBuddy(self.field)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.field)
        layout.addWidget(self.list)
        self.resize(460, 360)
        # Up and Down move the choice in a list that never has the focus: say what Enter
        # would now apply, or a screen reader's user cannot know.
        self.list.currentTextChanged.connect(lambda text: announce(self, text) if text else None)
        self.field.textChanged.connect(self._refresh)
        self.field.returnPressed.connect(self._accept_current)
        self.list.itemActivated.connect(lambda _item: self._accept_current())
        self.field.installEventFilter(self)
        self._refresh("")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Let Up, Down, Page Up and Page Down in the field move through the list."""
        if watched is self.field and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            keys = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
            if event.key() in keys:
                self.list.keyPressEvent(event)
                return True
        return super().eventFilter(watched, event)

    def matches(self) -> list[str]:
        """Return the paths offered, in order: matching themes, then a new path to create."""
        return [str(self.list.item(i).data(PATH_ROLE)) for i in range(self.list.count())]

    def _refresh(self, typed: str) -> None:
        self.list.clear()
        found = rank_themes(typed, self._tags)
        try:
            new = "/".join(parse_tag_path(typed))
        except TagPathError:
            new = ""
        for tag in found:
            key = self._keys.get(tag.id)
            item = QListWidgetItem(f"#{tag.path}" + (f"   [key {key}]" if key else ""))
            item.setData(PATH_ROLE, tag.path)
            item.setToolTip(tag.description or tag.path)
            self.list.addItem(item)
        # Last, so that Enter takes a match: a new theme is made only when nothing matches
        # or when the user moves down to it.
        if new and all(t.path.casefold() != new.casefold() for t in self._tags):
            item = QListWidgetItem(f"Create #{new}")
            item.setData(PATH_ROLE, new)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _accept_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = str(item.data(PATH_ROLE))
            self.accept()
