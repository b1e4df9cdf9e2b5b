"""Rough edges of the reading desk a new user hit (issue: a reading desk that feels finished)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QFont, QFontInfo, QTextFormat
from PySide6.QtWidgets import QFontDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.domain.colours import MIN_CONTRAST, PAGE_THEMES, composite, contrast, parse_hex
from app.domain.tags import PALETTE
from app.importers import ImportedText, import_file
from app.services import LibraryService
from app.ui.themes.palette import ThemePalette
from app.ui.window.main_window import MainWindow
from tests.gui.conftest import WindowFactory
from tests.gui.test_desk import highlight_quote, painted_colour, select_with_keys, tag_current


def _styled_characters(window: MainWindow) -> list[str]:
    """Return every stretch of the reader's text that is drawn bold or larger."""
    styled = []
    block = window.reader.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.fontWeight() == QFont.Weight.Bold or fmt.property(QTextFormat.Property.FontSizeAdjustment):
                styled.append(fragment.text())
            it += 1
        block = block.next()
    return styled


def test_heading_type_does_not_leak_into_the_next_document(
    window: MainWindow, qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    book = tmp_path / "book.md"
    book.write_text("# Chapter One\n\nFirst words.\n\n# Chapter Two\n\nMore words.\n", encoding="utf-8")
    chapters = service.add_document(import_file(book)).value[0]
    plain = service.add_document(ImportedText.of("Plain words only.\n\nNothing else.", title="Plain")).value[0]
    window.open_document(chapters.id)
    heading = window.controller.document.structure.headings[1] if window.controller.document else None
    assert heading is not None
    window.reader.move_caret(heading.start + 3)  # the caret inside a heading, as after Enter in the outline
    window.open_document(plain.id)
    assert window.reader.toPlainText() == "Plain words only.\n\nNothing else."
    assert _styled_characters(window) == []


def _palette(qtbot: QtBot, window: MainWindow, quote: str) -> ThemePalette:
    start = _text(window).index(quote)
    select_with_keys(qtbot, window, start, start + len(quote))
    qtbot.keyClick(window.reader, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    return next(w for w in window.findChildren(ThemePalette) if w.isVisible())


def _text(window: MainWindow) -> str:
    assert window.controller.document is not None
    return window.controller.document.text


@pytest.mark.parametrize(
    ("typed", "tagged"),
    [("sov", "power/soviets"), ("power/sov", "power/soviets"), ("cl pea", "class/peasantry"), ("zzz", "zzz")],
)
def test_enter_in_the_theme_palette_takes_a_match_and_creates_only_when_none(
    window: MainWindow, qtbot: QtBot, service: LibraryService, typed: str, tagged: str
) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "power/soviets", "class/peasantry")
    before = {t.path for t in service.tags()}
    palette = _palette(qtbot, window, "Pravda No. 46")
    qtbot.keyClicks(palette.field, typed)
    if typed != "zzz":
        assert palette.matches()[0] == tagged and palette.matches()[-1] == typed  # "Create" comes last
    qtbot.keyClick(palette.field, Qt.Key.Key_Return)
    current = window.panel.current()
    assert current is not None and current.exact == "Pravda No. 46"
    assert [t.path for t in current.tags] == [tagged]
    assert {t.path for t in service.tags()} - before == ({"zzz"} if typed == "zzz" else set())


def test_enter_in_the_themes_field_takes_the_completion_shown(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "vanity")
    second = highlight_quote(qtbot, window, "Pravda No. 46")
    qtbot.keyClick(window.reader, Qt.Key.Key_T)
    qtbot.keyClicks(window.panel.tag_input, "van")
    popup = window.panel.tag_input.completer().popup()
    assert popup is not None
    qtbot.waitUntil(lambda: popup.isVisible() and popup.currentIndex().isValid())
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert [t.path for t in service.highlight(second).tags] == ["vanity"]
    assert "van" not in {t.path for t in service.tags()}


def test_find_starts_at_the_caret_counts_from_there_and_says_when_it_wraps(window: MainWindow, qtbot: QtBot) -> None:
    text = _text(window)
    caret = text.index("In the capitals")
    window.reader.setFocus()
    window.reader.move_caret(caret)
    qtbot.keyClick(window.reader, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.find_bar.field, "soviets")
    spans = window.find_bar.matches()
    after = [i for i, (start, _end) in enumerate(spans) if start >= caret]
    assert after and after[0] > 0  # matches before the caret exist, and are skipped
    assert window.reader.selection_span() == spans[after[0]]
    assert window.find_bar.count.text() == f"{after[0] + 1} of {len(spans)}"
    for _ in range(len(spans) - after[0] - 1):
        qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    assert window.find_bar.count.text() == f"{len(spans)} of {len(spans)}"
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    assert window.reader.selection_span() == spans[0]
    assert window.find_bar.count.text() == f"1 of {len(spans)}, from the top"


def _current_id(window: MainWindow) -> int | None:
    current = window.panel.current()
    return None if current is None else current.id


def test_changing_the_text_size_keeps_the_caret_and_the_current_highlight(window: MainWindow, qtbot: QtBot) -> None:
    chosen = highlight_quote(qtbot, window, "the eight-hour day")
    caret = _text(window).index("the eight-hour day") + 4
    window.reader.move_caret(caret)
    for key in (Qt.Key.Key_Plus, Qt.Key.Key_Plus, Qt.Key.Key_Minus):
        qtbot.keyClick(window.reader, key, Qt.KeyboardModifier.ControlModifier)
    assert window.reader.caret_position() == caret
    assert _current_id(window) == chosen


@pytest.mark.parametrize("change", ["rename", "merge"])
def test_renaming_or_merging_a_theme_keeps_the_current_highlight(
    window: MainWindow, qtbot: QtBot, service: LibraryService, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    highlight_quote(qtbot, window, "Pravda No. 46")
    tag_current(qtbot, window, "war")
    chosen = highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "power")
    tags = {t.path: t.id for t in service.tags()}
    if change == "rename":
        window.themes.rename_to(tags["power"], "authority")
    else:
        window.themes_panel.select(tags["power"])
        monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: ("war", True))
        window.themes.merge()
    assert _current_id(window) == chosen
    assert window.panel.current_row_id() == chosen


def test_undoing_a_deletion_selects_the_highlight_it_brings_back(window: MainWindow, qtbot: QtBot) -> None:
    chosen = highlight_quote(qtbot, window, "the eight-hour day")
    qtbot.keyClick(window.reader, Qt.Key.Key_Delete)
    assert _current_id(window) is None
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _current_id(window) == chosen and window.panel.current_row_id() == chosen


def test_after_deleting_a_document_the_keyboard_is_in_the_library_list(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    service.add_document(ImportedText.of("Another text.\n\nWith two paragraphs.", title="Another"))
    window.refresh_library()
    window.library_view.setFocus()
    window.library_view.setCurrentIndex(window.documents.index(0))
    qtbot.keyClick(window.library_view, Qt.Key.Key_Delete)
    box = window.document_actions.last_dialog
    assert isinstance(box, QMessageBox)
    [delete] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole]
    delete.click()
    window.activateWindow()  # offscreen, no window manager gives the window back its activation
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.library_view.hasFocus())
    assert window.library_view.currentIndex().isValid()
    qtbot.keyClick(window.library_view, Qt.Key.Key_Return)
    assert window.controller.document is not None and window.controller.document.title == "Another"


def test_the_number_keys_say_which_theme_they_apply(window: MainWindow, qtbot: QtBot) -> None:
    assert window.key_actions[0].text() == "&1  (no theme on this key yet)"
    highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "power/soviets")
    highlight_quote(qtbot, window, "Pravda No. 46")
    tag_current(qtbot, window, "war")
    window.refresh_themes()
    labels = [action.text() for action in window.key_actions[:3]]
    assert labels == ["&1  #war", "&2  #power/soviets", "&3  (no theme on this key yet)"]  # the most recent first
    assert window.themes_panel.keys_legend.text() == "Keys: 1 #war   2 #power/soviets"
    palette = _palette(qtbot, window, "eight-hour")
    qtbot.keyClicks(palette.field, "sov")
    assert palette.list.item(0).text() == "#power/soviets   [key 2]"
    palette.reject()


def test_an_untagged_highlight_has_a_neutral_colour_of_its_own(window: MainWindow, qtbot: QtBot) -> None:
    untagged = highlight_quote(qtbot, window, "the eight-hour day")
    tagged = highlight_quote(qtbot, window, "Pravda No. 46")
    tag_current(qtbot, window, "power")
    colours = {}
    for highlight_id in (untagged, tagged):
        window.reader.move_caret(window.controller.highlight(highlight_id).start)  # type: ignore[union-attr]
        window.reader.centerCursor()
        colours[highlight_id] = painted_colour(window, highlight_id).name()
    assert colours[tagged] == PALETTE[0]
    assert QColor(colours[untagged]).hsvSaturation() < 40  # a grey, unlike the first theme's yellow


def test_a_heading_jumped_to_has_a_line_of_context_above_it(
    window: MainWindow, qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    book = tmp_path / "book.md"
    paragraphs = "\n\n".join(f"Paragraph {i} of the first chapter." for i in range(80))
    book.write_text(f"# One\n\n{paragraphs}\n\n# Two\n\n{paragraphs}\n", encoding="utf-8")
    window.open_document(service.add_document(import_file(book)).value[0].id)
    heading = window.controller.document.structure.headings[1]  # type: ignore[union-attr]
    qtbot.keyClick(window.reader, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    window.outline.setCurrentIndex(window.outline.model().index(1, 0))
    qtbot.keyClick(window.outline, Qt.Key.Key_Return)
    top = window.reader.first_visible_position()
    assert top < heading.start  # the end of chapter one shows above the heading
    assert _text(window)[top : heading.start].strip().startswith("Paragraph 79")
    assert window.reader.caret_position() == heading.start


def test_a_lone_highlight_in_a_long_text_is_a_visible_mark_on_the_theme_map(
    window: MainWindow, qtbot: QtBot, service: LibraryService
) -> None:
    long_text = "\n\n".join(f"Paragraph {i}, with some words in it." for i in range(20_000))
    document = service.add_document(ImportedText.of(long_text, title="Long")).value[0]
    window.open_document(document.id)
    start = long_text.index("Paragraph 10000,")
    made = window.controller.create_highlight(start, start + 9, tags=["power"])
    window.refresh_themes()
    window.navigation.update_theme_map()

    def marked() -> list[int]:
        image = window.theme_map.grab().toImage()
        middle = window.theme_map.width() // 2
        return [y for y in range(image.height()) if image.pixelColor(middle, y).saturation() > 0]

    assert len(marked()) >= 3
    window.reader.scroll_to_position(start)  # the frame moves; the marks stay
    assert len(marked()) >= 3
    window.controller.delete_highlight(made.id)
    window.navigation.update_theme_map()
    assert marked() == []  # the marks are drawn afresh when the highlights change


def test_open_theme_branches_are_remembered_between_starts(
    window: MainWindow, qtbot: QtBot, make_window: WindowFactory, service: LibraryService
) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "power/soviets")
    window.refresh_themes()
    power = next(t.id for t in service.tags() if t.path == "power")
    window.themes_panel.expand([power])
    window.close()
    again = make_window(service)
    assert again.themes_panel.expanded_ids() == [power]


def test_the_paragraph_margin_shows_the_numbers_citations_use(
    window: MainWindow, qtbot: QtBot, service: LibraryService, tmp_path: Path, make_window: WindowFactory
) -> None:
    book = tmp_path / "book.md"
    book.write_text("# One\n\nFirst of one.\n\nSecond of one.\n\n# Two\n\nFirst of two.\n\nSecond of two.\n")
    document = service.add_document(import_file(book)).value[0]
    window.open_document(document.id)
    assert not window.reader.paragraph_margin.isVisible()
    qtbot.keyClick(window.reader, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.reader.paragraph_margin.isVisible() and window.numbers_action.isChecked()
    text = _text(window)
    blocks = window.reader.document()

    def shown(words: str) -> int | None:
        return window.reader.paragraph_margin.number_at(blocks.findBlock(text.index(words)).position())

    assert [shown(w) for w in ("One", "First of one", "Second of one", "Two", "Second of two")] == [None, 1, 2, None, 2]
    start = text.index("Second of two")
    window.controller.create_highlight(start, start + 6)
    [exported] = service.export_set(document_ids=[document.id]).documents
    assert exported.locations[0].cite() == "Two, ¶ 2"  # the number beside it
    window.close()
    assert make_window(service).reader.paragraph_margin.isVisible()  # remembered


def test_the_status_bar_says_where_the_reader_is_and_ctrl_g_goes_there(
    window: MainWindow, qtbot: QtBot, service: LibraryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_text = "\n\n".join(f"Paragraph {i}, with some words in it." for i in range(3000))
    window.open_document(service.add_document(ImportedText.of(long_text, title="Long")).value[0].id)
    label = window.view_actions.position_label
    assert label.text() == "0%"
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("50%", True))
    qtbot.keyClick(window.reader, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    top = window.reader.first_visible_position()
    assert abs(top - len(long_text) // 2) < 200
    assert label.text() == f"{round(100 * top / (len(long_text) - 1))}%"
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("p. 7", True))
    window.view_actions.go_to()
    assert "There is no “p. 7” to go to" in window.statusBar().currentMessage()


def test_focus_mode_hides_the_panels_and_one_key_brings_the_same_layout_back(window: MainWindow, qtbot: QtBot) -> None:
    before = window.splitter.sizes()
    qtbot.keyClick(window.reader, Qt.Key.Key_F9)
    assert not window.left.isVisible() and not window.panel.isVisible() and window.reader.hasFocus()
    assert window.focus_action.isChecked()
    qtbot.keyClick(window.reader, Qt.Key.Key_F9)
    assert window.left.isVisible() and window.panel.isVisible()
    assert window.splitter.sizes() == before
    qtbot.keyClick(window.reader, Qt.Key.Key_F11)
    assert window.isFullScreen() and window.full_screen_action.isChecked()
    qtbot.keyClick(window.reader, Qt.Key.Key_F11)
    assert not window.isFullScreen()


def test_page_themes_colour_the_page_keep_highlights_readable_and_are_remembered(
    window: MainWindow, qtbot: QtBot, service: LibraryService, make_window: WindowFactory
) -> None:
    chosen = highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "power")
    shown: dict[str, str] = {}
    for action in window.page_actions[:3]:  # light, sepia, dark from the View menu
        action.trigger()
        name = str(action.data())
        palette = window.reader.palette()
        page, text = palette.color(palette.ColorRole.Base).name(), palette.color(palette.ColorRole.Text).name()
        assert (page, text) == PAGE_THEMES[name] and action.isChecked()
        window.reader.move_caret(window.controller.highlight(chosen).start)  # type: ignore[union-attr]
        painted = painted_colour(window, chosen)
        seen = composite(parse_hex(page), [parse_hex(painted.name())], painted.alpha())
        assert contrast(seen, parse_hex(text)) >= MIN_CONTRAST
        shown[name] = painted.name()
    assert len(set(shown.values())) >= 2  # the dark page paints a darker variant
    qtbot.keyClick(window.reader, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.page_actions[3].isChecked()  # dark -> as the system
    qtbot.keyClick(window.reader, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.page_actions[0].isChecked()  # -> light
    window.page_actions[1].trigger()
    window.close()
    again = make_window(service)
    assert again.reader.palette().color(again.reader.palette().ColorRole.Base).name() == PAGE_THEMES["sepia"][0]


def test_the_statistics_spread_has_even_stretches_and_whole_labels(window: MainWindow, qtbot: QtBot) -> None:
    highlight_quote(qtbot, window, "the eight-hour day")
    tag_current(qtbot, window, "power")
    dialog = window.themes.show_statistics()
    assert dialog is not None
    labels = [s.label for s in dialog.stats.sections]
    assert labels[-2:] != ["89–99%", "99–100%"] and labels[-1].endswith("–100%")
    shares = [int(label.split("–")[1].rstrip("%")) - int(label.split("–")[0]) for label in labels]
    assert min(shares) >= 5 and max(shares) <= 15  # about a tenth each, cut at paragraphs where near: no 1% sliver
    dialog.resize(dialog.minimumSizeHint())
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.spread.shown_labels() == labels  # none cut short
    dialog.close()


def test_font_and_page_width_are_applied_keep_the_place_and_are_remembered(
    window: MainWindow,
    qtbot: QtBot,
    service: LibraryService,
    make_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window.resize(1400, 900)
    caret = _text(window).index("the eight-hour day")
    window.reader.move_caret(caret)
    serif = QFontInfo(window.reader.font()).family()
    [sans] = [a for a in window.typeface_actions if a.data() == "sans"]
    sans.trigger()
    assert QFontInfo(window.reader.font()).family() != serif and "Sans" in QFontInfo(window.reader.font()).family()
    assert window.reader.caret_position() == caret and sans.isChecked()
    column = {}
    for action in window.measure_actions:
        action.trigger()
        column[action.data()] = window.reader.viewport().width()
    assert column["narrow"] < column["medium"] < column["wide"]
    monkeypatch.setattr(QFontDialog, "getFont", lambda *_a, **_k: (True, QFont("DejaVu Serif")))
    window.view_actions.choose_font()
    assert QFontInfo(window.reader.font()).family() == "DejaVu Serif"
    assert not any(a.isChecked() for a in window.typeface_actions)  # neither serif nor sans: a font by name
    window.close()
    again = make_window(service)
    assert QFontInfo(again.reader.font()).family() == "DejaVu Serif"
    assert [a.data() for a in again.measure_actions if a.isChecked()] == ["wide"]


def _line_pitch(window: MainWindow, position: int) -> int:
    """Pixels from one wrapped line of a paragraph to the next, at `position`."""
    reader = window.reader
    cursor = reader.textCursor()
    cursor.setPosition(reader.utf16.to_utf16(position))
    top = reader.cursorRect(cursor).top()
    cursor.movePosition(cursor.MoveOperation.Down)
    return reader.cursorRect(cursor).top() - top


def _choose(actions: list[QAction], name: str) -> None:
    [action] = [a for a in actions if a.data() == name]
    action.trigger()


def test_line_and_paragraph_spacing_space_the_text_keep_clicks_right_and_are_remembered(
    window: MainWindow, qtbot: QtBot, service: LibraryService, make_window: WindowFactory
) -> None:
    window.resize(1000, 800)
    text = _text(window)
    inside = text.index("In many provincial areas")  # a paragraph of several wrapped lines
    highlight = highlight_quote(qtbot, window, "the eight-hour day")
    pitches = {}
    for name in ("single", "relaxed", "double"):
        _choose(window.spacing_actions, name)
        pitches[name] = _line_pitch(window, inside)
    assert pitches["single"] < pitches["relaxed"] < pitches["double"]
    assert abs(pitches["double"] - 2 * pitches["single"]) <= 2
    # The caret, a click and the painted highlight follow the spaced lines.
    reader = window.reader
    start = text.index("the eight-hour day")
    cursor = reader.textCursor()
    cursor.setPosition(reader.utf16.to_utf16(start + 4))
    spot = reader.cursorRect(cursor).center()
    assert reader.utf16.to_codepoint(reader.cursorForPosition(spot).position()) == start + 4
    qtbot.mouseClick(reader.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    current = window.panel.current()
    assert current is not None and current.id == highlight
    assert painted_colour(window, highlight).alpha() > 0
    # Paragraph spacing changes the blank line between paragraphs, not the lines within.
    blank = text.index("\n\nIn many provincial areas") + 1
    gaps = {}
    for name in ("compact", "wide"):
        _choose(window.spacing_actions, name)
        gaps[name] = _line_pitch(window, blank)
        assert _line_pitch(window, inside) == pitches["double"]
    assert gaps["compact"] < gaps["wide"]
    assert {a.data() for a in window.spacing_actions if a.isChecked()} == {"double", "wide"}
    window.close()
    again = make_window(service)
    assert {a.data() for a in again.spacing_actions if a.isChecked()} == {"double", "wide"}
    assert _line_pitch(again, inside) == pitches["double"]


def test_reopen_with_encoding_previews_the_candidates_and_keeps_the_highlights(
    window: MainWindow, qtbot: QtBot, service: LibraryService, tmp_path: Path
) -> None:
    # Read as Windows-1252 this is "Æu … Øi": Danish letters, as plausible as Esperanto.
    text = "Ĉu vi parolas Esperanton? Ĝi estas facila.\n\nLa dua paragrafo, kun pli da vortoj."
    source = tmp_path / "esperanto.txt"
    source.write_bytes(text.encode("iso8859-3"))
    window.open_document(service.import_path(source).value[0].id)
    assert "Øi estas" in _text(window)  # guessed as Windows-1252
    kept = highlight_quote(qtbot, window, "La dua paragrafo")
    dialog = window.editions.reopen_with_encoding()
    assert dialog is not None and dialog.chosen() == "cp1252"
    # By row, holding no QListWidgetItem: it is not a QObject, so once the dialog deletes
    # itself a kept wrapper goes stale, and PySide handed it back for a new object at the
    # same address (a QHeaderView of the review dialog).
    offered = [dialog.list.item(row).text() for row in range(dialog.list.count())]
    dialog.list.setCurrentRow(offered.index("iso8859-3"))
    assert dialog.preview.toPlainText().startswith("Ĉu vi parolas")  # live, before anything changes
    dialog.accept()
    qtbot.waitUntil(lambda: _text(window) == text, timeout=10_000)
    [highlight] = window.controller.highlights()
    assert highlight.id == kept and highlight.exact == "La dua paragrafo"
    assert [v.number for v in service.versions(window.controller.document.id)] == [1, 2]  # type: ignore[union-attr]
