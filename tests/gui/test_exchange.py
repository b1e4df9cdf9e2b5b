"""QDA projects and codebooks from the window: File → Export, and Ctrl+O or dropping to bring them in."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from app.services import LibraryService, open_service
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
    window: MainWindow, service: LibraryService, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.qdpx"
    bad.write_bytes(b"not a zip")
    before = service.operations.history()
    window.opening.import_files([bad])
    assert window.last_message is not None and "broken.qdpx" in window.last_message.text()
    assert service.operations.history() == before
