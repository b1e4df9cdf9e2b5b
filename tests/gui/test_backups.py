"""Restoring backups from the window, and a damaged library at start."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.services import DamagedLibraryError, LibraryService, open_service
from app.ui.documents.backups_dialog import BackupsDialog
from app.ui.window.application import recover
from app.ui.window.main_window import MainWindow
from tests.conftest import file_of
from tests.gui.conftest import WindowFactory
from tests.gui.test_desk import highlight_quote, select_with_keys


def _backup_now(service: LibraryService, name: str) -> Path:
    target = file_of(service).parent / "backups" / name
    source, copy = sqlite3.connect(file_of(service)), sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return target


def test_restore_from_backup_in_the_window(
    window: MainWindow, qtbot: QtBot, service: LibraryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept_id = highlight_quote(qtbot, window, "the eight-hour day")
    _backup_now(service, "library-daily-2099-01-01.sqlite")
    later_id = highlight_quote(qtbot, window, "Pravda No. 46")
    window.backups.open_backups()
    [dialog] = [d for d in window.findChildren(BackupsDialog) if d.isVisible()]
    assert dialog.table.rowCount() >= 2
    cells = [dialog.table.item(0, c) for c in range(4)]
    assert [c.text() if c else "" for c in cells][2:] == ["1", "library-daily-2099-01-01.sqlite"]  # newest first
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.restore_button.click()
    restored = window.controller.service
    assert [h.id for h in window.controller.highlights()] == [kept_id]
    assert [h.id for h in restored.highlights(1)] == [kept_id]
    assert window.panel.model.rowCount() == 1
    # The history is the restored library's own: the later highlight is not in it.
    assert window.undo_action.text() == "&Undo Highlight “the eight-hour day”"
    assert "kept as library-before-restore-" in window.statusBar().currentMessage()
    [before] = (file_of(restored).parent / "backups").glob("library-before-restore-*.sqlite")
    con = sqlite3.connect(before)
    assert sorted(r[0] for r in con.execute("SELECT id FROM highlights")) == [kept_id, later_id]
    con.close()


def _damaged_library(tmp_path: Path) -> Path:
    library = tmp_path / "library.sqlite"
    service = open_service(library)
    service.add_sample()
    service.create_highlight(1, 0, 5, note="precious")
    _backup_now(service, "library-daily-2099-01-01.sqlite")
    service.close()
    data = bytearray(library.read_bytes())
    data[4096:4696] = b"\xde\xad\xbe\xef" * 150
    library.write_bytes(bytes(data))
    return library


@pytest.mark.parametrize("choice", ["restore", "new", "quit"])
def test_a_damaged_library_at_start_offers_a_backup_or_a_new_library(tmp_path: Path, choice: str) -> None:
    library = _damaged_library(tmp_path)
    damaged = library.read_bytes()
    with pytest.raises(DamagedLibraryError) as info:
        open_service(library)
    offered: list[object] = []

    def choose(path: Path, error: DamagedLibraryError, newest: object) -> str:
        offered.append(newest)
        return choice

    service = recover(library, info.value, choose)
    assert offered and offered[0] is not None  # the newest backup was offered
    kept = [p for p in tmp_path.iterdir() if ".damaged-" in p.name and p.suffix == ".sqlite"]
    if choice == "quit":
        assert service is None and library.read_bytes() == damaged and not kept
        return
    assert service is not None
    assert [p.read_bytes() for p in kept] == [damaged]  # kept aside, untouched
    notes = [h.note for d in service.list_documents() for h in service.highlights(d.id)]
    assert notes == (["precious"] if choice == "restore" else [])
    service.close()


def test_a_library_that_can_only_be_read_opens_says_so_and_refuses_changes(
    tmp_path: Path, make_window: WindowFactory, qtbot: QtBot
) -> None:
    library = tmp_path / "library.sqlite"
    first = open_service(library)
    first.add_sample()
    first.close()
    library.chmod(0o444)
    try:
        service = open_service(library)
        window = make_window(service)
        assert window.last_message is not None and window.last_message.windowTitle() == "Your library"
        assert "is open for reading only" in window.last_message.text()
        window.last_message.close()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        assert window.read_only_label.isVisible() and window.read_only_label.text() == "Read only"
        assert "read-only (its permissions say so)" in window.read_only_label.toolTip()
        assert window.controller.document is not None  # reading is not refused
        start = window.controller.document.text.index("the eight-hour day")
        select_with_keys(qtbot, window, start, start + len("the eight-hour day"))
        qtbot.keyClick(window.reader, Qt.Key.Key_H)
        assert window.last_message is not None and "read-only" in window.last_message.text()
        assert service.highlights(window.controller.document.id) == []
        window.last_message.close()
        service.close()
    finally:
        library.chmod(0o644)
