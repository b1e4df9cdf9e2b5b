"""Highlights made in other tools (Kindle, Hypothesis, W3C annotations), placed on the library's texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain.export import ExportFormat
from app.importers import ImportedText
from app.importers.base import TextImportError
from app.importers.clippings import read_kindle
from app.services import LibraryService

THESES = (
    "The April Theses\n\n"
    "In our attitude towards the war not the slightest concession to revolutionary defencism is permissible.\n\n"
    "The specific feature of the present situation in Russia is that the country is passing from the first stage "
    "of the revolution to its second stage, which must place power in the hands of the proletariat.\n\n"
    "No support for the Provisional Government; the utter falsity of all its promises should be made clear.\n"
)
# Three languages, a byte-order mark before each entry, CR LF, a note before its highlight,
# a bookmark, an empty highlight, and a highlight extended on the device (two clippings).
CLIPPINGS = "\r\n".join(
    [
        "\ufeffThe April Theses (Lenin, V. I.)",
        "- Your Note on page 2 | Location 31 | Added on Monday, 3 April 1917 10:00:00",
        "",
        "the core of the argument",
        "==========",
        "\ufeffThe April Theses (Lenin, V. I.)",
        "- Your Highlight on page 2 | Location 28-31 | Added on Monday, 3 April 1917 10:01:00",
        "",
        "passing from the first stage of the revolution",
        "==========",
        "\ufeffThe April Theses (Lenin, V. I.)",
        "- Ihre Markierung auf Seite 2 | Position 28-33 | Hinzugefügt am Montag, 3. April 1917 10:02:00",
        "",
        "passing from the first stage of the revolution to its second stage",
        "==========",
        "\ufeffThe April Theses (Lenin, V. I.)",
        "- Votre signet sur la page 3 | emplacement 40 | Ajouté le lundi 3 avril 1917",
        "",
        "",
        "==========",
        "\ufeffThe April Theses (Lenin, V. I.)",
        "- 您在位置 #50-52的标注 | 添加于 1917年4月3日",
        "",
        "No support for the Provisional Government",
        "==========",
        "\ufeffThe April Theses (Lenin, V. I.)",
        "- Your Highlight at location 60-61 | Added on Monday, 3 April 1917 10:05:00",
        "",
        "",
        "==========",
        "A book not in the library (Someone)",
        "- Your Highlight at location 1-2 | Added on Monday, 3 April 1917 10:05:00",
        "",
        "words nobody has",
        "==========",
        "",
    ]
)


@pytest.fixture
def theses(service: LibraryService) -> int:
    return service.add_document(ImportedText.of(THESES, title="The April Theses", author="V. I. Lenin")).value[0].id


def test_kindle_clippings_in_any_language_with_notes_edits_and_bookmarks() -> None:
    books = read_kindle(CLIPPINGS)
    assert [(b.title, b.author) for b in books] == [
        ("The April Theses", "Lenin, V. I."),
        ("A book not in the library", "Someone"),
    ]
    quotes = [(h.quote, h.note) for h in books[0].highlights]
    assert quotes == [
        ("passing from the first stage of the revolution to its second stage", "the core of the argument"),
        ("No support for the Provisional Government", ""),
    ]


def test_kindle_highlights_are_placed_once_and_one_undo_takes_them_back(
    service: LibraryService, theses: int, tmp_path: Path
) -> None:
    path = tmp_path / "My Clippings.txt"
    path.write_bytes(CLIPPINGS.encode("utf-8"))
    dry = service.import_highlights(path, dry_run=True).value
    assert dry.stored == 0 and service.highlights(theses) == []
    [book, missing] = dry.books
    assert (book.document_id, book.exact, book.reworded, book.not_placed) == (theses, 2, 0, ())
    assert missing.document_id is None
    done = service.import_highlights(path)
    assert done.value.stored == 2
    stored = service.highlights(theses)
    assert [(h.exact, h.note) for h in stored] == [
        ("passing from the first stage of the revolution to its second stage", "the core of the argument"),
        ("No support for the Provisional Government", ""),
    ]
    again = service.import_highlights(path).value
    assert again.stored == 0 and again.books[0].already == 2  # nothing twice
    assert service.operations.undo().label == "Import highlights from My Clippings.txt"
    assert service.highlights(theses) == []


def test_hypothesis_annotations_with_tags_and_a_reworded_quote(
    service: LibraryService, theses: int, tmp_path: Path
) -> None:
    rows = [
        {
            "uri": "https://example.org/april-theses",
            "document": {"title": ["The April Theses"]},
            "text": "Lenin's first thesis",
            "tags": ["war", "defencism"],
            "created": "2024-05-01T10:00:00.000000+00:00",
            "target": [
                {
                    "source": "https://example.org/april-theses",
                    "selector": [
                        {"type": "TextPositionSelector", "start": 10, "end": 50},
                        {
                            "type": "TextQuoteSelector",
                            "exact": "not the slightest concession to revolutionary defencism",
                            "prefix": "towards the war ",
                            "suffix": " is permissible",
                        },
                    ],
                }
            ],
        },
        {
            "uri": "https://example.org/april-theses",
            "document": {"title": ["The April Theses"]},
            "text": "",
            "tags": [],
            "target": [
                {"selector": [{"type": "TextQuoteSelector", "exact": "the utter falsity of all of its promises"}]}
            ],
        },
        {"uri": "https://example.org/april-theses", "text": "a page note, no quote", "target": [{"source": "x"}]},
    ]
    path = tmp_path / "hypothesis.json"
    path.write_text(json.dumps({"total": 3, "rows": rows}), encoding="utf-8")
    result = service.import_highlights(path).value
    assert result.format == "hypothesis"
    [book] = result.books
    assert (book.found, book.exact, book.reworded) == (2, 1, 1)
    first, second = service.highlights(theses)
    assert [t.path for t in first.tags] == ["war", "defencism"] and first.note == "Lenin's first thesis"
    assert second.exact == "the utter falsity of all its promises"
    assert second.review_from == "the utter falsity of all of its promises"  # to review, as after an edition


def test_our_own_w3c_export_comes_back_onto_the_same_text(service: LibraryService, theses: int, tmp_path: Path) -> None:
    start = THESES.index("No support")
    service.create_highlight(theses, start, start + 10, tags=["government"], note="n")
    path = tmp_path / "annotations.jsonld"
    path.write_text(service.render_export(service.export_set(), ExportFormat.W3C), encoding="utf-8")
    service.operations.undo()
    assert service.highlights(theses) == []
    result = service.import_highlights(path, document_id=theses).value
    assert result.format == "w3c" and result.stored == 1
    [h] = service.highlights(theses)
    assert (h.start, h.end, h.note, [t.path for t in h.tags]) == (start, start + 10, "n", ["government"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some words", "not a file of highlights Marginalia knows"),
        (b"return { [1] = ", "not KOReader.s Lua data"),
        (b"SQLite format 3\x00" + bytes(100), "not a Kobo e-reader database"),
        (b"[{broken", "not well-formed JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[]", "no highlights"),
        (b'return os.execute("rm -rf ~")', "not KOReader.s Lua data"),
        (b"Highlight,Title\n", "no highlights"),  # Readwise's header, and no row
        (b"Highlight,Book Title,Note\n,The April Theses,a note without its highlight\n", "no highlights"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    service: LibraryService, theses: int, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    before = service.operations.history()
    with pytest.raises(TextImportError, match=message):
        service.import_highlights(path)
    assert service.operations.history() == before


def test_a_quote_found_nowhere_is_kept_as_an_orphan_once(service: LibraryService, theses: int, tmp_path: Path) -> None:
    path = tmp_path / "My Clippings.txt"
    clipping = [
        "The April Theses (Lenin, V. I.)",
        "- Your Highlight at location 90-92 | Added on Monday, 3 April 1917 10:05:00",
        "",
        "All power to the Soviets of Workers' Deputies",
        "==========",
        "",
    ]
    path.write_text("\r\n".join(clipping), encoding="utf-8")
    dry = service.import_highlights(path, dry_run=True).value
    assert dry.books[0].not_placed == ("All power to the Soviets of Workers' Deputies",)
    assert service.orphans(theses) == []  # a dry run keeps nothing
    done = service.import_highlights(path).value
    assert "1 not found in the text (orphans, to attach by hand)" in done.describe()
    [orphan] = service.orphans(theses)
    assert (orphan.exact, orphan.prefix) == (
        "All power to the Soviets of Workers' Deputies",
        "Your Highlight at location 90-92: ",
    )
    assert service.highlights(theses) == []  # never placed where it is not
    again = service.import_highlights(path).value
    assert (again.stored, again.books[0].already, len(service.orphans(theses))) == (0, 1, 1)


def test_a_file_too_large_is_refused_unread(service: LibraryService, tmp_path: Path) -> None:
    path = tmp_path / "My Clippings.txt"
    with path.open("wb") as file:
        file.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper
    with pytest.raises(TextImportError, match="larger than the 64 MB limit"):
        service.import_highlights(path)
