"""Importing, pasting, dropping, the outline, document properties and deletion in the window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFont, QGuiApplication, QTextFormat
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.importers import ocr as ocr_module
from app.services import LibraryService
from app.ui.window.document_actions import PropertiesDialog
from app.ui.window.main_window import MainWindow
from tests.formats import epub_file, pdf_file
from tests.unit.test_ocr import needs_tesseract, scan_of

KEY = Qt.Key


def _import(window: MainWindow, qtbot: QtBot, *paths: Path) -> None:
    window.document_actions.import_files(list(paths))
    qtbot.waitUntil(lambda: not window.document_actions.busy(), timeout=20_000)


def test_an_epub_imported_off_the_ui_thread_opens_with_its_outline(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    _import(window, qtbot, epub_file(tmp_path / "theses.epub"))
    assert window.windowTitle() == "April Theses — Marginalia"
    assert window.outline.headings() == ["Chapter One", "The Second Chapter"]
    document = window.controller.document
    assert document is not None
    row = window.documents.row_of(document.id)
    assert row is not None
    words = len(document.text.split())
    assert window.documents.index(row).data() == (
        f"April Theses\nV. I. Lenin · EPUB · {words} words · 0 highlights · added {date.today():%Y-%m-%d}"
    )

    window.outline.setFocus()
    second = window.outline.model_.index(1, 0)
    window.outline.setCurrentIndex(second)
    qtbot.keyClick(window.outline, KEY.Key_Return)
    assert window.reader.caret_position() == document.text.index("The Second Chapter")
    assert window.reader.hasFocus()

    window.reader.move_caret(document.text.index("Conference"))  # reading on: the outline follows
    assert window.outline.currentIndex().data() == "Chapter One"
    text_document = window.reader.document()
    heading = text_document.findBlock(0).begin().fragment().charFormat()
    body = text_document.findBlock(document.text.index("Conference")).begin().fragment().charFormat()
    assert heading.fontWeight() == QFont.Weight.Bold
    assert heading.property(QTextFormat.Property.FontSizeAdjustment) == 2  # a chapter: two steps up
    assert body.fontWeight() != QFont.Weight.Bold
    assert text_document.toRawText().replace("\u2029", "\n") == document.text  # the words are untouched


def test_a_pdf_outline_shows_pages_and_ctrl_5_reaches_it(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    _import(window, qtbot, pdf_file(tmp_path / "r.pdf", pages=4))
    assert window.outline.headings() == ["Part 1", "Part 2"]
    assert window.outline.model_.index(1, 1).data() == "2"
    window.activateWindow()  # the offscreen platform does not reactivate it after the progress dialog
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.reader, KEY.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.outline.hasFocus()


def test_a_failed_import_says_why_and_changes_nothing(
    window: MainWindow, qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    before = service.list_documents()
    _import(window, qtbot, bad)
    assert window.last_message is not None
    assert "cut.pdf" in window.last_message.text() and "damaged" in window.last_message.text()
    assert service.list_documents() == before
    window.last_message.close()


def test_cancelling_an_import_stores_nothing(
    window: MainWindow, qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    path = pdf_file(tmp_path / "long.pdf", pages=40)
    actions = window.document_actions
    actions.import_files([path])
    actions.cancel()
    qtbot.waitUntil(lambda: not actions.busy(), timeout=20_000)
    assert len(service.list_documents()) == 1
    assert "cancelled" in window.statusBar().currentMessage()


def test_the_same_text_again_is_offered_to_open(
    window: MainWindow, qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    sample = window.controller.document
    assert sample is not None
    _import(window, qtbot, epub_file(tmp_path / "a.epub"))
    _import(window, qtbot, epub_file(tmp_path / "same.epub"))
    box = window.document_actions.last_dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "same.epub" in box.text() and "April Theses" in box.text()
    assert len(service.list_documents()) == 2
    window.open_document(sample.id)
    box.button(QMessageBox.StandardButton.Open).click()
    assert window.controller.document is not None
    assert window.controller.document.title == "April Theses"


def test_ctrl_shift_v_pastes_the_clipboard_as_a_new_document(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    mime = QMimeData()
    mime.setText("Notes\nfrom a web page")
    mime.setHtml("<h1>Notes</h1><p>from a <b>web</b> page</p>")
    QGuiApplication.clipboard().setMimeData(mime)
    qtbot.keyClick(window.reader, KEY.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    document = window.controller.document
    assert document is not None
    assert (document.title, document.text, document.format) == ("Notes", "Notes\n\nfrom a web page", "pasted")
    assert window.outline.headings() == ["Notes"]
    assert len(service.list_documents()) == 2


def test_files_dropped_on_the_window_are_imported(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "dropped.md"
    path.write_text("# Dropped\n\nIt *works*.", encoding="utf-8")
    where, action, button, none = (
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    web = QMimeData()
    web.setUrls([QUrl("https://example.org/never-fetched.txt")])
    refused = QDragEnterEvent(where, action, web, button, none)
    QApplication.sendEvent(window, refused)
    assert not refused.isAccepted()  # a link is not a file: nothing is ever fetched

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)), QUrl("https://example.org/never-fetched.txt")])
    enter = QDragEnterEvent(where, action, mime, button, none)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(where, action, mime, button, none)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: not window.document_actions.busy(), timeout=20_000)
    assert window.controller.document is not None
    assert window.controller.document.text == "Dropped\n\nIt works."


def test_properties_are_edited_with_f2_and_undone(window: MainWindow, qtbot: QtBot, service: LibraryService) -> None:
    window.library_view.setFocus()
    window.library_view.setCurrentIndex(window.documents.index(0))
    qtbot.keyClick(window.library_view, KEY.Key_F2)
    dialog = window.document_actions.last_dialog
    assert isinstance(dialog, PropertiesDialog) and dialog.isVisible()
    old_title = dialog.title_field.text()
    dialog.title_field.setText("Resolution of April 1917")
    dialog.date_field.setText("1917-04-29")
    qtbot.keyClick(dialog.date_field, KEY.Key_Return)
    [doc] = service.list_documents()
    assert (doc.title, doc.date) == ("Resolution of April 1917", "1917-04-29")
    assert window.windowTitle() == "Resolution of April 1917 — Marginalia"
    assert window.documents.index(0).data().startswith("Resolution of April 1917\n")
    qtbot.keyClick(window.reader, KEY.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert service.list_documents()[0].title == old_title
    assert window.windowTitle() == f"{old_title} — Marginalia"


def test_delete_asks_first_and_undo_brings_document_and_highlights_back(
    window: MainWindow, qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    sample = window.controller.document
    assert sample is not None
    window.controller.create_highlight(0, 10)
    _import(window, qtbot, epub_file(tmp_path / "b.epub"))
    window.open_document(sample.id)
    window.library_view.setFocus()
    window.library_view.setCurrentIndex(window.documents.index(0))

    qtbot.keyClick(window.library_view, KEY.Key_Delete)
    box = window.document_actions.last_dialog
    assert isinstance(box, QMessageBox)
    assert "and its 1 highlight?" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert len(service.list_documents()) == 2

    window.library_view.setCurrentIndex(window.documents.index(1))
    qtbot.keyClick(window.library_view, KEY.Key_Delete)
    box = window.document_actions.last_dialog
    assert isinstance(box, QMessageBox)
    assert box.text().startswith("Delete “April Theses”?")  # nothing to say of highlights it has none of
    box.button(QMessageBox.StandardButton.Cancel).click()

    window.library_view.setCurrentIndex(window.documents.index(0))
    qtbot.keyClick(window.library_view, KEY.Key_Delete)
    box = window.document_actions.last_dialog
    assert isinstance(box, QMessageBox)
    [delete] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole]
    delete.click()
    assert [d.title for d in service.list_documents()] == ["April Theses"]
    assert window.controller.document is not None and window.controller.document.title == "April Theses"

    window.history.undo()
    assert [d.highlight_count for d in service.list_documents()] == [1, 0]
    assert window.controller.document is not None and window.controller.document.id == sample.id
    assert len(window.controller.highlights()) == 1
    window.history.redo()
    assert len(service.list_documents()) == 1


@needs_tesseract
def test_a_scanned_pdf_is_offered_ocr_and_read_page_by_page(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, list[str]]] = []

    def choose(_parent: object, _title: str, label: str, items: list[str], *_args: object) -> tuple[str, bool]:
        asked.append((label, items))
        return "eng", True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    _import(window, qtbot, scan_of(tmp_path / "scan.pdf", pages=1))
    [(label, languages)] = asked
    assert "no text layer" in label and "Read it with Tesseract OCR" in label and "eng" in languages
    document = window.controller.document
    assert document is not None and document.title == "scan"
    assert "CONTROL FILES AND THEIR FIELDS" in document.text


def test_a_scanned_pdf_without_tesseract_says_what_to_install(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr_module, "ocr_languages", list)
    _import(window, qtbot, scan_of(tmp_path / "scan.pdf", pages=1))
    assert window.last_message is not None
    said = window.last_message.text()
    assert "scan.pdf: it has no text layer" in said and "apt install tesseract-ocr" in said
    window.last_message.close()
