"""The codebook in the window: themes panel, Ctrl+T, number keys, filters, map, statistics."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QLineEdit
from pytestqt.qtbot import QtBot

from app.domain.colours import MIN_CONTRAST, composite, contrast, parse_hex
from app.domain.export import ExportFormat, ExportOrder
from app.domain.highlight_filter import Combine, ThemeFilter
from app.services import LibraryService
from app.ui.themes.dialogs import PassagesDialog
from app.ui.themes.palette import ThemePalette
from app.ui.themes.panel import MIME, ThemeTreeModel
from app.ui.window.main_window import MainWindow
from tests.gui.accessibility import unnamed_controls
from tests.gui.test_desk import painted_colour, select_with_keys

KEY = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def _tagged(window: MainWindow, service: LibraryService, quote: str, *paths: str) -> int:
    document = window.controller.document
    assert document is not None
    start = document.text.index(quote)
    highlight = window.controller.create_highlight(start, start + len(quote), tags=paths)
    return highlight.id


def _setup(window: MainWindow, service: LibraryService) -> dict[str, int]:
    ids = {
        "soviets": _tagged(window, service, "Soviets of Workers", "power/soviets", "class/workers"),
        "peasants": _tagged(window, service, "peasants", "class/peasants"),
        "war": _tagged(window, service, "opportunist", "war"),
        "bare": _tagged(window, service, "Resolution"),
    }
    window.refresh_themes()
    return ids


def _tag(window: MainWindow, path: str) -> int:
    return next(t.tag.id for t in window.themes_panel.model.themes() if t.tag.path == path)


def _choose(window: MainWindow, path: str) -> None:
    window.themes_panel.select(_tag(window, path))
    window.themes_panel.view.setFocus()


def _paths(service: LibraryService, highlight_id: int) -> list[str]:
    return [t.path for t in service.highlight(highlight_id).tags]


def _undo(qtbot: QtBot, window: MainWindow) -> None:
    window.reader.setFocus()
    qtbot.keyClick(window.reader, KEY.Key_Z, CTRL)


def test_theme_tree_model_passes_the_model_tester(
    qtmodeltester: object, window: MainWindow, service: LibraryService
) -> None:
    _setup(window, service)
    model = window.themes_panel.model
    assert model.rowCount() == 3  # class, power, war
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    empty = ThemeTreeModel()
    qtmodeltester.check(empty)  # type: ignore[attr-defined]


def test_panel_shows_counts_with_and_without_sub_themes(window: MainWindow, service: LibraryService) -> None:
    _setup(window, service)
    model = window.themes_panel.model
    row = model.index_of(_tag(window, "class"))
    assert [model.data(row.siblingAtColumn(c)) for c in range(3)] == ["class", "0", "2"]
    assert window.themes_panel.header.text() == "Themes (6)"
    assert unnamed_controls(window.themes_panel) == []


def test_f2_renames_and_the_export_and_panel_follow_then_undo(
    qtbot: QtBot, window: MainWindow, service: LibraryService
) -> None:
    ids = _setup(window, service)
    _choose(window, "power/soviets")
    view = window.themes_panel.view
    qtbot.keyClick(view, KEY.Key_F2)
    assert view.state() == view.State.EditingState
    editor = view.findChild(QLineEdit)
    assert editor is not None and editor.text() == "soviets"
    editor.selectAll()
    qtbot.keyClicks(editor, "councils")
    qtbot.keyClick(editor, KEY.Key_Return)  # the delegate commits on the next event loop turn
    qtbot.waitUntil(lambda: _paths(service, ids["soviets"]) == ["power/councils", "class/workers"])
    assert window.undo_action.text() == "&Undo Rename power/soviets to councils"
    assert (
        window.panel.model.highlight_at(window.panel.model.row_of(ids["soviets"]) or 0).tags[0].path == "power/councils"
    )
    export = service.render_export(
        service.export_set(document_ids=None, themes=(), include_notes=True, order=ExportOrder.THEME),
        ExportFormat.MARKDOWN,
    )
    assert "#power/councils" in export
    _undo(qtbot, window)
    assert _paths(service, ids["soviets"])[0] == "power/soviets"
    assert window.themes_panel.model.index_of(_tag(window, "power/soviets")).isValid()


def test_merge_from_the_menu_is_one_undo_step(
    qtbot: QtBot, window: MainWindow, service: LibraryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _setup(window, service)
    before = {h: _paths(service, h) for h in ids.values()}
    _choose(window, "class/peasants")
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: ("class/workers", True))
    window.themes.merge()
    assert _paths(service, ids["peasants"]) == ["class/workers"]
    assert (
        window.panel.model.highlight_at(window.panel.model.row_of(ids["peasants"]) or 0).tags[0].path == "class/workers"
    )
    assert "class/peasants" not in {t.tag.path for t in window.themes_panel.model.themes()}
    _undo(qtbot, window)
    assert {h: _paths(service, h) for h in ids.values()} == before
    qtbot.keyClick(window.reader, KEY.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert _paths(service, ids["peasants"]) == ["class/workers"]


def test_dropping_a_theme_on_another_moves_it(qtbot: QtBot, window: MainWindow, service: LibraryService) -> None:
    ids = _setup(window, service)
    model = window.themes_panel.model
    data = QMimeData()
    data.setData(MIME, str(_tag(window, "war")).encode())
    target = model.index_of(_tag(window, "power"))
    assert not model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, target)  # nothing to remove at the source
    assert _paths(service, ids["war"]) == ["power/war"]
    model = window.themes_panel.model
    model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, QModelIndex())  # onto the empty area: top level
    assert _paths(service, ids["war"]) == ["war"]
    _undo(qtbot, window)
    assert _paths(service, ids["war"]) == ["power/war"]


def test_delete_key_on_a_theme_keeps_the_other_themes_and_undo_restores(
    qtbot: QtBot, window: MainWindow, service: LibraryService
) -> None:
    ids = _setup(window, service)
    _choose(window, "class")
    qtbot.keyClick(window.themes_panel.view, KEY.Key_Delete)
    assert _paths(service, ids["soviets"]) == ["power/soviets"]
    assert service.highlight(ids["peasants"]).tags == ()
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    _undo(qtbot, window)
    assert _paths(service, ids["soviets"]) == ["power/soviets", "class/workers"]


def test_recolour_repaints_the_text_in_a_readable_variant(
    window: MainWindow, service: LibraryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _setup(window, service)
    _choose(window, "war")
    monkeypatch.setattr(QColorDialog, "getColor", lambda *_a, **_k: QColor("#000080"))
    window.themes.recolour()
    window.select_highlight(service.highlight(ids["war"]))
    window.reader.centerCursor()
    assert service.highlight(ids["war"]).tags[0].colour == "#000080"
    painted = painted_colour(window, ids["war"])
    page = window.reader.palette().color(window.reader.palette().ColorRole.Base).name()
    text = window.reader.palette().color(window.reader.palette().ColorRole.Text).name()
    shown = composite(parse_hex(page), [parse_hex(painted.name())], painted.alpha())
    assert contrast(shown, parse_hex(text)) >= MIN_CONTRAST
    assert painted.name() != "#000080"  # navy would hide the words; a lighter blue is painted


def _palette_on(qtbot: QtBot, window: MainWindow, quote: str) -> ThemePalette:
    """Select `quote` with the keyboard and open the theme palette with Ctrl+T."""
    text = window.controller.document.text  # type: ignore[union-attr]
    start = text.index(quote)
    select_with_keys(qtbot, window, start, start + len(quote))
    qtbot.keyClick(window.reader, KEY.Key_T, CTRL)
    return next(w for w in window.findChildren(ThemePalette) if w.isVisible())


def test_ctrl_t_highlights_the_selection_and_tags_it_in_one_step(
    qtbot: QtBot, window: MainWindow, service: LibraryService
) -> None:
    _setup(window, service)
    palette = _palette_on(qtbot, window, "all power")
    qtbot.keyClicks(palette.field, "sov")
    assert palette.matches() == ["power/soviets", "sov"]  # the match first; creating "sov" last
    qtbot.keyClick(palette.field, KEY.Key_Return)
    current = window.panel.current()
    assert current is not None and current.exact == "all power"
    assert [t.path for t in current.tags] == ["power/soviets"]
    count = len(service.highlights(1))
    _undo(qtbot, window)
    assert len(service.highlights(1)) == count - 1  # one step took away highlight and theme


def test_undoing_ctrl_t_with_a_new_theme_takes_the_new_theme_away_too(
    qtbot: QtBot, window: MainWindow, service: LibraryService
) -> None:
    _setup(window, service)
    themes_before = [(t.id, t.path) for t in service.tags()]
    palette = _palette_on(qtbot, window, "all power")
    qtbot.keyClicks(palette.field, "state/dual power")
    qtbot.keyClick(palette.field, KEY.Key_Return)
    made = window.panel.current()
    assert made is not None and [t.path for t in made.tags] == ["state/dual power"]
    themes_with = [(t.id, t.path) for t in service.tags()]
    assert {p for _, p in themes_with} - {p for _, p in themes_before} == {"state", "state/dual power"}
    assert "state/dual power" in {t.tag.path for t in window.themes_panel.model.themes()}

    _undo(qtbot, window)
    assert made.id not in {h.id for h in service.highlights(1)}
    assert [(t.id, t.path) for t in service.tags()] == themes_before  # nothing left behind in the codebook
    assert "state" not in {t.tag.path for t in window.themes_panel.model.themes()}

    qtbot.keyClick(window.reader, KEY.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert [(t.id, t.path) for t in service.tags()] == themes_with  # the same ids come back
    assert [t.path for t in service.highlight(made.id).tags] == ["state/dual power"]
    assert "state/dual power" in {t.tag.path for t in window.themes_panel.model.themes()}


def test_number_keys_apply_pinned_then_recent_themes(
    qtbot: QtBot, window: MainWindow, service: LibraryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _setup(window, service)
    _choose(window, "class/peasants")
    monkeypatch.setattr(QInputDialog, "getInt", lambda *_a, **_k: (5, True))
    window.themes.pin()
    assert "[5]" in window.themes_panel.model.data(window.themes_panel.model.index_of(_tag(window, "class/peasants")))
    window.select_highlight(service.highlight(ids["bare"]))
    window.reader.setFocus()
    qtbot.keyClick(window.reader, KEY.Key_5)
    assert _paths(service, ids["bare"]) == ["class/peasants"]
    qtbot.keyClick(window.reader, KEY.Key_1)  # the most recently used theme besides the pinned one
    assert len(_paths(service, ids["bare"])) == 2
    qtbot.keyClick(window.reader, KEY.Key_9)
    assert "No theme on key 9" in window.statusBar().currentMessage()


def test_panel_filters_by_theme_words_and_untagged(qtbot: QtBot, window: MainWindow, service: LibraryService) -> None:
    ids = _setup(window, service)
    panel = window.panel

    def shown() -> set[int]:
        return {panel.model.highlight_at(r).id for r in range(panel.model.rowCount())}

    panel.set_filter(ThemeFilter(themes=(_tag(window, "class"),)))
    assert shown() == {ids["soviets"], ids["peasants"]}
    assert "filtered" in panel.header.text()
    panel.set_filter(ThemeFilter(themes=(_tag(window, "class"), _tag(window, "power")), combine=Combine.ALL))
    assert shown() == {ids["soviets"]}
    panel.set_filter(ThemeFilter(untagged=True))
    assert shown() == {ids["bare"]}
    panel.set_filter(ThemeFilter())
    qtbot.keyClicks(panel.filter_field, "PEASANTS")
    assert shown() == {ids["peasants"]}
    panel.filter_field.clear()
    _choose(window, "war")
    window.themes.filter_by_current()
    assert shown() == {ids["war"]}
    qtbot.waitUntil(lambda: window.theme_map.shown() == 1)  # the map follows a moment after a change
    assert window.theme_map._highlights == [service.highlight(ids["war"])]


def test_changes_made_while_filtered_are_all_there_when_the_filter_is_cleared(
    qtbot: QtBot, window: MainWindow, service: LibraryService
) -> None:
    ids = _setup(window, service)
    panel = window.panel

    def shown() -> list[int]:
        return [panel.model.highlight_at(r).id for r in range(panel.model.rowCount())]

    panel.set_filter(ThemeFilter(themes=(_tag(window, "class"),)))
    assert sorted(shown()) == sorted([ids["soviets"], ids["peasants"]])
    window.controller.delete_highlight(ids["war"])  # not shown: goes all the same
    window.controller.set_note(ids["peasants"], "land to the tillers")
    text = window.controller.document.text  # type: ignore[union-attr]
    start = text.index("militia")
    added = window.controller.create_highlight(start, start + len("militia"))
    assert added.id in shown()  # a new highlight never vanishes from under the user

    panel.list.setFocus()
    panel.list.setCurrentIndex(panel.model.index(0, 0))
    qtbot.keyClick(panel.list, KEY.Key_Down)  # the filtered list is driven by the keyboard too
    assert window.reader.caret_position() == panel.current().start  # type: ignore[union-attr]

    panel.set_filter(ThemeFilter())
    assert sorted(shown()) == sorted([ids["soviets"], ids["peasants"], ids["bare"], added.id])
    assert shown() == [h.id for h in window.controller.highlights()]  # text order
    assert service.highlight(ids["peasants"]).note == panel.model.highlight_at(shown().index(ids["peasants"])).note


def test_theme_map_draws_theme_colours_where_highlights_are_and_click_jumps(
    qtbot: QtBot, window: MainWindow, service: LibraryService
) -> None:
    ids = _setup(window, service)
    strip = window.theme_map
    qtbot.waitUntil(lambda: strip.shown() == len(ids))  # the map follows a moment after a change
    text = window.controller.document.text  # type: ignore[union-attr]
    war = service.highlight(ids["war"])
    y = int(war.start * strip.height() / len(text))
    assert war.tags[0].colour in strip.colours_at(y)
    soviets = service.highlight(ids["soviets"])
    y2 = int(soviets.start * strip.height() / len(text))
    assert set(strip.colours_at(y2)) >= {t.colour for t in soviets.tags}
    with qtbot.waitSignal(strip.position_requested) as jumped:
        qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(5, strip.height() - 2))
    assert jumped.args[0] > len(text) * 0.9
    assert window.reader.caret_position() == jumped.args[0]
    assert window.reader.first_visible_position() > 0


def test_theme_view_lists_passages_and_opens_one(qtbot: QtBot, window: MainWindow, service: LibraryService) -> None:
    ids = _setup(window, service)
    _choose(window, "class")
    qtbot.keyClick(window.themes_panel.view, KEY.Key_Return)
    dialog = window.themes.dialogs[-1]
    assert isinstance(dialog, PassagesDialog)
    assert dialog.windowTitle() == "#class: 2 passages"
    top = dialog.tree.topLevelItem(0)
    assert top is not None and top.childCount() == 2
    assert unnamed_controls(dialog) == []
    window.select_highlight(service.highlight(ids["war"]))
    item = top.child(1)
    assert item is not None
    dialog.tree.itemActivated.emit(item, 0)
    current = window.panel.current()
    assert current is not None and current.id == ids["peasants"]
    dialog.close()


def test_statistics_charts_and_table(window: MainWindow, service: LibraryService) -> None:
    _setup(window, service)
    dialog = window.themes.show_statistics()
    assert dialog is not None
    assert [p for p, _c, _n in dialog.bars.rows] == ["class/peasants", "class/workers", "power/soviets", "war"]
    assert dialog.matrix.count("class/workers", "power/soviets") == 1
    dialog.pairs.setCurrentIndex(1)
    assert dialog.matrix.pairs is dialog.stats.same_paragraph
    assert "class/workers\tpower/soviets\t1\t1\n" in dialog.table()
    assert "class/workers: 1" in dialog.bars.accessibleDescription()
    dialog.grab()  # paints every chart without error
    dialog.close()


def test_split_moves_the_ticked_highlights(window: MainWindow, service: LibraryService) -> None:
    ids = _setup(window, service)
    other = _tagged(window, service, "Soldiers", "class/peasants")
    _choose(window, "class/peasants")
    dialog = window.themes.split()
    assert dialog is not None and dialog.list.count() == 2
    dialog.list.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.path.setText("class/soldiers")
    dialog.buttons.accepted.emit()
    moved = {h: _paths(service, h) for h in (ids["peasants"], other)}
    assert sorted(moved.values()) == [["class/peasants"], ["class/soldiers"]]


def test_codebook_export_and_import_and_a_bad_file(window: MainWindow, service: LibraryService, tmp_path: Path) -> None:
    _setup(window, service)
    target = tmp_path / "codebook.csv"
    assert window.themes.export_codebook_to(target)
    assert target.read_text().startswith("theme,colour,description,highlights\n")
    bad = tmp_path / "bad.md"
    bad.write_text("## power//x\n")
    before = service.backup_json()["themes"]
    assert not window.themes.import_codebook_from(bad)
    assert window.last_message is not None and "bad.md" in window.last_message.text()
    window.last_message.close()
    assert service.backup_json()["themes"] == before
    good = tmp_path / "more.md"
    good.write_text("## ideas/revolution\n\nColour: `#ff00aa`\n\nRapid change.\n")
    assert window.themes.import_codebook_from(good)
    assert "ideas/revolution" in {t.tag.path for t in window.themes_panel.model.themes()}


def test_a_dark_page_paints_dark_variants_with_light_text_readable(window: MainWindow, service: LibraryService) -> None:
    ids = _setup(window, service)
    window.select_highlight(service.highlight(ids["war"]))
    light = painted_colour(window, ids["war"])
    dark_palette = window.reader.palette()
    dark_palette.setColor(dark_palette.ColorRole.Base, QColor("#1e1e1e"))
    dark_palette.setColor(dark_palette.ColorRole.Text, QColor("#eeeeee"))
    window.reader.setPalette(dark_palette)
    dark = painted_colour(window, ids["war"])
    assert dark.lightness() < light.lightness()
    shown = composite(parse_hex("#1e1e1e"), [parse_hex(dark.name())], dark.alpha())
    assert contrast(shown, parse_hex("#eeeeee")) >= MIN_CONTRAST
