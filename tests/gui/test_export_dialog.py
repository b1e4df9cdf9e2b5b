"""Exporting from the window: the Ctrl+E dialog and Ctrl+Shift+C."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.ui.export.dialog import ExportDialog
from app.ui.window.main_window import MainWindow
from tests.gui.accessibility import unnamed_controls
from tests.gui.conftest import Heard, WindowFactory
from tests.gui.test_desk import highlight_quote, tag_current
from tests.markdown_reader import blockquotes

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _open_dialog(window: MainWindow, qtbot: QtBot) -> ExportDialog:
    window.activateWindow()  # the offscreen platform does not reactivate it after a dialog
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.reader, Qt.Key.Key_E, CTRL)
    # A closed dialog lingers until Qt's deferred delete runs: take the open one.
    [dialog] = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
    return dialog


@pytest.fixture
def marked(window: MainWindow, qtbot: QtBot) -> MainWindow:
    highlight_quote(qtbot, window, "transferring all power to the Soviets")
    tag_current(qtbot, window, "power/soviets")
    qtbot.keyClick(window.reader, Qt.Key.Key_N)
    qtbot.keyClicks(window.panel.note, "the slogan")
    qtbot.keyClick(window.panel.note, Qt.Key.Key_Escape)
    highlight_quote(qtbot, window, "the proletariat and the peasantry")
    tag_current(qtbot, window, "class/peasantry")
    return window


def test_ctrl_e_previews_markdown_and_saves_it(
    marked: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, heard: Heard
) -> None:
    dialog = _open_dialog(marked, qtbot)
    preview = dialog.preview.toPlainText()
    assert blockquotes(preview) == ["the proletariat and the peasantry", "transferring all power to the Soviets"]
    assert "#power/soviets" in preview and "the slogan" in preview
    assert dialog.status.text().startswith("2 highlights")
    target = tmp_path / "export.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert dialog.suggested_name().endswith(".md")
    dialog.save_button.click()
    assert target.read_text(encoding="utf-8") == dialog.text
    assert "Saved 2 highlights" in dialog.status.text()
    assert heard[-1][0] == dialog.status.text()  # heard, though the focus stays on the button


def test_choices_change_the_preview_live_and_are_remembered(marked: MainWindow, qtbot: QtBot) -> None:
    dialog = _open_dialog(marked, qtbot)
    dialog.notes.setChecked(False)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    qtbot.waitUntil(lambda: dialog.preview.toPlainText().startswith("id,document"))
    rows = list(csv.DictReader(io.StringIO(dialog.text)))
    assert [r["note"] for r in rows] == ["", ""]
    assert not dialog.template_button.isEnabled()  # templates are for Markdown
    dialog.scope.setCurrentIndex(dialog.scope.findData("themes"))
    assert dialog.themes.isVisibleTo(dialog)
    item = dialog.themes.findItems("class", Qt.MatchFlag.MatchExactly)[0]
    item.setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("1 highlight,"))
    assert [r["quote"] for r in csv.DictReader(io.StringIO(dialog.text))] == ["the proletariat and the peasantry"]
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.text
    dialog.close()

    again = _open_dialog(marked, qtbot)
    assert (again.format.currentData(), again.scope.currentData(), again.notes.isChecked()) == ("csv", "themes", False)


def test_a_broken_template_is_reported_in_the_preview(marked: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _open_dialog(marked, qtbot)
    broken = tmp_path / "broken.j2"
    broken.write_text("{% for e in %}")
    dialog.set_template(broken)
    dialog.refresh()
    assert "template failed" in dialog.preview.toPlainText()
    assert not dialog.save_button.isEnabled()
    mine = tmp_path / "mine.j2"
    mine.write_text("{% for s in sections %}{% for e in s.entries %}* {{ e.quote }}\n{% endfor %}{% endfor %}")
    dialog.set_template(mine)
    dialog.refresh()
    assert (
        dialog.preview.toPlainText() == "* the proletariat and the peasantry\n* transferring all power to the Soviets\n"
    )


def test_the_export_dialog_is_keyboard_accessible(marked: MainWindow, qtbot: QtBot) -> None:
    dialog = _open_dialog(marked, qtbot)
    assert unnamed_controls(dialog) == []


def test_ctrl_shift_c_copies_the_current_highlight(
    make_window: WindowFactory, marked: MainWindow, qtbot: QtBot
) -> None:
    marked.panel.select(marked.controller.highlights()[1].id)
    qtbot.keyClick(marked.reader, Qt.Key.Key_C, CTRL | SHIFT)
    copied = QGuiApplication.clipboard().text()
    assert blockquotes(copied) == ["transferring all power to the Soviets"]
    assert "· #power/soviets" in copied and "the slogan" in copied and "^hl-1" in copied
    assert "Copied the highlight" in marked.statusBar().currentMessage()


def test_the_save_dialog_offers_the_format_keeps_the_title_and_remembers_the_folder(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    dialog = _open_dialog(window, qtbot)
    dialog.scope.setCurrentIndex(dialog.scope.findData("document"))
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert dialog.suggested_name() == "Resolution on the Soviets of Workers’ and Soldiers’ Deputies.csv"
    asked: list[tuple[str, str]] = []

    def ask(_parent: object, _title: str, start: str, filters: str, _selected: str = "") -> tuple[str, str]:
        asked.append((start, filters))
        return str(tmp_path / "notes" / "my export"), filters  # typed without a suffix

    (tmp_path / "notes").mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    dialog.save_button.click()
    assert (tmp_path / "notes" / "my export.csv").read_text(encoding="utf-8") == dialog.text
    assert dialog.status.text().startswith("Saved 1 highlight to ")
    assert asked[0][1] == "CSV (one row per highlight) (*.csv)"
    dialog.save_button.click()
    assert Path(asked[1][0]).parent == tmp_path / "notes"  # the folder used last
    dialog.copy_button.click()
    assert dialog.status.text() == "Copied 1 highlight to the clipboard"
