"""What a screen reader hears: labels say what they show, outcomes are announced, Alt keys are unique."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from pytestqt.qtbot import QtBot

from app.services import LibraryService
from app.ui.main_window import MainWindow
from app.ui.theme_palette import ThemePalette
from tests.gui.accessibility import duplicate_mnemonics, labels_hiding_their_text
from tests.gui.conftest import Heard
from tests.gui.test_desk import highlight_quote, select_with_keys, tag_current
from tests.gui.test_failures import _dismiss, disk_full

CTRL = Qt.KeyboardModifier.ControlModifier


def _name(widget: object) -> str:
    return QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)  # type: ignore[arg-type]


def test_labels_that_carry_information_are_heard_as_what_they_show(window: MainWindow, qtbot: QtBot) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    assert _name(window.panel.quote) == window.panel.quote.text() != ""
    qtbot.keyClick(window.reader, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.find_bar.field, "soviets")
    assert _name(window.find_bar.count) == window.find_bar.count.text() != ""  # "1 of 11", not "Find result count"
    assert labels_hiding_their_text(window) == []


def test_outcomes_are_announced_politely_and_errors_assertively(
    window: MainWindow, qtbot: QtBot, service: LibraryService, heard: Heard
) -> None:
    polite, assertive = QAccessible.AnnouncementPoliteness.Polite, QAccessible.AnnouncementPoliteness.Assertive
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_H)  # nothing selected
    assert heard[-1][1] == polite and heard[-1][0].startswith("Select a passage first")
    highlight_quote(qtbot, window, "the eight-hour day")
    qtbot.keyClick(window.reader, Qt.Key.Key_Delete)
    assert heard[-1] == ("Highlight deleted. Ctrl+Z brings it back.", polite)
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
    assert heard[-1][0].startswith("Undone: Delete highlight") and heard[-1][1] == polite
    with disk_full(service, "DELETE"):
        qtbot.keyClick(window.reader, Qt.Key.Key_Delete)
        said, urgency = heard[-1]
        assert urgency == assertive and "database or disk is full" in said
        assert [s for s, _u in heard].count(said) == 1  # said once, not again as a status message
        _dismiss(window)


def test_every_alt_key_opens_one_menu_or_entry(window: MainWindow) -> None:
    assert duplicate_mnemonics(window.menuBar().actions()) == []


def test_the_theme_palette_says_what_enter_will_apply(window: MainWindow, qtbot: QtBot, heard: Heard) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "power/soviets", "class/peasantry")
    start = window.controller.document.text.index("Pravda No. 46")  # type: ignore[union-attr]
    select_with_keys(qtbot, window, start, start + len("Pravda No. 46"))
    qtbot.keyClick(window.reader, Qt.Key.Key_T, CTRL)
    palette = next(w for w in window.findChildren(ThemePalette) if w.isVisible())
    qtbot.keyClicks(palette.field, "s")
    first = palette.list.currentItem().text()
    assert heard[-1][0] == first
    qtbot.keyClick(palette.field, Qt.Key.Key_Down)
    assert heard[-1][0] == palette.list.currentItem().text() != first
    palette.reject()


def test_jumping_to_a_highlight_says_what_it_quotes_its_themes_and_a_wrap(
    window: MainWindow, qtbot: QtBot, heard: Heard
) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "labour/hours")
    highlight_quote(qtbot, window, "Pravda No. 46")
    window.reader.move_caret(0)
    qtbot.keyClick(window.reader, Qt.Key.Key_BracketRight)
    first = heard[-1][0]
    assert first.startswith("Highlight 1 of 2, ") and "“" in first
    qtbot.keyClick(window.reader, Qt.Key.Key_BracketRight)
    qtbot.keyClick(window.reader, Qt.Key.Key_BracketRight)
    assert heard[-1][0] == "Back to the first highlight. " + first
    assert any("“the eight-hour day”. Themes: labour/hours." in said for said, _u in heard)


def test_the_caret_entering_or_leaving_a_highlight_is_heard(window: MainWindow, qtbot: QtBot, heard: Heard) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    start = window.controller.document.text.index("the eight-hour day")  # type: ignore[union-attr]
    window.reader.move_caret(start - 1)
    heard.clear()
    qtbot.keyClick(window.reader, Qt.Key.Key_Right)
    assert heard[-1][0] == "Highlight 1 of 1, 3 words: “the eight-hour day”. Themes: none."
    for _ in range(len("the eight-hour day")):
        qtbot.keyClick(window.reader, Qt.Key.Key_Right)
    assert heard[-1][0] == "Out of the highlight."
    assert len(heard) == 2  # entering and leaving, not every step inside
