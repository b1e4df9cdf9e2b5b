"""The reader repaints what a change touched: the highlight where it was and where it is."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPaintEvent, QRegion
from pytestqt.qtbot import QtBot

from app.domain.changes import Changes
from app.domain.values import Highlight, Tag
from app.ui.desk.store import HighlightStore
from app.ui.reading.reader import SPANS_REPAINTED_ALONE, ReaderView

NOW = datetime(2026, 1, 1)
TEXT = "\n\n".join(f"Paragraph {i} of a text that goes on for a while." for i in range(100))
RED = Tag(id=1, name="red", path="red", parent_id=None, colour="#e03131")


class PaintedRegion(QObject):
    """Collects the region each paint event of a widget covers."""

    def __init__(self) -> None:
        super().__init__()
        self.region = QRegion()

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if isinstance(event, QPaintEvent):
            self.region = self.region.united(event.region())
        return False


def _paragraph(i: int) -> Highlight:
    start = TEXT.index(f"Paragraph {i} ")
    return Highlight(i, 1, 1, start, start + 9, "Paragraph", "", "", "", (), NOW, NOW)


def _shown(qtbot: QtBot, highlights: list[Highlight]) -> tuple[ReaderView, PaintedRegion]:
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.resize(700, 500)
    reader.show()
    qtbot.waitExposed(reader)
    reader.set_text(TEXT)
    reader.set_highlights(highlights)
    qtbot.waitUntil(lambda: bool(reader.painted_highlight_ids()))
    painted = PaintedRegion()
    reader.viewport().installEventFilter(painted)
    return reader, painted


def test_a_recoloured_highlight_repaints_its_own_lines_only(qtbot: QtBot) -> None:
    highlights = [_paragraph(i) for i in range(6)]
    reader, painted = _shown(qtbot, highlights)
    assert reader.painted_highlight_ids() == [0, 1, 2, 3, 4, 5]
    before = reader.painted_highlights()
    store = HighlightStore([*highlights[:3], replace(highlights[3], tags=(RED,)), *highlights[4:]])

    reader.show_changes(Changes(highlights_changed=frozenset({3})), store)
    qtbot.waitUntil(lambda: reader.painted_highlights().get(3) not in (None, before[3]))

    line = painted.region.boundingRect()
    assert line.height() < reader.viewport().height() / 8, "the whole page was repainted for one highlight"
    assert reader.painted_highlights() == {**before, 3: reader.painted_highlights()[3]}


def test_a_removed_highlight_is_painted_away_and_one_off_the_screen_repaints_nothing(qtbot: QtBot) -> None:
    highlights = [_paragraph(i) for i in (1, 2, 99)]
    reader, painted = _shown(qtbot, highlights)
    assert reader.painted_highlight_ids() == [1, 2]
    store = HighlightStore(highlights[1:2])

    reader.show_changes(Changes(highlights_removed=frozenset({1, 99})), store)
    qtbot.waitUntil(lambda: not painted.region.isEmpty())

    assert reader.painted_highlight_ids() == [2]
    assert painted.region.boundingRect().height() < reader.viewport().height() / 8


def test_a_change_to_many_highlights_repaints_the_page_once(qtbot: QtBot) -> None:
    highlights = [_paragraph(i) for i in range(SPANS_REPAINTED_ALONE + 1)]
    reader, painted = _shown(qtbot, highlights)
    store = HighlightStore([replace(h, tags=(RED,)) for h in highlights])

    reader.show_changes(Changes(highlights_changed=frozenset(h.id for h in highlights)), store)
    qtbot.waitUntil(lambda: not painted.region.isEmpty())

    assert painted.region.boundingRect() == reader.viewport().rect()
    assert len({colour.rgba() for colour in reader.painted_highlights().values()}) == 1
