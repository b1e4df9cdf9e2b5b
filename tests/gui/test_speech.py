"""What a screen reader hears: labels say what they show, outcomes are announced, Alt keys are unique."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QMenu, QToolButton
from pytestqt.qtbot import QtBot

from app.services import LibraryService
from app.ui.themes.palette import ThemePalette
from app.ui.themes.statistics import StatisticsDialog
from app.ui.themes.theme_map import PARTS
from app.ui.window.highlight_actions import CARET_FOLLOW_MS
from app.ui.window.main_window import MainWindow
from tests.gui.accessibility import duplicate_mnemonics, labelled_by, labels_hiding_their_text, unnamed_nodes
from tests.gui.conftest import Focused, Heard
from tests.gui.test_desk import highlight_quote, select_with_keys, tag_current
from tests.gui.test_failures import _dismiss, disk_full

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
Role = QAccessible.Role


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
    qtbot.waitUntil(lambda: window.panel.current() is None)
    heard.clear()
    qtbot.keyClick(window.reader, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: bool(heard))  # once the caret rests
    assert heard[-1][0] == "Highlight 1 of 1, 3 words: “the eight-hour day”. Themes: none."
    for _ in range(len("the eight-hour day")):
        qtbot.keyClick(window.reader, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: len(heard) > 1)
    assert heard[-1][0] == "Out of the highlight."
    qtbot.wait(2 * CARET_FOLLOW_MS)
    assert len(heard) == 2  # entering and leaving, not every step inside


def test_tabbing_into_a_list_or_table_lands_on_its_current_item(
    window: MainWindow, qtbot: QtBot, focused: Focused
) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    window.panel.select(None)
    for view, role in ((window.library_view, Role.ListItem), (window.panel.list, Role.Cell)):
        view.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda expected=role: bool(focused) and focused[-1][0] == expected)  # type: ignore[misc]
        index = view.currentIndex()
        assert index.isValid()
        assert view.selectionModel().isSelected(index)  # painted as the chosen row too
        assert focused[-1][1] == (index.data(Qt.ItemDataRole.AccessibleTextRole) or index.data())
    current = window.panel.current()
    assert current is not None and current.exact == "the eight-hour day"
    assert window.library_view.currentIndex().data().startswith("Resolution on the Soviets")


def test_the_clear_buttons_of_the_filter_and_find_fields_have_names(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClicks(window.panel.filter_field, "day")
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.find_bar.field, "soviets")
    assert unnamed_nodes(window) == []
    names = [_name(b) for b in window.findChildren(QToolButton) if b.isVisible() and b.parent() is not None]
    assert {"Clear the word filter", "Clear the find field"} <= set(names)


def test_the_theme_map_is_a_button_walked_with_the_keyboard(window: MainWindow, qtbot: QtBot, heard: Heard) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "labour/hours")
    theme_map = window.theme_map
    qtbot.waitUntil(lambda: theme_map.shown() == 1)  # the map follows a moment after a change
    node = QAccessible.queryAccessibleInterface(theme_map)
    assert node.role() == Role.PushButton and node.actionInterface() is not None
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Tab)
    assert theme_map.hasFocus()
    document = window.controller.document
    assert document is not None
    start = document.text.index("the eight-hour day")
    part = start * PARTS // len(document.text)
    qtbot.keyClick(theme_map, Qt.Key.Key_Home)
    for _ in range(part):
        qtbot.keyClick(theme_map, Qt.Key.Key_Down)
    assert heard[-1][0].endswith("of the text: 1 highlight: labour/hours 1.")
    qtbot.keyClick(theme_map, Qt.Key.Key_Return)
    assert window.reader.hasFocus() and window.reader.caret_position() == start
    current = window.panel.current()
    assert current is not None and current.exact == "the eight-hour day"


def test_statistics_open_named_with_every_number_in_walkable_tables(
    window: MainWindow, qtbot: QtBot, focused: Focused
) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "labour/hours", "class/workers")
    qtbot.keyClick(window.reader, Qt.Key.Key_F8)
    dialog = next(d for d in window.findChildren(StatisticsDialog) if d.isVisible())
    assert _name(dialog) == "Theme statistics"
    assert unnamed_nodes(dialog) == [] and labels_hiding_their_text(dialog) == []
    assert labelled_by(dialog.pairs) == ["Count pairs in:"]  # heard with it, not only its current value
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.tabs, Qt.Key.Key_N, ALT)
    qtbot.keyClick(dialog, Qt.Key.Key_T, ALT)
    assert dialog.theme_table.hasFocus()
    qtbot.waitUntil(lambda: bool(focused) and focused[-1][0] == Role.Cell)
    cell = QAccessible.queryAccessibleInterface(dialog.theme_table).focusChild()
    assert cell is not None and cell.text(QAccessible.Text.Name) == "1"
    headers = cell.tableCellInterface().rowHeaderCells() + cell.tableCellInterface().columnHeaderCells()
    assert {h.text(QAccessible.Text.Name) for h in headers} >= {"highlights"}
    assert any(h.text(QAccessible.Text.Name) in {"class/workers", "labour/hours"} for h in headers)
    dialog.close()


def test_making_a_highlight_and_tagging_it_are_heard(window: MainWindow, qtbot: QtBot, heard: Heard) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    assert heard[-1][0] == "Highlighted “the eight-hour day”. T adds a theme, N a note."
    qtbot.keyClick(window.reader, Qt.Key.Key_T)
    qtbot.keyClicks(window.panel.tag_input, "labour/hours")
    qtbot.keyClick(window.panel.tag_input, Qt.Key.Key_Return)
    assert heard[-1][0] == "Tagged #labour/hours."
    assert window.panel.tag_input.hasFocus()  # heard while the focus stays in the field


def test_an_open_menus_letters_open_its_entries_not_the_texts_single_letter_actions(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_V, ALT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    view = QApplication.activePopupWidget()
    qtbot.keyClick(view, Qt.Key.Key_A)  # "Line sp&acing", also the reader's Attach key
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not view)
    spacing = QApplication.activePopupWidget()
    assert isinstance(spacing, QMenu) and spacing.title() == "Line sp&acing"
    assert not window.statusBar().currentMessage().startswith("Select the passage")
    qtbot.keyClick(spacing, Qt.Key.Key_D)  # "&Double"
    assert [a.data() for a in window.spacing_actions if a.isChecked()] == ["double", "normal"]
