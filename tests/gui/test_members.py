"""Several people's highlights in one document: each shown as its maker's, and filtered by member."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton, QTableWidgetItem
from pytestqt.qtbot import QtBot

from app.domain.members import initials, member_colour
from app.services import LibraryService
from app.ui.highlights.list_model import AUTHOR_ROLE
from app.ui.window import theme_actions
from app.ui.window.main_window import MainWindow
from db import open_library
from tests.conftest import file_of
from tests.gui.accessibility import unnamed_controls
from tests.gui.conftest import WindowFactory


def _row_authors(window: MainWindow) -> list[str]:
    model = window.panel.model
    return [model.index(row, 0).data(AUTHOR_ROLE) for row in range(model.rowCount())]


def _text(item: QTableWidgetItem | None) -> str:
    assert item is not None
    return item.text()


def _by(service: LibraryService, author: str) -> LibraryService:
    return LibraryService(open_library(file_of(service)), author=author)


def test_each_highlight_shows_its_maker_and_the_filter_shows_one_member(
    make_window: WindowFactory, service: LibraryService, qtbot: QtBot
) -> None:
    window = make_window(service)
    assert window.controller.document is not None
    doc = window.controller.document.id
    window.controller.create_highlight(0, 10)
    assert _row_authors(window) == [""]  # one person's document: no one is singled out
    ann, ben = _by(service, "anna.karenina"), _by(service, "ben")
    ann.create_highlight(doc, 20, 30)
    ben.create_highlight(doc, 40, 50, tags=["power"])
    ann.close()
    ben.close()
    window.open_document(doc)
    me = service.operations.author
    assert _row_authors(window) == [me, "anna.karenina", "ben"]
    tip = window.panel.model.index(2, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith("; by ben")  # what a screen reader hears of the row, too
    image = window.panel.list.viewport().grab().toImage()
    badge = member_colour("anna.karenina")
    assert any(
        image.pixelColor(x, y).name() == badge for x in range(image.width()) for y in range(image.height())
    )  # the initials' ground is painted on the row
    assert initials("anna.karenina") == "AK" and initials("ben") == "BE"

    menu = window.panel.filter_menu
    menu.aboutToShow.emit()  # built as it opens
    ben_action = next(a for a in menu.actions() if a.text() == "ben")
    ben_action.setChecked(True)
    qtbot.waitUntil(lambda: window.panel.model.rowCount() == 1)
    assert _row_authors(window) == ["ben"]
    assert window.panel.filter_button.text() == "Themes (1)"
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.text() == "Clear the filter").trigger()
    assert window.panel.model.rowCount() == 3


def test_the_agreement_of_two_coders_is_shown_copied_and_saved(
    make_window: WindowFactory, service: LibraryService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(service)
    assert window.controller.document is not None
    doc = window.controller.document.id
    assert window.themes.show_agreement() is None  # no one has coded it yet
    assert "two people or more" in window.statusBar().currentMessage()
    ann, ben = _by(service, "ann"), _by(service, "ben")
    ann.create_highlight(doc, 0, 100, tags=["power"])
    ben.create_highlight(doc, 50, 100, tags=["power"])
    ann.close()
    ben.close()
    dialog = window.themes.show_agreement()
    assert dialog is not None
    assert unnamed_controls(dialog) == []
    table = dialog.table
    header = [_text(table.horizontalHeaderItem(c)) for c in range(table.columnCount())]
    assert _text(table.verticalHeaderItem(0)) == "power"
    assert _text(table.item(0, header.index("characters coded"))) == "ann 100, ben 50"
    assert float(_text(table.item(0, header.index("Cohen's kappa")))) > 0.6
    buttons = {b.text(): b for b in dialog.findChildren(QPushButton)}
    buttons["&Copy as table"].click()
    assert QGuiApplication.clipboard().text().splitlines()[1].startswith("power\tann, ben")
    monkeypatch.setattr(theme_actions, "save_path", lambda _p, _t, _pr, name, _f: tmp_path / name)
    buttons["&Save as CSV…"].click()
    saved = (tmp_path / "agreement.csv").read_text(encoding="utf-8").splitlines()
    assert saved[0].startswith("theme,coders,") and saved[1].startswith("power,")
    dialog.close()
