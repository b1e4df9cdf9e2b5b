"""One history for every change: Edit → History, undo after a restart, windows that see each other."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.domain.changes import Done, OperationSummary
from app.services import LibraryService, open_service
from app.ui.highlights.list_model import TAGS_ROLE
from app.ui.window import history_actions
from app.ui.window.history import HistoryDialog
from app.ui.window.main_window import MainWindow
from tests.conftest import file_of
from tests.gui.conftest import WindowFactory
from tests.gui.test_desk import highlight_quote, tag_current
from tests.test_cli import Cli

CTRL = Qt.KeyboardModifier.ControlModifier
SOON_MS = 10_000  # a generous bound for a busy machine: the window looks once a second


def _history(qtbot: QtBot, window: MainWindow) -> HistoryDialog:
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_H, CTRL)
    [dialog] = [d for d in window.findChildren(HistoryDialog) if d.isVisible()]
    assert dialog.table.hasFocus() or dialog.table.currentRow() == 0
    return dialog


def test_history_undoes_back_to_a_change_after_asking_and_redoes_from_there(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    first = highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "labour/hours")
    second = highlight_quote(qtbot, window, "the largest forces of the bourgeoisie")
    dialog = _history(qtbot, window)
    labels = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]  # type: ignore[union-attr]
    assert labels[:3] == [
        "Highlight “the largest forces of the bourgeoisie”",
        "Tag with labour/hours",
        "Highlight “the eight-hour day”",
    ]
    assert labels[-1].startswith("Import “Resolution")
    dialog.table.setFocus()
    for _ in range(2):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    question = dialog.last_question
    assert isinstance(question, QMessageBox)
    assert "Undo Highlight “the eight-hour day” and the 2 changes made after it?" in question.text()
    assert "takes back 3 changes" in question.text()
    [undo] = [b for b in question.buttons() if question.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole]
    assert undo.text() == "&Undo 3 changes"
    undo.click()
    assert service.highlights(1) == [] and service.tags() == []
    assert window.controller.highlights() == [] and window.panel.model.rowCount() == 0
    assert window.statusBar().currentMessage().startswith("Undone: 3 changes back to “Highlight “the eight-hour")

    again = _history(qtbot, window)
    assert again.table.item(0, 1).text() == "Highlight “the largest forces of the bourgeoisie” (undone)"  # type: ignore[union-attr]
    again.table.setCurrentCell(1, 0)
    qtbot.keyClick(again.table, Qt.Key.Key_Return)  # redo up to the tagging
    assert [h.id for h in service.highlights(1)] == [first]
    assert [t.path for t in service.highlight(first).tags] == ["labour/hours"]
    assert window.redo_action.text() == "&Redo Highlight “the largest forces of the bourgeoisie”"
    window.history.redo()
    assert second in [h.id for h in window.controller.highlights()]


def test_cancelling_the_question_undoes_nothing(window: MainWindow, qtbot: QtBot, service: LibraryService) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    dialog = _history(qtbot, window)
    box = dialog.choose(0)
    assert box is not None
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert len(service.highlights(1)) == 1


def test_undo_after_a_restart_takes_back_the_last_change_made_before_quitting(
    make_window: WindowFactory, qtbot: QtBot, library_path: Path
) -> None:
    service = open_service(library_path)
    window = make_window(service)
    made = highlight_quote(qtbot, window, "the eight-hour day")
    window.close()
    service.close()

    again = open_service(library_path)
    window = make_window(again)
    assert window.undo_action.text() == "&Undo Highlight “the eight-hour day”"
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
    assert made not in [h.id for h in window.controller.highlights()] and again.highlights(1) == []
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert [h.id for h in window.controller.highlights()] == [made]
    window.close()
    again.close()


def test_a_highlight_made_on_the_command_line_appears_without_moving_the_reader(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    reader = window.reader
    text = reader.toPlainText()
    reader.setFocus()
    reader.move_caret(text.index("Soldiers’ Deputies"))
    bar = reader.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)
    caret, scroll = reader.caret_position(), bar.value()

    Cli(file_of(service))("highlight", "1", "--quote", "the eight-hour day", "--tag", "labour/hours")
    # How soon is measured in benchmarks/operations.py; here, that it comes at all.
    qtbot.waitUntil(lambda: window.panel.model.rowCount() == 1, timeout=SOON_MS)
    [made] = window.controller.highlights()
    assert made.exact == "the eight-hour day" and [t.path for t in made.tags] == ["labour/hours"]
    assert (reader.caret_position(), bar.value()) == (caret, scroll)
    assert "labour/hours" in [t.tag.path for t in window.controller.themes()]
    qtbot.waitUntil(lambda: " · 1 highlight · " in window.documents.data(window.documents.index(0)))

    Cli(file_of(service))("undo")  # undone elsewhere: it goes here too
    qtbot.waitUntil(lambda: window.panel.model.rowCount() == 0, timeout=SOON_MS)
    qtbot.waitUntil(lambda: window.reader.painted_highlight_ids() == [])  # the text is repainted next
    assert (reader.caret_position(), bar.value()) == (caret, scroll)


def test_two_windows_on_one_library_see_each_other(
    make_window: WindowFactory, qtbot: QtBot, library_path: Path
) -> None:
    first_service = open_service(library_path)
    first = make_window(first_service)
    second_service = open_service(library_path)
    second = make_window(second_service)
    made = highlight_quote(qtbot, second, "the eight-hour day")
    tag_current(qtbot, second, "labour/hours")

    def themes_here() -> list[str]:
        highlight = first.controller.store.get(made)
        return [] if highlight is None else [t.path for t in highlight.tags]

    qtbot.waitUntil(lambda: themes_here() == ["labour/hours"], timeout=SOON_MS)
    labour = next(t.id for t in second_service.tags() if t.path == "labour")
    second_service.codebook.rename(labour, "work")  # a theme renamed there is renamed here
    qtbot.waitUntil(lambda: themes_here() == ["work/hours"], timeout=SOON_MS)
    row = first.panel.model.row_of(made)
    assert row is not None and first.panel.model.index(row, 0).data(TAGS_ROLE) == "#work/hours"
    second_service.shelf.delete(1)  # the open document deleted there closes here
    qtbot.waitUntil(lambda: first.controller.document is None, timeout=SOON_MS)
    assert first.documents.rowCount() == 0
    for window, service in ((first, first_service), (second, second_service)):
        window.close()
        service.close()


def test_a_long_undo_or_redo_is_said_before_the_window_waits_for_it(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    said: list[str] = []
    controller = window.controller

    def heard(step: Callable[..., Done[list[OperationSummary]]]) -> Callable[..., Done[list[OperationSummary]]]:
        def noting(*args: Any, **kwargs: Any) -> Done[list[OperationSummary]]:
            said.append(window.statusBar().currentMessage())  # the window paints nothing else until it ends
            return step(*args, **kwargs)

        return noting

    monkeypatch.setattr(controller, "undo", heard(controller.undo))
    monkeypatch.setattr(controller, "redo", heard(controller.redo))
    window.statusBar().clearMessage()
    window.undo_action.trigger()  # one highlight: quick, nothing said before
    window.redo_action.trigger()
    monkeypatch.setattr(history_actions, "LONG_STEP_BYTES", 1)  # as if it were an import of thousands
    window.undo_action.trigger()
    window.redo_action.trigger()
    assert said[0] == ""
    assert said[1].startswith("Undone: ")
    assert said[2:] == [
        "Undoing “Highlight “the eight-hour day””; the window waits until it is done…",
        "Redoing “Highlight “the eight-hour day””; the window waits until it is done…",
    ]
    assert window.statusBar().currentMessage() == "Redone: Highlight “the eight-hour day”"
