"""A new edition from the window: progress off the UI thread, review, orphans, undo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.domain.editions import Placement
from app.importers import ImportedText
from app.resources import SAMPLE_TEXT
from app.services import LibraryService, open_service
from app.ui.documents.editions import EditionWorker, ReviewDialog, VersionsDialog
from app.ui.window.main_window import MainWindow
from tests.conftest import file_of
from tests.gui.test_desk import _doc_text, highlight_quote, select_with_keys

CTRL = Qt.KeyboardModifier.ControlModifier
TEXT = SAMPLE_TEXT.read_text(encoding="utf-8")


def _second_edition(tmp_path: Path) -> Path:
    path = tmp_path / "second-edition.txt"
    path.write_text(
        "A preface to the second printing.\n\n"
        + TEXT.replace("the eight-hour day have been introduced", "the eight-hour day have been brought in").replace(
            "Pravda No. 46", "First printed in the party press"
        )
    )
    return path


def _run(window: MainWindow, qtbot: QtBot, path: Path) -> ReviewDialog:
    window.editions.last_review = None
    window.editions.replace_with_edition(path)
    # The workers may finish before a signal spy could connect: wait on their state.
    qtbot.waitUntil(
        lambda: not window.document_actions.busy() and window.editions.last_review is not None, timeout=20000
    )
    qtbot.waitUntil(lambda: window.editions.last_review is not None and window.editions.last_review.isVisible())
    assert window.editions.last_review is not None
    return window.editions.last_review


def test_a_new_edition_is_reviewed_and_its_orphan_attached(
    window: MainWindow, qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    moved = highlight_quote(qtbot, window, "all lands are being transferred to the peasants")
    changed = highlight_quote(qtbot, window, "the eight-hour day have been introduced")
    orphan = highlight_quote(qtbot, window, "Pravda No. 46")
    review = _run(window, qtbot, _second_edition(tmp_path))
    assert _doc_text(window).startswith("A preface to the second printing.")
    outcomes = {item.highlight_id: item.placement.value for item in review.items}
    assert outcomes == {changed: "approximate", orphan: "orphaned"}
    assert (review.report.count(Placement.MOVED), review.report.count(Placement.UNCHANGED)) == (1, 0)
    review.accept_button.click()
    assert service.highlight(changed).review_from == ""
    review.close()

    assert [h.id for h in window.controller.highlights()] == [moved, changed]
    assert window.panel.orphan_list.isVisibleTo(window) and window.panel.orphan_list.count() == 1
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    start = _doc_text(window).index("First printed")
    window.panel.orphan_list.setCurrentRow(0)
    select_with_keys(qtbot, window, start, start + len("First printed in the party press"))
    qtbot.keyClick(window.reader, Qt.Key.Key_A)
    assert service.highlight(orphan).exact == "First printed in the party press"
    assert window.panel.orphan_list.count() == 0 and not window.panel.orphan_list.isVisibleTo(window)
    assert orphan in [h.id for h in window.controller.highlights()]

    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)  # undo the attach: an orphan again
    assert window.panel.orphan_list.count() == 1
    assert service.highlight(orphan).exact == "Pravda No. 46"
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)  # undo accepting the approximate place
    assert service.highlight(changed).review_from == "the eight-hour day have been introduced"
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)  # undo the edition
    assert _doc_text(window) == TEXT
    assert [h.exact for h in window.controller.highlights()] == [
        "all lands are being transferred to the peasants",
        "the eight-hour day have been introduced",
        "Pravda No. 46",
    ]
    assert window.panel.orphan_list.count() == 0
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # redo it
    assert _doc_text(window).startswith("A preface")
    window.editions.show_versions()
    [versions] = [d for d in window.findChildren(VersionsDialog) if d.isVisible()]
    assert versions.table.rowCount() == 2


def test_the_same_text_or_a_bad_file_is_refused_with_a_message(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    same = tmp_path / "same.txt"
    same.write_text(TEXT)
    window.editions.replace_with_edition(same)
    qtbot.waitUntil(lambda: not window.document_actions.busy())
    assert window.last_message is not None and "exactly the text" in window.last_message.text()
    window.last_message.close()
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    window.editions.replace_with_edition(empty)
    qtbot.waitUntil(lambda: not window.document_actions.busy())
    assert window.last_message is not None and "empty" in window.last_message.text()


def test_an_edition_read_while_another_document_was_opened_goes_nowhere(
    window: MainWindow, qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Another text entirely.")
    sample = window.controller.document
    assert sample is not None
    other_id = window.controller.import_path(other)[0].id
    window.editions.replace_with_edition(_second_edition(tmp_path))
    window.open_document(other_id)
    qtbot.waitUntil(lambda: not window.document_actions.busy())
    assert window.last_message is not None and "no longer open" in window.last_message.text()
    assert len(service.versions(sample.id)) == 1


def test_cancelling_changes_nothing(qtbot: QtBot, service: LibraryService) -> None:
    doc = service.add_document(ImportedText.of(TEXT, title="T")).value[0]
    service.create_highlight(doc.id, 0, 5)
    plan = service.prepare_edition(doc.id, ImportedText.of("New. " + TEXT, title="T"))
    worker = EditionWorker(plan)
    worker.cancel_requested = True
    outcomes: list[object] = []
    worker.succeeded.connect(outcomes.append)
    with qtbot.waitSignal(worker.finished, timeout=10000):
        worker.start()
    assert outcomes == []
    assert service.open_document(doc.id).text == TEXT


def test_pick_another_place_for_a_changed_highlight_and_a_pasted_edition(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    changed = highlight_quote(qtbot, window, "the eight-hour day have been introduced")
    new_text = "A pasted preface.\n\n" + TEXT.replace("have been introduced", "have been brought in")
    QGuiApplication.clipboard().setText(new_text)
    worker = window.editions.edition_from_clipboard()
    assert worker is not None
    qtbot.waitUntil(lambda: worker.isFinished() and window.editions.last_review is not None, timeout=20000)
    qtbot.waitUntil(lambda: window.editions.last_review is not None and window.editions.last_review.isVisible())
    review = window.editions.last_review
    assert review is not None and review.move_button.isEnabled()
    review.move_button.click()
    assert "press A to move" in window.statusBar().currentMessage()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    start = _doc_text(window).index("the eight-hour day")
    select_with_keys(qtbot, window, start, start + len("the eight-hour day"))
    qtbot.keyClick(window.reader, Qt.Key.Key_A)
    moved = service.highlight(changed)
    assert (moved.exact, moved.review_from) == ("the eight-hour day", "")
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)  # back to where re-anchoring put it
    assert service.highlight(changed).exact == "the eight-hour day have been brought in"


def test_an_orphan_deleted_elsewhere_leaves_the_list_and_comes_back_with_undo(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    orphan = highlight_quote(qtbot, window, "Pravda No. 46")
    document = window.controller.document
    assert document is not None
    plan = service.prepare_edition(
        document.id, ImportedText.of(TEXT.replace("Pravda No. 46", "First printed"), title="T")
    )
    window.controller.apply_edition(plan, plan.run())
    assert window.panel.orphan_list.count() == 1
    elsewhere = open_service(file_of(service))  # another window, or the command line
    try:
        elsewhere.delete_highlight(orphan)
        qtbot.waitUntil(lambda: window.panel.orphan_list.count() == 0, timeout=10_000)
        elsewhere.operations.undo()
        qtbot.waitUntil(lambda: window.panel.orphan_list.count() == 1, timeout=10_000)
    finally:
        elsewhere.close()
