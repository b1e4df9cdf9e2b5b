"""Highlights from other tools at the desk: the preview, choosing documents and colours, one Ctrl+Z."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem
from pytestqt.qtbot import QtBot

from app.services import LibraryService
from app.ui.documents.foreign_import import ForeignImportDialog
from app.ui.window import exchange_actions
from app.ui.window.main_window import MainWindow

WAGES = "wages have been increased"
HOURS = "the eight-hour day"


def _koreader(path: Path, title: str) -> Path:
    path.write_text(
        "return {\n"
        f'  ["annotations"] = {{\n'
        f'    {{ ["text"] = "{WAGES}", ["color"] = "yellow", ["drawer"] = "lighten", ["note"] = "pay" }},\n'
        f'    {{ ["text"] = "{HOURS}", ["color"] = "green", ["drawer"] = "lighten" }},\n'
        '    { ["text"] = "words that stand nowhere in the resolution", ["drawer"] = "lighten",\n'
        '      ["note"] = "elsewhere" },\n'
        "  },\n"
        f'  ["doc_props"] = {{ ["title"] = "{title}" }},\n'
        "}\n",
        encoding="utf-8",
    )
    return path


def _cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    assert item is not None
    return item


def _drop(window: MainWindow, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(
        QDropEvent(
            QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
        )
    )


def test_a_dropped_sidecar_is_previewed_then_imported_as_one_change(
    window: MainWindow, service: LibraryService, qtbot: QtBot, tmp_path: Path
) -> None:
    [doc] = service.list_documents()
    path = _koreader(tmp_path / "metadata.epub.lua", doc.title)
    _drop(window, path)
    dialog = window.exchange.dialog
    assert isinstance(dialog, ForeignImportDialog) and dialog.isVisible()
    assert dialog.targets() == [doc.id]  # matched by its title
    counts = [_cell(dialog.books, 0, column).text() for column in range(2, 7)]
    assert counts == ["3", "2", "0", "0", "1"]
    assert "Import will add 2 highlights and 1 orphan" in dialog.summary.text()
    assert service.highlights(doc.id) == []  # nothing stored by the preview
    # Green becomes no theme; yellow a theme of the reader's naming.
    _cell(dialog.colours, 0, 1).setText("pay/wages")
    _cell(dialog.colours, 1, 1).setText("")
    assert dialog.colour_themes() == {"yellow": "pay/wages", "green": ""}
    cursor = window.reader.textCursor()
    cursor.setPosition(300)
    window.reader.setTextCursor(cursor)
    caret = window.reader.textCursor().position()
    dialog.choosers[0].setFocus()
    qtbot.keyClick(dialog.choosers[0], Qt.Key.Key_Return)  # Enter imports
    qtbot.waitUntil(lambda: window.panel.list.model().rowCount() == 2)
    assert "Imported 2 highlights and 1 orphan from metadata.epub.lua" in window.statusBar().currentMessage()
    marks = {h.exact: [t.path for t in h.tags] for h in service.highlights(doc.id)}
    assert marks == {WAGES: ["pay/wages"], HOURS: []}
    assert [o.exact for o in service.orphans(doc.id)] == ["words that stand nowhere in the resolution"]
    assert window.panel.orphan_list.count() == 1 and window.panel.orphan_list.isVisible()
    orphan = window.panel.orphan_list.item(0)
    assert orphan is not None and orphan.text().endswith("\n✎ elsewhere")  # its note, as the tool had it
    assert window.reader.textCursor().position() == caret  # the text was not reopened
    window.history.undo()
    qtbot.waitUntil(lambda: window.panel.list.model().rowCount() == 0)
    assert service.orphans(doc.id) == [] and service.tags() == []


def test_a_book_the_file_does_not_name_waits_for_the_reader_to_choose(
    window: MainWindow, service: LibraryService, qtbot: QtBot, tmp_path: Path
) -> None:
    [doc] = service.list_documents()
    path = tmp_path / "annotations.json"
    path.write_text(
        json.dumps({"type": "calibre_annotation_collection", "annotations": [{"highlighted_text": WAGES}]}),
        encoding="utf-8",
    )
    dialog = window.exchange.import_highlights(path)
    assert dialog is not None
    assert dialog.targets() == [None] and not dialog.import_button.isEnabled()
    assert "1 book left out: choose a document for it" in dialog.summary.text()
    qtbot.keyClick(dialog.choosers[0], Qt.Key.Key_Down)  # the keyboard chooses the document
    assert dialog.targets() == [doc.id] and dialog.import_button.isEnabled()
    assert "Import will add 1 highlight and 0 orphans" in dialog.summary.text()
    dialog.reject()
    assert service.highlights(doc.id) == []


def test_a_file_that_is_no_highlights_says_why(window: MainWindow, service: LibraryService, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    before = service.operations.history()
    assert window.exchange.import_highlights(path) is None
    assert window.last_message is not None and "not a file of highlights Marginalia knows" in window.last_message.text()
    assert service.operations.history() == before


def test_a_book_the_library_lacks_is_imported_from_the_preview(
    window: MainWindow, service: LibraryService, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "theses.txt"
    book.write_text("The April Theses\n\nNo support for the Provisional Government.\n", encoding="utf-8")
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_text(
        "The April Theses (Lenin)\r\n- Your Highlight at location 1-2 | Added on Monday\r\n\r\n"
        "No support for the Provisional Government\r\n==========\r\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(exchange_actions, "open_paths", lambda *_args, **_kwargs: [book])
    dialog = window.exchange.import_highlights(clippings)
    assert dialog is not None and dialog.targets() == [None]
    assert dialog.text_button.isVisible()
    dialog.text_button.click()  # asks for the text (here: theses.txt) and imports it
    added = next(d for d in service.list_documents() if d.title == "The April Theses")
    assert dialog.targets() == [added.id]
    assert "Import will add 1 highlight and 0 orphans" in dialog.summary.text()
    qtbot.keyClick(dialog.choosers[0], Qt.Key.Key_Return)
    [h] = service.highlights(added.id)
    assert h.exact == "No support for the Provisional Government"
