"""The reading desk driven as a user drives it: keys and clicks on the real window."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import (
    QFileDialog,
    QMenu,
)
from pytestqt.qtbot import QtBot

from app.domain.tags import PALETTE
from app.services import LibraryService, open_service
from app.ui.highlights.fields import NOTE_SAVE_DELAY_MS
from app.ui.window.main_window import MainWindow
from app.ui.window.shortcuts import ShortcutsDialog
from tests.gui.accessibility import unnamed_controls
from tests.gui.conftest import WindowFactory

KEY = Qt.Key
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _import(window: MainWindow, qtbot: QtBot, path: Path) -> None:
    """Open a file the way Ctrl+O and dropping do: read off the UI thread, then opened."""
    window.opening.import_files([path])
    qtbot.waitUntil(lambda: not window.document_actions.busy(), timeout=20_000)


def _import_book(window: MainWindow, qtbot: QtBot, folder: Path, paragraphs: int) -> str:
    """Open a long book of numbered paragraphs ("Paragraph 0 of a long book."); return its text."""
    book = folder / "book.txt"
    book.write_text("\n\n".join(f"Paragraph {i} of a long book." for i in range(paragraphs)))
    _import(window, qtbot, book)
    return _doc_text(window)


def _doc_text(window: MainWindow) -> str:
    assert window.controller.document is not None
    return window.controller.document.text


def select_with_keys(qtbot: QtBot, window: MainWindow, start: int, end: int) -> None:
    """Put the caret at `start` and extend the selection with Shift+Right up to `end`."""
    window.reader.setFocus()
    window.reader.move_caret(start)
    for _ in range(end - start):
        if window.reader.textCursor().selectionEnd() >= window.reader.utf16.to_utf16(end):
            break
        qtbot.keyClick(window.reader, KEY.Key_Right, SHIFT)
    assert window.reader.selection_span() == (start, end)


def highlight_quote(qtbot: QtBot, window: MainWindow, quote: str) -> int:
    """Select the first occurrence of `quote` with the keyboard and press H; return the id."""
    start = _doc_text(window).index(quote)
    select_with_keys(qtbot, window, start, start + len(quote))
    qtbot.keyClick(window.reader, KEY.Key_H)
    current = window.panel.current()
    assert current is not None
    assert current.exact == quote
    return current.id


def tag_current(qtbot: QtBot, window: MainWindow, *paths: str) -> None:
    qtbot.keyClick(window.reader, KEY.Key_T)
    assert window.panel.tag_input.hasFocus()
    for path in paths:
        qtbot.keyClicks(window.panel.tag_input, path)
        qtbot.keyClick(window.panel.tag_input, KEY.Key_Return)
    qtbot.keyClick(window.panel.tag_input, KEY.Key_Escape)
    assert window.reader.hasFocus()


def stored(service: LibraryService, highlight_id: int) -> tuple[str, tuple[str, ...], str]:
    h = service.highlight(highlight_id)
    return h.exact, tuple(t.path for t in h.tags), h.note


def painted_colour(window: MainWindow, highlight_id: int) -> QColor:
    window.reader.viewport().repaint()
    colour = window.reader.painted_highlights().get(highlight_id)
    assert colour is not None, f"highlight {highlight_id} is not painted"
    return colour


def test_deleting_a_highlight_leaves_the_text_where_it_was_and_nothing_current(
    window: MainWindow, qtbot: QtBot
) -> None:
    text = _doc_text(window)
    last_words = text.rstrip().rsplit(" ", 3)[-3]
    far = highlight_quote(qtbot, window, last_words)
    near = highlight_quote(qtbot, window, "the proletariat and the peasantry")
    bar = window.reader.verticalScrollBar()
    assert far != near and bar.maximum() > 0  # the last words lie off the first screen
    bar.setValue(0)
    window.reader.move_caret(text.index("proletariat and the peasantry"))
    current = window.panel.current()
    assert current is not None and current.id == near

    qtbot.keyClick(window.reader, KEY.Key_Delete)

    assert bar.value() == 0, "the text jumped to another highlight"
    assert window.reader.caret_position() == text.index("proletariat and the peasantry")
    assert window.panel.current() is None
    qtbot.keyClick(window.reader, KEY.Key_Delete)  # a second Delete takes nothing unseen
    assert [h.id for h in window.controller.highlights()] == [far]
    assert window.statusBar().currentMessage() == "There is no current highlight to delete."


def test_first_start_opens_the_bundled_sample_exactly_as_stored(window: MainWindow, service: LibraryService) -> None:
    text = _doc_text(window)
    assert text == service.open_document(service.list_documents()[0].id).text
    assert "Resolution on the Soviets" in window.windowTitle()
    # toRawText keeps no-break spaces (toPlainText would not); Qt marks block ends U+2029.
    assert window.reader.document().toRawText().replace("\u2029", "\n") == text
    assert "\u00a0" in window.reader.document().toRawText()
    assert window.documents.rowCount() == 1
    assert window.reader.isReadOnly()
    assert window.reader.hasFocus()


def test_keyboard_selection_over_emoji_accents_and_breaks_stores_the_exact_quote(
    window: MainWindow, qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    source = tmp_path / "tricky.txt"
    source.write_bytes("Start 👩‍🔬 met cafe\u0301 here 😀.\r\nNext\u00a0line 𝔸 end.\n".encode())
    _import(window, qtbot, source)
    text = _doc_text(window)
    assert "café" in text and "\r" not in text
    assert window.reader.document().toRawText().replace("\u2029", "\n") == text
    start, end = text.index("👩"), text.index("𝔸") + 1
    select_with_keys(qtbot, window, start, end)
    qtbot.keyClick(window.reader, KEY.Key_H)
    [h] = window.controller.highlights()
    assert h.exact == text[start:end] == "👩‍🔬 met café here 😀.\nNext\u00a0line 𝔸"
    assert stored(service, h.id)[0] == h.exact


def test_word_selection_with_ctrl_shift_arrows(window: MainWindow, qtbot: QtBot) -> None:
    text = _doc_text(window)
    start = text.index("The Conference has discussed")
    window.reader.setFocus()
    window.reader.move_caret(start)
    for _ in range(3):
        qtbot.keyClick(window.reader, KEY.Key_Right, CTRL | SHIFT)
    qtbot.keyClick(window.reader, KEY.Key_H)
    [h] = window.controller.highlights()
    assert h.exact == "The Conference has"  # the trailing space of the selection is trimmed


def test_highlights_are_listed_in_text_order_and_overlaps_stay_visible(window: MainWindow, qtbot: QtBot) -> None:
    later = highlight_quote(qtbot, window, "the second stage of the revolution")
    earlier = highlight_quote(qtbot, window, "the proletariat and the peasantry")
    overlapping = highlight_quote(qtbot, window, "the peasantry, on their own initiative")
    rows = [window.panel.model.highlight_at(r).id for r in range(window.panel.model.rowCount())]
    assert rows == [earlier, overlapping, later]
    assert window.panel.header.text() == "Highlights (3)"
    window.reader.move_caret(_doc_text(window).index("the proletariat"))
    window.reader.viewport().repaint()
    assert {earlier, overlapping} <= set(window.reader.painted_highlight_ids())
    assert painted_colour(window, earlier).alpha() < 255  # translucent, so overlaps blend
    # The counts follow a moment later, so that making a highlight never waits for them.
    qtbot.waitUntil(lambda: " · 3 highlights · " in window.documents.data(window.documents.index(0)))


def test_h_without_a_selection_explains_itself(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window.reader, KEY.Key_H)
    assert window.controller.highlights() == []
    assert "Select a passage first" in window.statusBar().currentMessage()


def test_tagging_with_completion_subthemes_several_tags_and_removal(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    first = highlight_quote(qtbot, window, "all lands are being transferred")
    tag_current(qtbot, window, "power/soviets", "class/peasantry")
    assert stored(service, first)[1] == ("power/soviets", "class/peasantry")
    assert painted_colour(window, first).name() == PALETTE[0]  # the first tag's colour

    second = highlight_quote(qtbot, window, "the eight-hour day")
    qtbot.keyClick(window.reader, KEY.Key_T)
    completer = window.panel.tag_input.completer()
    qtbot.keyClicks(window.panel.tag_input, "peas")
    assert completer is not None and completer.completionCount() == 1
    assert completer.currentCompletion() == "class/peasantry"
    window.panel.tag_input.setText(completer.currentCompletion())
    qtbot.keyClick(window.panel.tag_input, KEY.Key_Return)
    assert stored(service, second)[1] == ("class/peasantry",)
    assert painted_colour(window, second).name() == PALETTE[1]

    # Remove a tag from the keyboard: Tab to the tag list, Delete.
    window.panel.select(first)
    window.panel.tag_list.setFocus()
    window.panel.tag_list.setCurrentRow(0)
    qtbot.keyClick(window.panel.tag_list, KEY.Key_Delete)
    assert stored(service, first)[1] == ("class/peasantry",)
    assert service.highlight(first).tags[0].colour == PALETTE[1]
    assert "#class/peasantry" in window.panel.model.data(window.panel.model.index(0, 0))


def test_an_invalid_theme_is_reported_and_changes_nothing(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    h = highlight_quote(qtbot, window, "the eight-hour day")
    qtbot.keyClick(window.reader, KEY.Key_T)
    qtbot.keyClicks(window.panel.tag_input, "power//")
    qtbot.keyClick(window.panel.tag_input, KEY.Key_Return)
    assert window.last_message is not None
    assert "empty part" in window.last_message.text()
    window.last_message.close()
    assert stored(service, h)[1] == ()
    assert service.tags() == []


def test_notes_are_saved_as_typed_and_on_leaving(window: MainWindow, qtbot: QtBot, service: LibraryService) -> None:
    h = highlight_quote(qtbot, window, "production is being maintained")
    qtbot.keyClick(window.reader, KEY.Key_N)
    assert window.panel.note.hasFocus()
    qtbot.keyClicks(window.panel.note, "First line")
    qtbot.keyClick(window.panel.note, KEY.Key_Return)
    qtbot.keyClicks(window.panel.note, "second: h t n keys type letters here")
    qtbot.waitUntil(lambda: stored(service, h)[2] != "", timeout=NOTE_SAVE_DELAY_MS * 5)
    assert stored(service, h)[2] == "First line\nsecond: h t n keys type letters here"
    assert len(window.controller.highlights()) == 1  # "h" in the note made no highlight
    qtbot.keyClicks(window.panel.note, " and more")
    qtbot.keyClick(window.panel.note, KEY.Key_Escape)  # leaving saves at once
    assert window.reader.hasFocus()
    assert stored(service, h)[2].endswith("letters here and more")
    assert "✎ First line second" in window.panel.model.data(window.panel.model.index(0, 0))


def test_a_note_typed_just_before_closing_is_not_lost(
    make_window: WindowFactory, library_path: Path, qtbot: QtBot
) -> None:
    service = open_service(library_path)
    window = make_window(service)
    h = highlight_quote(qtbot, window, "the revolution is progressing")
    qtbot.keyClick(window.reader, KEY.Key_N)
    qtbot.keyClicks(window.panel.note, "typed and closed at once")
    window.close()
    service.close()
    again = open_service(library_path)
    assert stored(again, h)[2] == "typed and closed at once"
    again.close()


def test_delete_undo_and_redo_restore_the_same_highlight(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    h = highlight_quote(qtbot, window, "the largest forces of the bourgeoisie")
    tag_current(qtbot, window, "class/bourgeoisie")
    qtbot.keyClick(window.reader, KEY.Key_N)
    qtbot.keyClicks(window.panel.note, "who holds power")
    qtbot.keyClick(window.panel.note, KEY.Key_Escape)
    full = service.highlight(h)

    qtbot.keyClick(window.reader, KEY.Key_Delete)
    assert window.controller.highlights() == []
    assert service.list_documents()[0].highlight_count == 0
    qtbot.keyClick(window.reader, KEY.Key_Z, CTRL)  # undo delete
    assert service.highlight(h) == full
    assert window.statusBar().currentMessage() == "Undone: Delete highlight “the largest forces of the bourgeoisie”"
    assert window.controller.highlights() == [full]
    qtbot.keyClick(window.reader, KEY.Key_Z, CTRL)  # undo note
    assert stored(service, h)[2] == ""
    qtbot.keyClick(window.reader, KEY.Key_Z, CTRL)  # undo tag (and the themes it made)
    assert stored(service, h)[1] == ()
    assert service.tags() == []
    qtbot.keyClick(window.reader, KEY.Key_Z, CTRL)  # undo create
    assert window.controller.highlights() == []
    assert window.undo_action.text().startswith("&Undo Import “Resolution")  # what came before

    for _ in range(3):
        qtbot.keyClick(window.reader, KEY.Key_Z, CTRL | SHIFT)
    assert service.highlight(h).id == h
    assert stored(service, h) == (full.exact, ("class/bourgeoisie",), "who holds power")
    redone = service.highlight(h)
    assert redone == replace(full, updated_at=redone.updated_at)  # redo re-applies: a new change time
    qtbot.keyClick(window.reader, KEY.Key_Y, CTRL)  # redo delete
    assert service.highlights(full.document_id) == []
    qtbot.keyClick(window.reader, KEY.Key_Z, CTRL)
    assert service.highlight(h) == redone
    assert window.panel.model.rowCount() == 1


def test_ctrl_z_in_the_note_field_undoes_the_note_as_a_whole(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    h = highlight_quote(qtbot, window, "the eight-hour day")
    qtbot.keyClick(window.reader, KEY.Key_N)
    qtbot.keyClicks(window.panel.note, "draft")
    qtbot.keyClick(window.panel.note, KEY.Key_Z, CTRL)
    assert stored(service, h)[2] == ""
    assert window.panel.note.toPlainText() == ""
    assert window.controller.highlights()[0].id == h  # one step undid the note, not the highlight


def test_clicking_a_highlight_in_the_text_selects_it_in_the_panel(window: MainWindow, qtbot: QtBot) -> None:
    a = highlight_quote(qtbot, window, "the proletariat and the peasantry")
    b = highlight_quote(qtbot, window, "the eight-hour day")
    assert window.panel.current_row_id() == b
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(window.reader.utf16.to_utf16(_doc_text(window).index("proletariat and") + 3))
    # The list view repaints its selection from selectionChanged: it must be emitted.
    with qtbot.waitSignal(window.panel.list.selectionModel().selectionChanged, timeout=1000):
        qtbot.mouseClick(
            window.reader.viewport(), Qt.MouseButton.LeftButton, pos=window.reader.cursorRect(cursor).center()
        )
    assert window.panel.current_row_id() == a
    selected = window.panel.list.selectionModel().selectedRows()
    assert [window.panel.model.highlight_at(i.row()).id for i in selected] == [a]  # the row shows as selected
    assert window.panel.quote.text() == "“the proletariat and the peasantry”"
    window.reader.move_caret(_doc_text(window).index("The Conference"))
    qtbot.waitUntil(lambda: window.panel.current() is None)  # once the caret rests
    assert window.panel.list.selectionModel().selectedRows() == []


def test_the_panel_follows_the_caret_once_it_rests_and_a_command_acts_where_the_caret_is(
    window: MainWindow, qtbot: QtBot
) -> None:
    text = _doc_text(window)
    a = highlight_quote(qtbot, window, "the proletariat and the peasantry")
    b = highlight_quote(qtbot, window, "the eight-hour day")
    window.reader.move_caret(text.index("the proletariat") - 1)
    for _ in range(5):  # a held arrow key: each step comes before the panel could follow
        qtbot.keyClick(window.reader, KEY.Key_Right)
        assert window.panel.current_row_id() == b
    qtbot.waitUntil(lambda: window.panel.current_row_id() == a)
    assert window.panel.quote.text() == "“the proletariat and the peasantry”"

    window.reader.move_caret(text.index("the eight-hour day") + 2)
    qtbot.keyClick(window.reader, KEY.Key_Delete)  # at once, before the panel followed
    assert [h.id for h in window.controller.highlights()] == [a]


def test_choosing_a_highlight_in_the_panel_scrolls_the_text_to_it(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    text = _import_book(window, qtbot, tmp_path, 3000)
    target = text.index("Paragraph 2500 of")
    window.controller.create_highlight(target, target + 14)
    window.controller.create_highlight(0, 9)
    window.panel.list.setFocus()
    window.panel.list.setCurrentIndex(window.panel.model.index(1, 0))
    assert window.reader.caret_position() == target
    assert window.reader.viewport().rect().contains(window.reader.cursorRect().center())  # on the screen
    qtbot.keyClick(window.panel.list, KEY.Key_Up)
    assert window.reader.caret_position() == 0
    qtbot.keyClick(window.panel.list, KEY.Key_BracketRight)  # next highlight, from the list too
    assert window.panel.current_row_id() == window.panel.model.highlight_at(1).id
    qtbot.keyClick(window.panel.list, KEY.Key_Home)  # Home and End: the first and last highlight
    assert window.reader.caret_position() == 0
    qtbot.keyClick(window.panel.list, KEY.Key_End)
    assert window.reader.caret_position() == target


def test_the_list_shows_the_current_row_at_once_from_its_keys_and_once_the_text_stops_moving(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    text = _import_book(window, qtbot, tmp_path, 400)
    for i in range(0, 400, 5):
        at = text.index(f"Paragraph {i} of")
        window.controller.create_highlight(at, at + 9)
    rows = window.panel.list

    def shown(row: int) -> bool:
        return rows.viewport().rect().contains(rows.visualRect(window.panel.model.index(row, 0)).center())

    assert not shown(79)
    rows.setFocus()
    rows.setCurrentIndex(window.panel.model.index(0, 0))
    qtbot.keyClick(rows, KEY.Key_End)
    assert shown(79)  # moved in the list: shown at once

    window.reader.setFocus()
    window.reader.move_caret(text.index("Paragraph 0 of") + 2)
    qtbot.waitUntil(lambda: window.panel.current_row_id() == window.panel.model.highlight_at(0).id)
    qtbot.waitUntil(lambda: shown(0))


def test_find_counts_and_walks_the_matches(window: MainWindow, qtbot: QtBot) -> None:
    text = _doc_text(window)
    qtbot.keyClick(window.reader, KEY.Key_F, CTRL)
    assert window.find_bar.isVisible() and window.find_bar.field.hasFocus()
    qtbot.keyClicks(window.find_bar.field, "SOVIETS")
    spans = window.find_bar.matches()
    assert len(spans) == text.lower().count("soviets") > 3
    assert window.find_bar.count.text() == f"1 of {len(spans)}"
    assert window.reader.selection_span() == spans[0]
    qtbot.keyClick(window.find_bar.field, KEY.Key_Return)
    assert window.reader.selection_span() == spans[1]
    qtbot.keyClick(window.find_bar.field, KEY.Key_Return, SHIFT)
    qtbot.keyClick(window.find_bar.field, KEY.Key_Return, SHIFT)
    assert window.reader.selection_span() == spans[-1]
    assert window.find_bar.count.text() == f"{len(spans)} of {len(spans)}, from the end"
    qtbot.keyClick(window.find_bar.field, KEY.Key_Escape)
    assert not window.find_bar.isVisible() and window.reader.hasFocus()
    qtbot.keyClick(window.reader, KEY.Key_H)  # the found passage can be highlighted at once
    assert window.controller.highlights()[0].exact == text[spans[-1][0] : spans[-1][1]]
    qtbot.keyClick(window.reader, KEY.Key_F, CTRL)
    window.find_bar.field.setText("no such words")
    assert window.find_bar.count.text() == "No matches"


def test_restart_reopens_the_same_document_place_and_highlights(
    make_window: WindowFactory, library_path: Path, qtbot: QtBot, tmp_path: Path
) -> None:
    service = open_service(library_path)
    window = make_window(service)
    book = tmp_path / "book.txt"
    book.write_text("\n\n".join(f"Line {i} of the second book." for i in range(2000)))
    _import(window, qtbot, book)
    h = highlight_quote(qtbot, window, "Line 1500 of the second book.")
    tag_current(qtbot, window, "theme/one")
    window.reader.scroll_to_position(_doc_text(window).index("Line 1490 "))
    place = window.reader.first_visible_position()
    window.close()
    service.close()

    service = open_service(library_path)
    again = make_window(service)
    assert again.controller.document is not None
    assert again.controller.document.title == "Line 0 of the second book."
    assert abs(again.reader.first_visible_position() - place) < 40
    [restored] = again.controller.highlights()
    assert (restored.id, restored.exact, [t.path for t in restored.tags]) == (
        h,
        "Line 1500 of the second book.",
        ["theme/one"],
    )
    assert again.documents.rowCount() == 2
    service.close()


def test_library_list_opens_a_document_with_one_click(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    other = tmp_path / "other.md"
    other.write_text("# Other\n\nAnother text.")
    _import(window, qtbot, other)
    assert _doc_text(window).startswith("Other\n\nAnother")  # Markdown as a reader sees it
    rect = window.library_view.visualRect(window.documents.index(0))
    qtbot.mouseClick(window.library_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert "Resolution on the Soviets" in _doc_text(window)


def test_ctrl_o_imports_the_chosen_file(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "chosen.txt"
    chosen.write_bytes(
        "Ce texte est en Latin-1. Les soviets des députés ouvriers et soldats se réunissent à Pétrograd; "
        "ça avance déjà dans les provinces, où la révolution gagne en profondeur.".encode("latin-1")
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(chosen)], ""))
    qtbot.keyClick(window.reader, KEY.Key_O, CTRL)
    qtbot.waitUntil(lambda: not window.document_actions.busy())
    assert _doc_text(window).startswith("Ce texte est en Latin-1. Les soviets des députés")
    assert "ça avance déjà" in _doc_text(window)
    assert "Added to your library" in window.statusBar().currentMessage()
    qtbot.keyClick(window.reader, KEY.Key_O, CTRL)
    qtbot.waitUntil(lambda: not window.document_actions.busy())
    offer = window.document_actions.last_dialog
    assert offer is not None and offer.windowTitle() == "Already in your library"
    assert window.documents.rowCount() == 2
    offer.close()


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "the file is empty"), (bytes(range(256)) * 64, "not a text file")],
)
def test_a_bad_file_gets_a_clear_message_and_the_library_is_untouched(
    window: MainWindow, qtbot: QtBot, service: LibraryService, tmp_path: Path, content: bytes, reason: str
) -> None:
    bad = tmp_path / "junk.txt"
    bad.write_bytes(content)
    before = (service.list_documents(), service.tags())
    open_before = window.controller.document
    _import(window, qtbot, bad)
    assert window.last_message is not None
    assert window.last_message.isVisible()
    assert "junk.txt" in window.last_message.text() and reason in window.last_message.text()
    assert (service.list_documents(), service.tags()) == before
    assert window.controller.document == open_before
    window.last_message.close()


def test_zoom_keys_resize_the_text_and_are_remembered(
    make_window: WindowFactory, library_path: Path, qtbot: QtBot
) -> None:
    service = open_service(library_path)
    window = make_window(service)
    size = window.reader.font_size()
    qtbot.keyClick(window.reader, KEY.Key_Equal, CTRL)
    qtbot.keyClick(window.reader, KEY.Key_Equal, CTRL)
    qtbot.keyClick(window.reader, KEY.Key_Minus, CTRL)
    assert window.reader.font_size() == size + 1
    window.close()
    again = make_window(service)
    assert again.reader.font_size() == size + 1
    qtbot.keyClick(again.reader, KEY.Key_0, CTRL)
    assert again.reader.font_size() == size
    service.close()


def test_f1_lists_every_action_and_its_keys(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window.reader, KEY.Key_F1)
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    cells = [[dialog.table.item(r, c) for c in range(3)] for r in range(dialog.table.rowCount())]
    rows = {row[1].text(): row[2].text() for row in cells if row[1] is not None and row[2] is not None}
    for action, keys in [
        ("Highlight selection", "H"),
        ("Tag current highlight", "T"),
        ("Note on current highlight", "N"),
        ("Delete current highlight", "Del"),
        ("Undo", "Ctrl+Z"),
        ("Redo", "Ctrl+Shift+Z, Ctrl+Y"),
        ("Find", "Ctrl+F"),
        ("Open text", "Ctrl+O"),
        ("Keyboard shortcuts", "F1"),
        ("Zoom in", "Ctrl+=, Ctrl++"),
        ("Zoom out", "Ctrl+-"),
    ]:
        assert rows[action] == keys
    # The untitled menu is the menu bar's overflow ("»"), which repeats the others.
    menus = [m for m in window.menuBar().findChildren(QMenu) if m.parent() is window.menuBar() and m.title()]

    def commands(menu: QMenu) -> list[str]:  # submenus (View -> Page colour) hold commands too
        found = []
        for a in menu.actions():
            if isinstance(a.menu(), QMenu):
                found += commands(a.menu())  # type: ignore[arg-type]
            elif not a.isSeparator():
                found.append(a.text())
        return found

    menu_actions = [text for m in menus for text in commands(m)]
    assert len(menu_actions) == len(rows) == dialog.table.rowCount()  # every menu command is listed
    dialog.close()


def test_every_interactive_widget_has_an_accessible_name(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window.reader, KEY.Key_F, CTRL)
    assert unnamed_controls(window) == []


def test_ctrl_number_keys_move_between_the_panes(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window.reader, KEY.Key_1, CTRL)
    assert window.library_view.hasFocus()
    qtbot.keyClick(window.library_view, KEY.Key_3, CTRL)
    assert window.panel.list.hasFocus()
    qtbot.keyClick(window.panel.list, KEY.Key_2, CTRL)
    assert window.reader.hasFocus()


def test_pyside_does_not_leak_references_to_none(window: MainWindow) -> None:
    """Guard for the PySide6 6.12 / Python 3.11 crash (GUIDE.md section 4)."""
    cursor = QTextCursor(window.reader.document())
    before = sys.getrefcount(None)
    for i in range(500):
        cursor.setPosition(i % 100)
        window.reader.viewport().update()
    assert sys.getrefcount(None) - before < 50


def test_scrolling_paints_only_the_visible_highlights(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    book = tmp_path / "many.txt"
    book.write_text("\n\n".join(f"Paragraph number {i} in a long text." for i in range(4000)))
    _import(window, qtbot, book)
    text = _doc_text(window)
    for i in range(0, 4000, 2):
        at = text.index(f"Paragraph number {i} in")
        window.controller.create_highlight(at, at + 9)
    window.reader.viewport().repaint()
    first = window.reader.painted_highlight_ids()
    assert 0 < len(first) < 100
    window.reader.verticalScrollBar().setValue(window.reader.verticalScrollBar().maximum() // 2)
    qtbot.waitUntil(lambda: window.reader.painted_highlight_ids() != first)
    middle = window.reader.painted_highlight_ids()
    assert 0 < len(middle) < 100
    point = QPoint(window.reader.viewport().width() // 2, window.reader.viewport().height() // 2)
    middle_position = window.reader.utf16.to_codepoint(window.reader.cursorForPosition(point).position())
    painted = [window.controller.highlight(i) for i in middle]
    assert any(h is not None and abs(h.start - middle_position) < 2000 for h in painted)


def test_ctrl_z_in_the_theme_field_undoes_the_last_tagging(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    h = highlight_quote(qtbot, window, "the eight-hour day")
    qtbot.keyClick(window.reader, KEY.Key_T)
    qtbot.keyClicks(window.panel.tag_input, "economy/hours")
    qtbot.keyClick(window.panel.tag_input, KEY.Key_Return)
    qtbot.keyClicks(window.panel.tag_input, "half-typ")
    qtbot.keyClick(window.panel.tag_input, KEY.Key_Z, CTRL)
    assert stored(service, h)[1] == ()
    assert service.tags() == []
    qtbot.keyClick(window.panel.tag_input, KEY.Key_Z, CTRL | SHIFT)
    assert stored(service, h)[1] == ("economy/hours",)


def test_a_long_quote_ends_in_an_ellipsis_and_leaves_the_list_where_it_was(window: MainWindow, qtbot: QtBot) -> None:
    text = _doc_text(window)
    short = highlight_quote(qtbot, window, "the eight-hour day")
    list_box = window.panel.list.geometry()
    made = window.controller.create_highlight(0, len(text) // 2)  # a long stretch: many lines of the panel
    assert made is not None
    window.panel.select(made.id)
    qtbot.waitUntil(lambda: window.panel.quote.text().endswith("…”"))
    qtbot.wait(50)  # the panel laid out again, if anything asked for it
    assert window.panel.list.geometry() == list_box  # the list above neither shrank nor moved
    quote = window.panel.quote
    assert quote.height() // quote.fontMetrics().lineSpacing() == 4  # the rest of the quote is cut, not hidden
    window.panel.select(short)
    assert quote.text() == "“the eight-hour day”"
    assert window.panel.list.geometry() == list_box
