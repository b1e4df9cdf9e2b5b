"""Search across the library: the query language case by case, accents, CJK, and an index that stays exact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.domain.search import Hit, parse
from app.importers import ImportedText
from app.services import LibraryService, open_service
from app.services.search import NotebookOrder
from tests.db.test_library_file import _upgrade

DECREE = (
    "Decree on Land\n\n"
    "All power to the Soviets of workers, soldiers and peasants.\n\n"
    "The land is the property of the whole people; private ownership is abolished.\n\n"
    "Bread and peace for the hungry.\n"
)
ECONOMIE = "L’économie soviétique et les soviets\n\nLa planification de l’économie nationale.\n"
CHINESE = "经济发展很快。\n\n人民代表大会决定土地归人民所有。\n"
JAPANESE = "日本の経済は成長した。\n"


def _add(service: LibraryService, text: str, title: str, author: str = "", fmt: str = "text") -> int:
    return service.add_document(ImportedText.of(text, title=title, author=author, format=fmt)).value[0].id


def _quote(service: LibraryService, doc: int, words: str, **kwargs: object) -> int:
    text = service.open_document(doc).text
    start = text.index(words)
    return service.create_highlight(doc, start, start + len(words), **kwargs).value.id  # type: ignore[arg-type]


@pytest.fixture
def library(service: LibraryService) -> LibraryService:
    decree = _add(service, DECREE, "Decree on Land", "Lenin", "pdf")
    _add(service, ECONOMIE, "Économie", "Preobrazhensky", "epub")
    _add(service, CHINESE, "土地法", "")
    _add(service, JAPANESE, "経済", "")
    _quote(service, decree, "All power to the Soviets", tags=["power/soviets"], note="the slogan of October")
    _quote(service, decree, "private ownership is abolished", tags=["agrarian/land"], note="a break with property")
    _quote(service, decree, "Bread and peace", note="")
    return service


def _find(service: LibraryService, query: str, limit: int = 50) -> list[Hit]:
    return list(service.search(parse(query), limit).hits)


def _texts(hits: list[Hit]) -> list[tuple[str, str]]:
    return [(h.title, h.kind) for h in hits]


def test_words_must_all_occur_and_the_snippet_marks_them(library: LibraryService) -> None:
    # A passage holds both; so does a highlight, across its note and its theme.
    notes = [h for h in _find(library, "land property") if h.kind == "note"]
    assert [h.snippet for h in notes] == ["a break with \x02property\x03"]
    hits = _find(library, "land property in:text")
    assert [(h.title, h.kind) for h in hits] == [("Decree on Land", "text")]
    assert "\x02land\x03" in hits[0].snippet and "\x02property\x03" in hits[0].snippet
    text = library.open_document(hits[0].document_id).text
    assert text[hits[0].start : hits[0].end] == "land"


def test_a_phrase_or_alternatives_exclusions_and_prefixes(library: LibraryService) -> None:
    assert {h.kind for h in _find(library, '"whole people"')} == {"text"}
    assert _find(library, '"people whole"') == []
    assert {h.title for h in _find(library, "hungry OR planification")} == {"Decree on Land", "Économie"}
    # OR joins the words beside it only: "bread (hungry OR planification)".
    assert {h.title for h in _find(library, "bread hungry OR planification")} == {"Decree on Land"}
    with_land = _find(library, "soviet")  # words are matched by their stems: "Soviets" too
    assert {h.title for h in with_land} == {"Decree on Land", "Économie"}
    assert {h.title for h in _find(library, "soviets -workers in:text")} == {"Économie"}
    assert {h.kind for h in _find(library, "soviets -workers")} == {"text", "quote"}
    assert {h.title for h in _find(library, "plani*")} == {"Économie"}
    assert _find(library, "plani") == []


def test_where_to_look(library: LibraryService) -> None:
    assert {h.kind for h in _find(library, "slogan")} == {"note"}
    assert _find(library, "slogan in:quotes") == []
    assert {h.kind for h in _find(library, "soviets in:quotes")} == {"quote"}
    assert {h.kind for h in _find(library, "power in:text")} == {"text"}
    assert {h.kind for h in _find(library, "power in:notes")} == set()
    assert {h.kind for h in _find(library, "october in:notes")} == {"note"}
    # Themes are found by their words too.
    assert {h.kind for h in _find(library, "agrarian in:quotes in:notes")} == set()
    assert [h.kind for h in _find(library, "agrarian")] == ["theme"]


def test_filters_by_theme_document_author_format_and_date(library: LibraryService) -> None:
    assert [h.snippet for h in _find(library, "theme:power")] == ["All power to the Soviets"]
    assert [h.snippet for h in _find(library, "theme:POWER/soviets")] == ["All power to the Soviets"]
    assert _find(library, "theme:power/other") == []
    assert [h.snippet for h in _find(library, "untagged")] == ["Bread and peace"]
    assert {h.kind for h in _find(library, "peace theme:agrarian")} == set()
    assert {h.title for h in _find(library, "soviets doc:econ")} == {"Économie"}
    assert {h.title for h in _find(library, "soviets author:lenin")} == {"Decree on Land"}
    assert {h.title for h in _find(library, "soviets format:epub")} == {"Économie"}
    assert {h.title for h in _find(library, "soviets added:>2000-01-01")} == {"Decree on Land", "Économie"}
    assert _find(library, "soviets added:<2000") == []
    results = library.search(parse("soviets added:2026-13-01"))
    assert results.problems and "not a date" in results.problems[0]


def test_case_and_accents_do_not_matter(library: LibraryService) -> None:
    for query in ("economie", "ÉCONOMIE", "sovietique", "l’economie"):
        assert {h.title for h in _find(library, query)} == {"Économie"}, query
    hit = _find(library, "economie nationale")[0]
    assert "\x02économie\x03 \x02nationale\x03" in hit.snippet


@pytest.mark.parametrize("found", ["经济", "土地", "人民", "人民代表大会", "経済", "地"])
def test_chinese_and_japanese_words_of_any_length(library: LibraryService, found: str) -> None:
    hits = _find(library, found)
    assert hits, found
    hit = hits[0]
    text = library.open_document(hit.document_id).text
    assert text[hit.start : hit.end] == found
    assert f"\x02{found}" in hit.snippet.replace("\x03\x02", "")  # shown without the index's spaces
    assert " " not in hit.snippet.replace("\x02", "").replace("\x03", "")


def test_counts_per_document_and_in_all(library: LibraryService) -> None:
    results = library.search(parse("the"), limit=1)
    assert len(results.hits) == 1
    decree = results.hits[0].document_id
    assert results.counts[decree] == 4  # three passages and one highlight (its quote and its note)
    assert results.total == sum(results.counts.values())


def test_the_index_follows_edits_deletions_undo_and_new_editions(library: LibraryService) -> None:
    decree = next(d.id for d in library.list_documents() if d.title == "Decree on Land")
    hid = _find(library, "october")[0].highlight_id
    assert hid is not None
    library.set_note(hid, "the Bolsheviks’ call")
    assert _find(library, "october") == []
    assert [h.kind for h in _find(library, "bolsheviks")] == ["note"]
    library.operations.undo()
    assert [h.kind for h in _find(library, "october")] == ["note"]

    library.shelf.delete(decree)
    assert _find(library, "hungry") == [] and _find(library, "october") == []
    library.operations.undo()
    assert {h.kind for h in _find(library, "hungry")} == {"text"}
    assert [h.highlight_id for h in _find(library, "october")] == [hid]

    soviets = next(t.id for t in library.tags() if t.path == "power")
    library.codebook.rename(soviets, "authority")
    assert [h.kind for h in _find(library, "authority")] == ["theme"]
    assert _find(library, "theme:authority/soviets")[0].highlight_id == hid

    plan = library.prepare_edition(decree, ImportedText.of(DECREE.replace("hungry", "starving"), title="Decree"))
    library.apply_edition(plan, plan.run())
    assert _find(library, "hungry in:text") == []
    assert [h.kind for h in _find(library, "starving")] == ["text"]
    library.operations.undo()
    assert [h.kind for h in _find(library, "hungry in:text")] == ["text"]
    assert _find(library, "starving") == []


def test_notebook_lists_every_highlight_filtered_and_sorted(library: LibraryService) -> None:
    every = library.notebook(parse(""))
    assert [h.exact for h in every] == ["Bread and peace", "private ownership is abolished", "All power to the Soviets"]
    by_theme = library.notebook(parse(""), NotebookOrder.THEME)
    assert [h.exact for h in by_theme][-1] == "Bread and peace"  # untagged last
    assert by_theme[0].tags[0].path == "agrarian/land"
    assert [h.exact for h in library.notebook(parse("theme:power"))] == ["All power to the Soviets"]
    assert [h.exact for h in library.notebook(parse("property"))] == ["private ownership is abolished"]
    assert [h.exact for h in library.notebook(parse("-property in:notes"))] == [
        "Bread and peace",
        "All power to the Soviets",
    ]


def test_citations_for_scripts(library: LibraryService) -> None:
    hits = library.search(parse("whole people"), cite=True).hits
    assert hits[0].citation == "¶ 3"


def test_a_library_from_the_previous_schema_gets_its_index(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _upgrade(path, "0006")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO documents (id, title, author, source, format, date, language, added_at, reading_position) "
            "VALUES (1, 'Decree', '', '', 'text', '', '', '2026-01-01 00:00:00', 0)"
        )
        db.execute(
            "INSERT INTO document_versions (id, document_id, number, text, sha256, structure, word_count, created_at) "
            "VALUES (1, 1, 1, ?, '', '', 0, '2026-01-01 00:00:00')",
            (DECREE,),
        )
        db.execute(
            "INSERT INTO highlights (id, document_id, version_id, made_on_version_id, start_offset, end_offset, exact,"
            " prefix, suffix, note, review_from, created_at, updated_at)"
            " VALUES (1, 1, 1, 1, 0, 6, 'Decree', '', '', 'a title', '', '2026-01-01', '2026-01-01')"
        )
    service = open_service(path)
    try:
        assert service.index_missing() == 2  # the document, and the highlights
        seen: list[tuple[int, int]] = []
        assert service.build_index(lambda done, total: seen.append((done, total))) == 1
        assert seen == [(1, 2), (2, 2)]
        assert service.index_missing() == 0
        assert {h.kind for h in _find(service, "hungry")} == {"text"}
        assert [h.kind for h in _find(service, "title")] == ["note"]
    finally:
        service.close()
