"""The Qt item models obey Qt's model contract while they change."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester

from app.domain.values import DocumentSummary, Highlight, Tag
from app.ui.common.roles import ID_ROLE
from app.ui.desk.store import HighlightStore
from app.ui.documents.list_model import DocumentListModel
from app.ui.highlights.list_model import HighlightListModel

NOW = datetime(2026, 1, 1)
TAG = Tag(id=1, name="soviets", path="power/soviets", parent_id=None, colour="#7cc6fe")


def _h(hid: int, start: int, note: str = "", tags: tuple[Tag, ...] = ()) -> Highlight:
    return Highlight(hid, 1, 1, start, start + 5, f"quote {hid}\nline two", "", "", note, tags, NOW, NOW)


def test_highlight_model_keeps_text_order_through_changes(qtmodeltester: ModelTester) -> None:
    store = HighlightStore([_h(3, 30), _h(1, 10)])
    model = HighlightListModel(store)
    qtmodeltester.check(model)
    model.set_highlights(store.ordered())
    store.put(_h(2, 20))
    assert model.add(_h(2, 20)) == 1
    assert [model.index(r, 0).data(ID_ROLE) for r in range(3)] == [1, 2, 3]
    store.put(_h(2, 20, note="a note\nwith two lines", tags=(TAG,)))
    model.update(_h(2, 20, note="a note\nwith two lines", tags=(TAG,)))
    shown = model.index(1, 0).data()
    assert shown == "“quote 2 line two”\n#power/soviets\n✎ a note with two lines"
    assert model.index(1, 0).data(Qt.ItemDataRole.DecorationRole) == QColor("#7cc6fe")
    store.drop(1)
    model.remove(1)
    assert [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())] == [2, 3]
    store.put(_h(3, 5))  # attached elsewhere: its row moves to its new place
    model.update(_h(3, 5))
    assert [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())] == [3, 2]
    qtmodeltester.check(model)


def test_document_model_shows_title_author_format_words_count_and_date(qtmodeltester: ModelTester) -> None:
    model = DocumentListModel()
    model.set_documents(
        [
            DocumentSummary(1, "Resolution", "V. I. Lenin", 1, NOW, "pdf", 12_345, "1917", "Pravda"),
            DocumentSummary(2, "Untitled notes", "", 0, NOW, "pasted", 1),
        ]
    )
    qtmodeltester.check(model)
    added = f"added {NOW.replace(tzinfo=UTC).astimezone():%Y-%m-%d}"
    assert model.index(0, 0).data() == f"Resolution\nV. I. Lenin · PDF · 12,345 words · 1 highlight · {added}"
    assert model.index(1, 0).data() == f"Untitled notes\nPasted · 1 word · 0 highlights · {added}"
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole).endswith("\nDate: 1917\nSource: Pravda")
    assert model.row_of(2) == 1
