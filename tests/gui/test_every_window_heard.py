"""Every window and dialog, walked as a screen reader sees it: names, mnemonics, labels, captions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from app.domain.editions import EditionReport, PlacedHighlight, Placement, VersionSummary
from app.domain.values import BackupSummary
from app.services.foreign import BookReport, HighlightImport
from app.ui.documents.backups_dialog import BackupsDialog
from app.ui.documents.editions import ReviewDialog, VersionsDialog
from app.ui.documents.encoding_dialog import EncodingDialog
from app.ui.documents.foreign_import import ForeignImportDialog
from app.ui.documents.shared_dialog import SharedLibraryDialog
from app.ui.export.dialog import ExportDialog
from app.ui.themes.palette import ThemePalette
from app.ui.window.main_window import MainWindow
from tests.gui.accessibility import (
    duplicate_widget_mnemonics,
    labelled_by,
    labels_hiding_their_text,
    unnamed_controls,
    unnamed_nodes,
)
from tests.gui.test_desk import highlight_quote, tag_current

NOW = datetime(2026, 1, 1)
CTRL = Qt.KeyboardModifier.ControlModifier
Opener = Callable[[MainWindow, QtBot], QWidget]


def _visible(window: MainWindow, kind: type[QWidget]) -> QWidget:
    return next(w for w in window.findChildren(kind) if w.isVisible())


def _main(window: MainWindow, qtbot: QtBot) -> QWidget:
    qtbot.keyClicks(window.panel.filter_field, "day")  # shows the filter's clear button
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.find_bar.field, "soviets")
    return window


def _palette(window: MainWindow, qtbot: QtBot) -> QWidget:
    qtbot.keyClick(window.reader, Qt.Key.Key_T, CTRL)
    return _visible(window, ThemePalette)


def _export(window: MainWindow, qtbot: QtBot) -> QWidget:
    qtbot.keyClick(window.reader, Qt.Key.Key_E, CTRL)
    return _visible(window, ExportDialog)


def _theme_dialog(opener: str) -> Opener:
    def open_it(window: MainWindow, _qtbot: QtBot) -> QWidget:
        window.refresh_themes()
        window.themes_panel.select(next(t.tag.id for t in window.themes_panel.model.themes()))
        dialog = getattr(window.themes, opener)()
        assert dialog is not None
        dialog.show()
        return dialog  # type: ignore[no-any-return]

    return open_it


def _properties(window: MainWindow, _qtbot: QtBot) -> QWidget:
    window.library_view.setCurrentIndex(window.documents.index(0, 0))
    dialog = window.document_actions.edit_properties()
    assert dialog is not None
    return dialog


def _made(make: Callable[[MainWindow], QWidget]) -> Opener:
    def open_it(window: MainWindow, _qtbot: QtBot) -> QWidget:
        dialog = make(window)
        dialog.show()
        return dialog

    return open_it


def _message(window: MainWindow, _qtbot: QtBot) -> QWidget:
    window.show_error("The theme was not applied", "The disk is full.")
    assert window.last_message is not None
    return window.last_message


def _shortcuts(window: MainWindow, qtbot: QtBot) -> QWidget:
    window.menus.show_shortcuts()
    return next(w for w in window.findChildren(QWidget) if w.isWindow() and w.isVisible() and w is not window)


OPENERS: dict[str, Opener] = {
    "main window": _main,
    "theme palette": _palette,
    "export": _export,
    "statistics": _theme_dialog("show_statistics"),
    "passages": _theme_dialog("show_passages"),
    "split theme": _theme_dialog("split"),
    "properties": _properties,
    "shortcuts": _shortcuts,
    "message": _message,
    "backups": _made(lambda w: BackupsDialog([BackupSummary("/tmp/b.sqlite", NOW, 1, 2)], w)),
    "review": _made(
        lambda w: ReviewDialog(
            EditionReport(1, 2, 2, NOW, (PlacedHighlight(1, Placement.APPROXIMATE, "old", "new"),)), w
        )
    ),
    "versions": _made(lambda w: VersionsDialog([VersionSummary(1, 1, NOW, "ab" * 32, 10, 1, True)], "T", w)),
    "search": _made(lambda w: w.search.open_search()),
    "all my notes": _made(lambda w: w.search.open_notebook()),
    "export of what was found": _made(lambda w: w.search.open_export([1])),
    "import highlights": _made(
        lambda w: ForeignImportDialog(
            "My Clippings.txt",
            HighlightImport("kindle", (BookReport("A book", 1, "A book", 2, 1, 1, colours=("yellow",)),), 0),
            [(1, "A book")],
            lambda _t, _c: HighlightImport("kindle", (), 0),
            w,
            lambda: None,
        )
    ),
    "encoding": _made(lambda w: EncodingDialog("a.txt", "caf\xe9".encode("latin-1"), ["cp1252", "utf-8"], w)),
    "open shared library": _made(lambda w: SharedLibraryDialog("", w)),
}


@pytest.mark.parametrize("name", OPENERS)
def test_a_screen_reader_can_name_everything_in(window: MainWindow, qtbot: QtBot, name: str) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "labour/hours")
    shown = OPENERS[name](window, qtbot)
    assert shown.isVisible()
    assert unnamed_nodes(shown) == []
    assert unnamed_controls(shown) == []
    assert duplicate_widget_mnemonics(shown) == []
    assert labels_hiding_their_text(shown) == []
    assert [c.currentText() for c in shown.findChildren(QComboBox) if not labelled_by(c)] == []
    if shown is not window:
        assert shown.accessibleName() or shown.windowTitle()
        shown.close()
