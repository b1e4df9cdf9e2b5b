"""The library search (Ctrl+K) and All my notes (Ctrl+Shift+N), driven with the keyboard."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.importers import ImportedText
from app.services import LibraryService
from app.ui.export.dialog import ExportDialog
from app.ui.search.dialog import HIT_ROLE, SearchDialog
from app.ui.search.notebook import NotebookDialog
from app.ui.window.main_window import MainWindow
from tests.conftest import file_of
from tests.gui.conftest import WindowFactory
from tests.gui.test_desk import highlight_quote, tag_current

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CONGRESS = "Minutes\n\nThe congress of peasant deputies met at Petrograd.\n\nThe Peasant question was put.\n"


def _open_search(qtbot: QtBot, window: MainWindow) -> SearchDialog:
    window.activateWindow()  # offscreen, closing a dialog does not give its window back the focus
    qtbot.waitUntil(window.isActiveWindow)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_K, CTRL)
    [dialog] = [d for d in window.findChildren(SearchDialog) if d.isVisible()]
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _type_query(qtbot: QtBot, dialog: SearchDialog, query: str) -> None:
    dialog.box.clear()
    qtbot.keyClicks(dialog.box, query)
    assert dialog.timer.isActive()  # typing waits for a pause before searching
    qtbot.waitUntil(lambda: not dialog.timer.isActive(), timeout=5000)


def test_results_as_you_type_grouped_by_document_and_enter_opens_at_the_words(
    make_window: WindowFactory, service: LibraryService, qtbot: QtBot
) -> None:
    sample = service.add_sample().value[0].id
    minutes = service.add_document(ImportedText.of(CONGRESS, title="Minutes")).value[0].id
    window = make_window(service)
    window.open_document(sample)
    dialog = _open_search(qtbot, window)
    assert dialog.focusWidget() is dialog.box
    _type_query(qtbot, dialog, "peasant")
    groups = [dialog.model.item(r).text() for r in range(dialog.model.rowCount())]
    assert any(g.startswith("Minutes — 2 hits") for g in groups)
    assert "hits in 2 documents" in dialog.status.text()

    _type_query(qtbot, dialog, "congress peasant")
    assert [dialog.model.item(r).text() for r in range(dialog.model.rowCount())] == ["Minutes — 1 hit"]
    hit = dialog.model.item(0).child(0)
    assert hit.text() == "Text: The congress of peasant deputies met at Petrograd."
    assert "<b" in hit.data(Qt.ItemDataRole.UserRole + 2)  # the match is marked where it is painted
    qtbot.keyClick(dialog.box, Qt.Key.Key_Down)
    assert dialog.tree.hasFocus()
    qtbot.keyClicks(dialog.tree, "-x")  # typing in the results goes on with the query
    assert dialog.box.hasFocus() and dialog.box.text() == "congress peasant-x"
    _type_query(qtbot, dialog, "congress peasant")
    qtbot.keyClick(dialog.box, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Up)
    assert dialog.box.hasFocus()  # Up from the top goes back to the query
    qtbot.keyClick(dialog.box, Qt.Key.Key_Down)
    assert dialog.tree.currentIndex().data(HIT_ROLE).kind == "text"
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert window.focusWidget() is window.reader
    document = window.controller.document
    assert document is not None and document.id == minutes
    span = window.reader.selection_span()
    assert span is not None and document.text[span[0] : span[1]] == "congress"


def test_escape_returns_to_the_text_and_a_query_that_finds_nothing_says_so(window: MainWindow, qtbot: QtBot) -> None:
    dialog = _open_search(qtbot, window)
    _type_query(qtbot, dialog, "zeppelin")
    assert dialog.status.text() == "No hits."
    _type_query(qtbot, dialog, "soviets added:someday")
    assert "not a date" in dialog.status.text()
    qtbot.keyClick(dialog.box, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert window.focusWidget() is window.reader


def test_a_highlight_found_by_its_note_opens_as_the_current_highlight(window: MainWindow, qtbot: QtBot) -> None:
    hid = highlight_quote(qtbot, window, "the eight-hour day")
    window.panel.flush_note()
    window.controller.run(lambda s: s.set_note(hid, "a demand of the strikers"))
    window.reader.move_caret(0)
    dialog = _open_search(qtbot, window)
    _type_query(qtbot, dialog, "strikers")
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)  # Enter in the box opens the first hit
    current = window.panel.current()
    assert current is not None and current.id == hid
    assert current.start <= window.reader.caret_position() <= current.end  # the caret in it, as [ and ] leave it


def test_the_syntax_is_one_key_away(window: MainWindow, qtbot: QtBot) -> None:
    dialog = _open_search(qtbot, window)
    assert not dialog.help.isVisible()
    qtbot.keyClick(dialog.box, Qt.Key.Key_F1)
    assert dialog.help.isVisible()
    assert "theme:power/soviets" in dialog.help.text() and "in:notes" in dialog.help.text()


def test_all_my_notes_filters_sorts_opens_and_exports_what_it_lists(window: MainWindow, qtbot: QtBot) -> None:
    first = highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "labour/hours")
    second = highlight_quote(qtbot, window, "the largest forces of the bourgeoisie")
    window.reader.move_caret(0)
    qtbot.keyClick(window.reader, Qt.Key.Key_N, CTRL | SHIFT)
    [dialog] = [d for d in window.findChildren(NotebookDialog) if d.isVisible()]
    assert [h.id for h in dialog.model.rows] == [second, first]  # newest first
    assert dialog.status.text() == "2 highlights in 1 document"
    assert dialog.model.index(1, 1).data() == "labour/hours"
    qtbot.keyClicks(dialog.filter, "theme:labour")
    qtbot.waitUntil(lambda: len(dialog.model.rows) == 1)
    assert dialog.model.index(0, 0).data() == "the eight-hour day"
    dialog.filter.clear()
    qtbot.waitUntil(lambda: len(dialog.model.rows) == 2)
    dialog.order.setCurrentIndex(dialog.order.findData("theme"))
    assert [h.id for h in dialog.model.rows] == [first, second]  # tagged ones by theme, untagged last

    qtbot.keyClick(dialog.table, Qt.Key.Key_E, CTRL)
    [export] = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
    assert export.scope.currentData() == "found" and export.count == 2
    export.close()

    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    current = window.panel.current()
    assert current is not None and current.id == second


def test_an_index_left_behind_by_another_program_is_rebuilt(window: MainWindow, service: LibraryService) -> None:
    with sqlite3.connect(file_of(service)) as db:
        db.execute("DELETE FROM search_text")
        db.execute("DELETE FROM search_passages")
    assert service.index_missing() == 1
    assert window.search.ensure_index()
    assert service.index_missing() == 0
    assert window.search.search("soviets").total > 0
