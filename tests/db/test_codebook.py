"""Codebook changes against a real library: merge, split, move, rename, undo, files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.codebook import CodebookFormat, codebook_csv, codebook_markdown, parse_codebook
from app.domain.export import ExportFormat, ExportOrder
from app.domain.tags import TagPathError
from app.importers import ImportedText
from app.services import LibraryService, open_service
from app.services.codebook import CodebookError

TEXT = "One soviet.\n\nTwo workers.\n\nThree peasants.\n\nFour land.\n\nFive war.\n"


def _library(service: LibraryService) -> tuple[int, dict[str, int]]:
    """A document with five highlights tagged in overlapping ways; return ids by word."""
    summary, _ = service.add_document(ImportedText.of(TEXT, title="T")).value
    ids = {}
    for word, themes in {
        "soviet": ["power/soviets", "class"],
        "workers": ["class/workers", "power/soviets"],
        "peasants": ["class/peasants"],
        "land": ["economy/land", "class/peasants", "power"],
        "war": [],
    }.items():
        start = TEXT.index(word)
        h = service.create_highlight(summary.id, start, start + len(word), tags=themes).value
        ids[word] = h.id
    return summary.id, ids


def _tag_id(service: LibraryService, path: str) -> int:
    return next(t.id for t in service.tags() if t.path == path)


def _themes_of(service: LibraryService, highlight_id: int) -> list[str]:
    return [t.path for t in service.highlight(highlight_id).tags]


def _state(service: LibraryService) -> dict[str, Any]:
    data = service.backup_json()
    data.pop("exported")
    return data


def test_merge_moves_every_highlight_once_and_undo_restores_everything(service: LibraryService) -> None:
    _, ids = _library(service)
    both = service.create_highlight(1, 0, 3, tags=["power/soviets", "economy/land", "class"]).value.id
    before = _state(service)
    source, target = _tag_id(service, "power/soviets"), _tag_id(service, "class")
    service.codebook.merge(source, target)
    paths = {t.path for t in service.tags()}
    assert "power/soviets" not in paths and "class" in paths
    assert _themes_of(service, ids["soviet"]) == ["class"]  # carried both: kept once
    assert _themes_of(service, both) == ["economy/land", "class"]  # the target keeps its own place
    assert _themes_of(service, ids["workers"]) == ["class/workers", "class"]  # soviets' place, now class
    for hid in ids.values():
        themes = _themes_of(service, hid)
        assert len(themes) == len(set(themes))
    counts = {c.tag.path: c.highlights for c in service.codebook.themes()}
    assert counts["class"] == 3
    service.operations.undo()
    assert _state(service) == before
    service.operations.redo()
    assert _themes_of(service, ids["soviet"]) == ["class"]


def test_merge_brings_sub_themes_and_merges_same_named_ones(service: LibraryService) -> None:
    _library(service)
    service.create_highlight(1, 0, 3, tags=["people/peasants", "people/clergy"])
    before = _state(service)
    service.codebook.merge(_tag_id(service, "people"), _tag_id(service, "class"))
    paths = {t.path for t in service.tags()}
    assert {"class/peasants", "class/clergy", "class/workers"} <= paths
    assert not any(p.startswith("people") for p in paths)
    counts = {c.tag.path: c.highlights for c in service.codebook.themes()}
    assert counts["class/peasants"] == 3  # two before, and the one from people/peasants
    service.operations.undo()
    assert _state(service) == before


def test_merge_into_own_sub_theme_is_refused(service: LibraryService) -> None:
    _library(service)
    before = _state(service)
    with pytest.raises(CodebookError, match="own sub-theme"):
        service.codebook.merge(_tag_id(service, "class"), _tag_id(service, "class/workers"))
    assert _state(service) == before


def test_rename_and_move_show_up_in_exports(service: LibraryService) -> None:
    doc_id, _ = _library(service)
    service.codebook.rename(_tag_id(service, "power/soviets"), "councils")
    service.codebook.move(_tag_id(service, "economy/land"), None)
    export = service.render_export(
        service.export_set(document_ids=[doc_id], themes=(), include_notes=True, order=ExportOrder.TEXT),
        ExportFormat.MARKDOWN,
    )
    assert "#power/councils" in export and "#land" in export
    assert "soviets" not in export.replace("One soviet", "") and "#economy/land" not in export


def test_rename_clash_and_bad_names_change_nothing(service: LibraryService) -> None:
    _library(service)
    before = _state(service)
    workers = _tag_id(service, "class/workers")
    with pytest.raises(CodebookError, match="class/peasants"):
        service.codebook.rename(workers, "peasants")
    with pytest.raises(CodebookError, match="/"):
        service.codebook.rename(workers, "a/b")
    with pytest.raises(TagPathError):
        service.codebook.rename(workers, "  ")
    with pytest.raises(CodebookError, match="under itself"):
        service.codebook.move(_tag_id(service, "class"), workers)
    assert _state(service) == before


def test_move_under_a_parent_with_the_same_name_asks_for_a_merge(service: LibraryService) -> None:
    _library(service)
    service.create_highlight(1, 0, 3, tags=["peasants"])
    with pytest.raises(CodebookError, match="merge"):
        service.codebook.move(_tag_id(service, "peasants"), _tag_id(service, "class"))


def test_split_moves_only_the_chosen_highlights(service: LibraryService) -> None:
    _, ids = _library(service)
    before = _state(service)
    peasants = _tag_id(service, "class/peasants")
    service.codebook.split(peasants, [ids["land"]], "class/peasants/landless")
    assert _themes_of(service, ids["land"]) == ["economy/land", "class/peasants/landless", "power"]
    assert _themes_of(service, ids["peasants"]) == ["class/peasants"]
    service.operations.undo()
    assert _state(service) == before


def test_delete_keeps_other_themes_and_undo_brings_the_subtree_back(service: LibraryService) -> None:
    _, ids = _library(service)
    before = _state(service)
    service.codebook.delete(_tag_id(service, "class"))
    assert not any(t.path.startswith("class") for t in service.tags())
    assert _themes_of(service, ids["soviet"]) == ["power/soviets"]
    assert _themes_of(service, ids["land"]) == ["economy/land", "power"]
    service.operations.undo()
    assert _state(service) == before


def test_recolour_describe_pin_and_create(service: LibraryService) -> None:
    _library(service)
    before = _state(service)
    power = _tag_id(service, "power")
    service.codebook.recolour(power, "#123ABC")
    service.codebook.describe(power, "  Who decides.  ")
    service.codebook.pin(power, 3)
    service.codebook.create("ideas/revolution", colour="#ff0000", description="Change.")
    tag = next(t for t in service.tags() if t.id == power)
    assert (tag.colour, tag.description, tag.pinned) == ("#123abc", "Who decides.", 3)
    assert service.codebook.number_keys()[3].id == power
    made = next(t for t in service.tags() if t.path == "ideas/revolution")
    assert (made.colour, made.description) == ("#ff0000", "Change.")
    service.codebook.pin(_tag_id(service, "class"), 3)  # takes the key from power
    assert next(t for t in service.tags() if t.id == power).pinned is None
    with pytest.raises(CodebookError, match="already"):
        service.codebook.create("ideas/revolution")
    for _change in range(5):
        service.operations.undo()
    assert _state(service) == before


def test_number_keys_fill_with_the_most_recently_used_themes(service: LibraryService) -> None:
    _, ids = _library(service)
    keys = service.codebook.number_keys()
    assert list(keys) == list(range(1, len(keys) + 1))
    assert keys[1].path == "economy/land"  # the land highlight was tagged last
    service.tag_highlight(ids["war"], "war")
    assert service.codebook.number_keys()[1].path == "war"


def test_counts_with_and_without_sub_themes(service: LibraryService) -> None:
    _library(service)
    counts = {c.tag.path: (c.highlights, c.with_subthemes) for c in service.codebook.themes()}
    assert counts["class"] == (1, 4)  # soviet itself; workers, peasants, land below
    assert counts["class/peasants"] == (2, 2)
    assert counts["power"] == (1, 3)


def test_theme_view_groups_passages_by_document(service: LibraryService) -> None:
    _, ids = _library(service)
    other, _ = service.add_document(ImportedText.of("Soviets again.", title="Another")).value
    service.create_highlight(other.id, 0, 7, tags=["power/soviets"])
    groups = service.codebook.passages(_tag_id(service, "power"))
    assert [(d.title, [h.exact for h in hs]) for d, hs in groups] == [
        ("Another", ["Soviets"]),
        ("T", ["soviet", "workers", "land"]),
    ]
    own = service.codebook.passages(_tag_id(service, "power"), subthemes=False)
    assert [[h.id for h in hs] for _, hs in own] == [[ids["land"]]]


@pytest.mark.parametrize("fmt", list(CodebookFormat))
def test_codebook_file_round_trip_into_another_library(
    service: LibraryService, fmt: CodebookFormat, tmp_path: Path
) -> None:
    _library(service)
    service.codebook.describe(_tag_id(service, "power"), "Who decides.\n## not a heading\n\nSecond paragraph.")
    service.codebook.recolour(_tag_id(service, "class/workers"), "#0a0b0c")
    themes = service.codebook.themes()
    text = codebook_csv(themes) if fmt is CodebookFormat.CSV else codebook_markdown(themes)
    entries = parse_codebook(text, fmt)
    other = open_service(tmp_path / "other.sqlite")
    try:
        other.codebook.import_entries(entries)
        got = {t.path: (t.colour, t.description) for t in other.tags()}
        assert got == {t.tag.path: (t.tag.colour, t.tag.description) for t in themes}
        other.operations.undo()
        assert other.tags() == []
    finally:
        other.close()


def test_codebook_counts_are_in_both_files(service: LibraryService) -> None:
    _library(service)
    themes = service.codebook.themes()
    assert "class/peasants,#" in codebook_csv(themes)
    assert ",2\n" in codebook_csv(themes)
    assert "Highlights: 1 (4 with sub-themes)" in codebook_markdown(themes)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 4), st.lists(st.integers(0, 5), max_size=3)), min_size=1, max_size=6))
def test_any_merge_then_undo_is_exact(service: LibraryService, plan: list[tuple[int, list[int]]]) -> None:
    paths = ["a", "a/b", "c", "c/b", "d/e/f", "g"]
    if not service.list_documents():
        service.add_document(ImportedText.of(TEXT, title="T"))
    for start, picks in plan:
        service.create_highlight(1, start, start + 2, tags=[paths[i] for i in picks])
    for source in ["a", "c/b", "d"]:
        for target in ["c", "g", "a/b"]:
            tags = {t.path: t.id for t in service.tags()}
            if source not in tags or target not in tags or target.startswith(source):
                continue
            before = _state(service)
            service.codebook.merge(tags[source], tags[target])
            for h in service.highlights(1):
                assert len({t.id for t in h.tags}) == len(h.tags)
            service.operations.undo()
            assert _state(service) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(0, 6), max_size=4), min_size=1, max_size=12))
def test_counts_match_a_count_of_every_highlight_under_each_theme(
    service: LibraryService, taggings: list[list[int]]
) -> None:
    paths = ["a", "a/b", "a/b/c", "a/d", "e", "e/f", "g"]
    if not service.list_documents():
        service.add_document(ImportedText.of(TEXT, title="T"))
    for n, picks in enumerate(taggings):
        service.create_highlight(1, n, n + 1, tags=[paths[i] for i in picks])
    carried = [{t.path for t in h.tags} for h in service.highlights(1)]
    for count in service.codebook.themes():
        path = count.tag.path
        assert count.highlights == sum(path in mine for mine in carried)
        under = sum(any(p == path or p.startswith(path + "/") for p in mine) for mine in carried)
        assert count.with_subthemes == under
