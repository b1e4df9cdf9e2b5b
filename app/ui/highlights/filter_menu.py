"""The panel's Themes button menu: filter the highlights by any or all ticked themes, or by who made them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from app.domain.highlight_filter import Combine, ThemeFilter
from app.domain.values import Tag


class ThemeFilterMenu(QMenu):
    """Built afresh each time it opens, from the codebook and the filter as they are then."""

    def __init__(
        self,
        current: Callable[[], ThemeFilter],
        choose: Callable[[ThemeFilter], None],
        authors: Callable[[], list[str]],
        parent: QWidget,
    ) -> None:
        """Read the filter with `current`; every choice hands the new filter to `choose`.

        `authors` says who made the open document's highlights: with more than one, the
        menu offers to show only some members' highlights.
        """
        super().__init__(parent)
        self._current = current
        self._choose = choose
        self._authors = authors
        self.tags: list[Tag] = []
        self.aboutToShow.connect(self._build)

    def _build(self) -> None:
        self.clear()
        chosen = self._current()
        group = QActionGroup(self)
        for combine, label in ((Combine.ANY, "Any of the ticked themes"), (Combine.ALL, "All of the ticked themes")):
            action = self.addAction(label)
            action.setCheckable(True)
            action.setChecked(chosen.combine is combine)
            action.setActionGroup(group)
            action.triggered.connect(lambda _c=False, c=combine: self._choose(replace(self._current(), combine=c)))
        untagged = self.addAction("Untagged only")
        untagged.setCheckable(True)
        untagged.setChecked(chosen.untagged)
        untagged.toggled.connect(lambda on: self._choose(replace(self._current(), untagged=on)))
        self.addSeparator()
        for tag in self.tags:
            action = self.addAction(("    " * tag.path.count("/")) + tag.name)
            action.setCheckable(True)
            action.setChecked(tag.id in chosen.themes)
            action.toggled.connect(lambda on, t=tag.id: self._toggle_theme(t, on))
        members = self._authors()
        if len(members) > 1:
            self.addSection("Made by")
            for name in members:
                action = self.addAction(name)
                action.setCheckable(True)
                action.setChecked(name in chosen.authors)
                action.toggled.connect(lambda on, n=name: self._toggle_author(n, on))
        self.addSeparator()
        self.addAction("Clear the filter", lambda: self._choose(ThemeFilter()))

    def _toggle_author(self, name: str, on: bool) -> None:
        authors = [a for a in self._current().authors if a != name] + ([name] if on else [])
        self._choose(replace(self._current(), authors=tuple(authors)))

    def _toggle_theme(self, tag_id: int, on: bool) -> None:
        themes = [t for t in self._current().themes if t != tag_id] + ([tag_id] if on else [])
        self._choose(replace(self._current(), themes=tuple(themes)))
