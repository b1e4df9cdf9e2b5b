"""QDA projects and codebooks from the window: File → Export, and Ctrl+O or dropping to bring them in."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from app.domain.changes import Done
from app.domain.progress import Progress
from app.domain.refi import QdaCode, QdaProject
from app.importers.refi import read_project
from app.services import LibraryService, open_service
from app.services import exchange as exchange_module
from app.services.exchange import QdaSummary
from app.ui.window import exchange_actions
from app.ui.window.main_window import MainWindow
from tests.gui.conftest import WindowFactory
from tests.gui.test_desk import highlight_quote, tag_current


def test_a_coded_library_goes_to_a_qda_project_and_comes_back_by_dropping(
    window: MainWindow, make_window: WindowFactory, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "labour/hours")
    project, codebook = tmp_path / "seminar.qdpx", tmp_path / "codes.qdc"
    monkeypatch.setattr(exchange_actions, "save_path", lambda _p, _t, _pr, name, _f: tmp_path / name)
    assert window.exchange.export_project() == tmp_path / "marginalia.qdpx"
    (tmp_path / "marginalia.qdpx").rename(project)
    assert window.exchange.export_codebook() == tmp_path / "codebook.qdc"
    (tmp_path / "codebook.qdc").rename(codebook)
    assert "Exported the codebook" in window.statusBar().currentMessage()

    other_service = open_service(tmp_path / "other.sqlite")
    other = make_window(other_service)
    try:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(project)), QUrl.fromLocalFile(str(codebook))])
        drop = QDropEvent(
            QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
        )
        other.dropEvent(drop)
        qtbot.waitUntil(lambda: other.exchange.last_message is not None)  # read off the UI thread
        assert other.exchange.last_message is not None
        said = other.exchange.last_message.text()
        # The new library holds the bundled sample already: the highlight lands on it.
        assert "seminar.qdpx: 0 documents added, 1 document already in the library, 1 highlight" in said
        assert "codes.qdc: " in said
        [doc] = other_service.list_documents()
        [h] = other_service.highlights(doc.id)
        assert (h.exact, [t.path for t in h.tags]) == ("the eight-hour day", ["labour/hours"])
        qtbot.waitUntil(lambda: other.documents.rowCount() == 1)
        assert {t.path for t in other.controller.tags()} == {"labour", "labour/hours"}
    finally:
        other.close()
        other_service.close()


def test_a_broken_project_says_why_and_changes_nothing(
    window: MainWindow, service: LibraryService, tmp_path: Path, qtbot: QtBot
) -> None:
    bad = tmp_path / "broken.qdpx"
    bad.write_bytes(b"not a zip")
    before = service.operations.history()
    window.opening.import_files([bad])
    qtbot.waitUntil(lambda: window.last_message is not None)
    assert window.last_message is not None and "broken.qdpx" in window.last_message.text()
    assert service.operations.history() == before
    assert window.exchange.last_message is None  # no summary of nothing


def test_a_project_is_read_off_the_ui_thread_behind_a_progress_dialog_that_can_cancel_it(
    window: MainWindow, service: LibraryService, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "large.qdpx"
    project.write_bytes(service.export_qdpx())
    before = service.operations.history()
    reading, go_on = threading.Event(), threading.Event()

    def held(path: Path, progress: Progress | None = None) -> QdaProject:
        reading.set()
        go_on.wait(5)  # until the test has pressed Cancel
        return read_project(path, progress)

    monkeypatch.setattr(exchange_module, "read_project", held)
    window.opening.import_files([project])
    assert reading.wait(5)  # the window went on while the worker reads
    progress = window.document_actions.progress
    assert progress is not None and progress.labelText() == "Reading large.qdpx and storing it in your library…"
    qtbot.waitUntil(progress.isVisible)  # once reading has taken long enough to be worth a dialog
    cancel = progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    go_on.set()
    qtbot.waitUntil(lambda: window.document_actions.worker is None)
    assert window.statusBar().currentMessage() == "Import of large.qdpx cancelled; nothing changed."
    assert service.operations.history() == before
    assert window.exchange.last_message is None


def test_the_progress_dialog_stays_up_until_the_project_is_stored(
    window: MainWindow, service: LibraryService, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "large.qdpx"
    project.write_bytes(service.export_qdpx())
    dialog_up = threading.Event()

    def held(path: Path, progress: Progress | None = None) -> QdaProject:
        dialog_up.wait(5)  # a project large enough to be worth the dialog
        return read_project(path, progress)

    seen: list[bool] = []
    store = LibraryService.store_qda

    def storing(self: LibraryService, read: QdaProject | list[QdaCode], path: Path) -> Done[QdaSummary]:
        progress = window.document_actions.progress
        seen.append(progress is not None and progress.isVisible())
        return store(self, read, path)

    monkeypatch.setattr(exchange_module, "read_project", held)
    monkeypatch.setattr(LibraryService, "store_qda", storing)
    window.opening.import_files([project])
    progress = window.document_actions.progress
    assert progress is not None
    qtbot.waitUntil(progress.isVisible)
    dialog_up.set()
    qtbot.waitUntil(lambda: window.exchange.last_message is not None)
    assert seen == [True]  # storing takes seconds for a large project: the dialog says so meanwhile
    assert window.document_actions.progress is None
