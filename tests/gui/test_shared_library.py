"""The window on a group's shared library: whose it is, others' changes arriving, the server going and coming back."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAction
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.importers import ImportedText
from app.resources import SAMPLE_TEXT
from app.services import LibraryService, open_service
from app.services.group import add_member, init_group
from app.ui.documents.shared_dialog import SharedLibraryDialog
from app.ui.window.main_window import MainWindow
from tests.gui.conftest import Heard, WindowFactory
from tests.postgres import Server

SOON_MS = 10_000  # a generous bound for a busy machine: the window listens once a second
TEXT = SAMPLE_TEXT.read_text(encoding="utf-8")


def _library(server: Server) -> str:
    """A new shared library on `server` holding the sample text: its address."""
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('CREATE DATABASE "seminar"'))
    admin.dispose()
    address = server.url.rsplit("/", 1)[0] + "/seminar"
    seed = open_service(address)
    seed.add_document(ImportedText.of(TEXT, title="Resolution"))
    seed.close()
    return address


def test_another_member_s_change_appears_and_the_window_says_whose_library_it_is(
    make_window: WindowFactory, qtbot: QtBot, shared_address: str
) -> None:
    service = open_service(shared_address)
    service.add_document(ImportedText.of(TEXT, title="Resolution"))
    window = make_window(service)
    label = window.shared_label
    assert label.isVisible() and label.text() == f"Shared · {service.operations.author}"
    assert shared_address.split("@")[1] in label.toolTip() and label.accessibleName() == label.toolTip()
    reader, bar = window.reader, window.reader.verticalScrollBar()
    reader.setFocus()
    assert window.controller.document is not None
    reader.move_caret(window.controller.document.text.index("Soldiers’ Deputies"))
    bar.setValue(bar.maximum() // 3)
    caret, scroll = reader.caret_position(), bar.value()

    other = open_service(shared_address)  # another member's window (here, the same role elsewhere)
    start = window.controller.document.text.index("the eight-hour day")
    made = other.create_highlight(1, start, start + len("the eight-hour day"), tags=["labour/hours"]).value
    qtbot.waitUntil(lambda: [h.id for h in window.controller.highlights()] == [made.id], timeout=SOON_MS)
    assert (reader.caret_position(), bar.value()) == (caret, scroll)
    other.operations.undo()
    qtbot.waitUntil(lambda: window.controller.highlights() == [], timeout=SOON_MS)
    other.close()


def test_a_reader_is_told_what_they_may_do(make_window: WindowFactory, shared_address: str) -> None:
    init_group(shared_address)
    role = f"reader_{uuid.uuid4().hex[:6]}"
    add_member(shared_address, role, "reader")
    service = open_service(make_url(shared_address).set(username=role).render_as_string(hide_password=False))
    window = make_window(service)
    assert window.shared_label.text() == f"Shared · {role} · reader"
    assert "you read, search and export" in window.shared_label.accessibleName()
    window.close()
    service.close()


def test_when_the_server_goes_the_text_stays_changes_are_refused_and_it_reconnects(
    make_window: WindowFactory, qtbot: QtBot, own_postgres: Server, heard: Heard
) -> None:
    service: LibraryService = open_service(_library(own_postgres))
    window = make_window(service)
    window.controller.open_document(1)
    window.open_document(1)
    reader = window.reader
    reader.setFocus()
    own_postgres.stop()
    qtbot.waitUntil(lambda: window.shared_label.text() == "Server unreachable", timeout=SOON_MS)
    assert "every change is refused" in window.shared_label.toolTip()
    assert any("cannot be reached" in said for said, _how in heard)
    assert "Resolution on the Soviets" in reader.toPlainText()  # the open text stays readable

    assert window.controller.document is not None
    start = window.controller.document.text.index("the eight-hour day")
    reader.select_span(start, start + len("the eight-hour day"))
    qtbot.keyClick(reader, Qt.Key.Key_H)
    refusal = window.last_message
    assert refusal is not None and refusal.windowTitle() == "The highlight was not saved"
    assert "nothing was changed" in refusal.text()
    assert window.controller.highlights() == []
    refusal.accept()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    reader.setFocus()

    own_postgres.start()
    qtbot.waitUntil(lambda: window.shared_label.text().startswith("Shared · "), timeout=SOON_MS)
    assert "server is back" in window.statusBar().currentMessage()
    reader.select_span(start, start + len("the eight-hour day"))
    qtbot.keyClick(reader, Qt.Key.Key_H)
    assert [h.exact for h in window.controller.highlights()] == ["the eight-hour day"]
    window.close()
    service.close()


def test_file_open_shared_library_leaves_the_file_for_the_group_s_library(
    make_window: WindowFactory, qtbot: QtBot, service: LibraryService, shared_address: str
) -> None:
    seed = open_service(shared_address)
    seed.add_document(ImportedText.of("All power to the Soviets.", title="The group's text"))
    seed.close()
    window = make_window(service)
    [action] = [a for a in window.findChildren(QAction) if a.text() == "Open &shared library…"]

    action.trigger()
    [dialog] = [d for d in window.findChildren(SharedLibraryDialog) if d.isVisible()]
    assert dialog.address.text() == ""  # a file is open: nothing to offer but the example
    qtbot.keyClicks(dialog.address, "library.sqlite")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    refusal = window.last_message
    assert refusal is not None and refusal.windowTitle() == "Not a shared library's address"
    refusal.accept()
    assert not window.shared_label.isVisible() and window.controller.service is service

    action.trigger()
    [dialog] = [d for d in window.findChildren(SharedLibraryDialog) if d.isVisible()]
    qtbot.keyClicks(dialog.address, shared_address)
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    assert window.shared_label.text().startswith("Shared · ")
    assert [d.title for d in window.controller.service.list_documents()] == ["The group's text"]
    assert window.controller.document is not None and window.controller.document.title == "The group's text"
    assert "Opened the shared library" in window.statusBar().currentMessage()
    window.controller.service.close()


def test_a_member_keeps_a_note_private_and_may_make_new_notes_private_by_default(
    make_window: WindowFactory, qtbot: QtBot, shared_address: str, heard: Heard
) -> None:
    service = open_service(shared_address)
    doc = service.add_document(ImportedText.of(TEXT, title="Resolution")).value[0]
    first = service.create_highlight(doc.id, 0, 10).value
    second = service.create_highlight(doc.id, 20, 30).value
    window = make_window(service)
    notes, menu_entry = window.panel.notes, window.private_notes_action
    assert notes.private.isVisible() and menu_entry.isEnabled() and not menu_entry.isChecked()
    window.select_highlight(first)
    window.highlight_actions.note_current()
    qtbot.keyClicks(window.panel.note, "a doubt")
    qtbot.keyClick(window.panel.note, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # the box's key
    qtbot.waitUntil(lambda: _private(window, first.id))
    assert heard == [("Private note: only you read it.", QAccessible.AnnouncementPoliteness.Polite)]
    assert [op.label for op in service.operations.history()][:1] == ["Make note private"]
    # The keyboard stays in the note: what is typed next goes on the note, kept private.
    assert window.panel.note.hasFocus()
    qtbot.keyClicks(window.panel.note, " and more")
    window.panel.flush_note()
    held = window.controller.highlight(first.id)
    assert held is not None and (held.note, held.private) == ("a doubt and more", True)
    group = create_engine(shared_address, poolclass=NullPool)
    with group.connect() as conn:
        shared_note = conn.execute(text("SELECT note FROM highlights WHERE id = :id"), {"id": first.id})
        assert shared_note.scalar_one() == ""  # what the group reads of it
    group.dispose()
    assert "(private) a doubt" in window.panel.model.index(0, 0).data()

    menu_entry.trigger()  # Highlight → New notes private
    window.select_highlight(second)
    assert notes.private.isChecked()
    window.highlight_actions.note_current()
    qtbot.keyClicks(window.panel.note, "mine alone")
    window.panel.flush_note()
    assert _private(window, second.id)
    window.close()
    service.close()


def test_a_library_file_offers_no_private_notes_and_keeps_those_brought_home(
    make_window: WindowFactory, qtbot: QtBot, library_path: Path
) -> None:
    service = open_service(library_path)
    doc = service.add_document(ImportedText.of(TEXT, title="Resolution")).value[0]
    brought = service.set_note(service.create_highlight(doc.id, 0, 10).value.id, "a doubt", private=True).value
    plain = service.create_highlight(doc.id, 20, 30).value
    window = make_window(service)
    window.private_notes_action.setChecked(True)  # a default chosen on a shared library
    window.highlight_actions.toggle_private_default()
    assert not window.panel.notes.private.isVisible() and not window.private_notes_action.isEnabled()
    for highlight in (brought, plain):
        window.select_highlight(highlight)
        window.highlight_actions.note_current()
        qtbot.keyClicks(window.panel.note, " more")
        window.panel.flush_note()
    assert [(h.note, h.private) for h in service.highlights(doc.id)] == [("a doubt more", True), (" more", False)]
    window.close()
    service.close()


def _private(window: MainWindow, highlight_id: int) -> bool:
    """Whether the window holds the highlight's note as private."""
    held = window.controller.store.get(highlight_id)
    return held is not None and held.private


def test_another_s_highlight_is_read_not_written(make_window: WindowFactory, shared_address: str) -> None:
    seed = open_service(shared_address)
    doc = seed.add_document(ImportedText.of(TEXT, title="Resolution")).value[0]
    theirs = seed.set_note(seed.create_highlight(doc.id, 0, 10).value.id, "the owner's note").value
    seed.close()
    init_group(shared_address)
    role = f"member_{uuid.uuid4().hex[:6]}"
    add_member(shared_address, role, "member")
    service = open_service(make_url(shared_address).set(username=role).render_as_string(hide_password=False))
    mine = service.create_highlight(doc.id, 20, 30).value
    window = make_window(service)
    panel = window.panel
    window.select_highlight(theirs)
    # Typing there would only be refused by the server: the fields say so beforehand.
    assert panel.note.isReadOnly() and not panel.notes.private.isEnabled() and not panel.tag_input.isEnabled()
    assert panel.note.toPlainText() == "the owner's note"
    window.select_highlight(mine)
    assert not panel.note.isReadOnly() and panel.notes.private.isEnabled() and panel.tag_input.isEnabled()
    window.close()
    service.close()
