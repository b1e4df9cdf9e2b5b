"""A change that cannot be saved is reported, never shown as done, and can be retried."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services import LibraryService
from app.ui.window.main_window import MainWindow
from tests.conftest import file_of
from tests.gui.test_desk import _doc_text, highlight_quote, select_with_keys

CTRL = Qt.KeyboardModifier.ControlModifier


@contextmanager
def disk_full(service: LibraryService, *events: str) -> Iterator[None]:
    """Make writes to highlights fail as SQLite does on a full disk, then recover."""
    con = sqlite3.connect(file_of(service))
    for event in events:
        con.execute(
            f"CREATE TRIGGER fail_{event.lower()} BEFORE {event} ON highlights "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    con.commit()
    try:
        yield
    finally:
        for event in events:
            con.execute(f"DROP TRIGGER fail_{event.lower()}")
        con.commit()
        con.close()


def _dismiss(window: MainWindow) -> str:
    assert window.last_message is not None and window.last_message.isVisible()
    text = window.last_message.text()
    window.last_message.close()
    window.activateWindow()
    return text


def test_a_highlight_that_cannot_be_saved_is_reported_and_can_be_retried(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    start = _doc_text(window).index("the eight-hour day")
    select_with_keys(qtbot, window, start, start + len("the eight-hour day"))
    with disk_full(service, "INSERT"):
        qtbot.keyClick(window.reader, Qt.Key.Key_H)
        assert "database or disk is full" in _dismiss(window)
        assert window.controller.highlights() == []
        assert window.panel.model.rowCount() == 0
        assert window.reader.painted_highlight_ids() == []
        assert window.undo_action.text().startswith("&Undo Import")  # the last change that was saved
    qtbot.waitUntil(window.isActiveWindow)
    assert window.reader.selection_span() == (start, start + len("the eight-hour day"))  # still there to retry
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_H)
    assert [h.exact for h in service.highlights(1)] == ["the eight-hour day"]


def test_an_undo_that_cannot_be_saved_leaves_the_history_where_it_was(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    h = highlight_quote(qtbot, window, "the eight-hour day")
    with disk_full(service, "DELETE"):
        qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
        assert "Nothing was changed" in _dismiss(window)
        assert [x.id for x in service.highlights(1)] == [h]
        assert window.panel.model.rowCount() == 1
        assert window.undo_action.isEnabled() and not window.redo_action.isEnabled()
    qtbot.waitUntil(window.isActiveWindow)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
    assert service.highlights(1) == []
    with disk_full(service, "INSERT"):
        qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
        assert window.last_message is not None
        assert window.last_message.windowTitle() == "Redo failed"
        _dismiss(window)
        assert service.highlights(1) == [] and window.redo_action.isEnabled()
    qtbot.waitUntil(window.isActiveWindow)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert [x.id for x in service.highlights(1)] == [h]


def test_a_note_that_cannot_be_saved_stays_in_the_field_until_it_is(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    h = highlight_quote(qtbot, window, "the eight-hour day")
    qtbot.keyClick(window.reader, Qt.Key.Key_N)
    qtbot.keyClicks(window.panel.note, "words worth keeping")
    with disk_full(service, "UPDATE"):
        window.panel.flush_note()
        assert window.last_message is not None
        assert window.last_message.windowTitle() == "The note was not saved"
        _dismiss(window)
        assert service.highlight(h).note == ""
        assert window.panel.note.toPlainText() == "words worth keeping"
    window.panel.flush_note()
    assert service.highlight(h).note == "words worth keeping"
