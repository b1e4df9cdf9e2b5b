"""Highlights from KOReader, Kobo, calibre, Readwise and Zotero, placed on the library's texts."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.importers import ImportedText
from app.services import LibraryService
from tests.db.test_foreign_highlights import THESES

FIRST = "not the slightest concession to revolutionary defencism"
SECOND = "No support for the Provisional Government"


@pytest.fixture
def theses(service: LibraryService) -> int:
    return service.add_document(ImportedText.of(THESES, title="The April Theses", author="V. I. Lenin")).value[0].id


def _marks(service: LibraryService, document_id: int) -> list[tuple[str, str, list[str]]]:
    return [(h.exact, h.note, [t.path for t in h.tags]) for h in service.highlights(document_id)]


KOREADER = f"""-- we can read Lua syntax here!
return {{
    ["annotations"] = {{
        [1] = {{
            ["chapter"] = "The April Theses",
            ["color"] = "yellow",
            ["datetime"] = "2024-05-01 10:00:00",
            ["drawer"] = "lighten",
            ["note"] = "the first thesis\\
on the war",
            ["pageno"] = 1,
            ["pos0"] = "/body/DocFragment[2]/body/p[2]/text().40",
            ["pos1"] = "/body/DocFragment[2]/body/p[2]/text().95",
            ["text"] = "{FIRST}",
        }},
        [2] = {{
            ["chapter"] = "The April Theses",
            ["datetime"] = "2024-05-01 10:05:00",
            ["page"] = "/body/DocFragment[2]/body/p[4]",
            ["pageno"] = 2,
            ["text"] = "in the page's bookmark: not a highlight",
        }},
        [3] = {{
            ["color"] = "blue",
            ["drawer"] = "underscore",
            ["pos0"] = "x", ["pos1"] = "y",
            ["text"] = "{SECOND}",
        }},
    }},
    ["doc_props"] = {{ ["authors"] = "V. I. Lenin", ["title"] = "The April Theses" }},
}}
"""

KOREADER_OLD = f"""return {{
    ["bookmarks"] = {{
        [1] = {{ ["highlighted"] = true, ["notes"] = "{FIRST}", ["pos0"] = "a",
                 ["text"] = "a note kept in the bookmark" }},
        [2] = {{ ["highlighted"] = true, ["notes"] = "{SECOND}", ["pos0"] = "b",
                 ["text"] = "Page 2 {SECOND} @ 2023-03-01 09:00:00" }},
    }},
    ["highlight"] = {{
        [1] = {{ [1] = {{ ["datetime"] = "2023-03-01 08:00:00", ["drawer"] = "lighten", ["pos0"] = "a", ["pos1"] = "a2",
                          ["text"] = "{FIRST}" }} }},
        [2] = {{ [1] = {{ ["datetime"] = "2023-03-01 09:00:00", ["drawer"] = "lighten", ["pos0"] = "b", ["pos1"] = "b2",
                          ["text"] = "{SECOND}" }} }},
    }},
    ["stats"] = {{ ["title"] = "The April Theses", ["authors"] = "V. I. Lenin" }},
}}
"""


def test_koreader_annotations_with_colours_notes_and_bookmarks(
    service: LibraryService, theses: int, tmp_path: Path
) -> None:
    path = tmp_path / "metadata.epub.lua"
    path.write_text(KOREADER, encoding="utf-8")
    result = service.import_highlights(path).value
    assert result.format == "koreader" and result.stored == 2
    assert result.books[0].colours == ("yellow", "blue")
    assert _marks(service, theses) == [
        (FIRST, "the first thesis\non the war", ["colour/yellow"]),
        (SECOND, "", ["colour/blue"]),
    ]
    assert service.highlights(theses)[0].created_at.isoformat() == "2024-05-01T10:00:00"


def test_koreader_older_sidecars_keep_notes_in_bookmarks(service: LibraryService, theses: int, tmp_path: Path) -> None:
    path = tmp_path / "metadata.pdf.lua"
    path.write_text(KOREADER_OLD, encoding="utf-8")
    assert service.import_highlights(path).value.stored == 2
    # The second bookmark's text is what KOReader wrote itself, not a note.
    assert _marks(service, theses) == [(FIRST, "a note kept in the bookmark", []), (SECOND, "", [])]


def _kobo(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE TABLE content (ContentID TEXT PRIMARY KEY, ContentType INTEGER, Title TEXT, Attribution TEXT);"
        "CREATE TABLE Bookmark (BookmarkID TEXT PRIMARY KEY, VolumeID TEXT, ContentID TEXT, Text TEXT, "
        "Annotation TEXT, DateCreated TEXT, Type TEXT, Color INTEGER, Hidden TEXT, ChapterProgress REAL);"
    )
    con.execute("INSERT INTO content VALUES ('file:///mnt/onboard/theses.epub', 6, 'The April Theses', 'V. I. Lenin')")
    rows = [
        ("1", FIRST, "Kobo note", "2024-06-01T09:00:00.000", "highlight", 1, "false", 0.25),
        ("2", None, None, "2024-06-01T09:01:00.000", "dogear", None, "false", 0.5),
        ("3", SECOND, None, "2024-06-01T09:02:00.000", "highlight", 0, "true", 0.9),
        ("4", SECOND, "", "2024-06-01T09:03:00.000", "note", 3, "false", 0.9),
    ]
    con.executemany(
        "INSERT INTO Bookmark VALUES (?, 'file:///mnt/onboard/theses.epub', 'x', ?, ?, ?, ?, ?, ?, ?)", rows
    )
    con.commit()
    con.close()


def test_kobo_highlights_and_notes_without_touching_the_device(
    service: LibraryService, theses: int, tmp_path: Path
) -> None:
    path = tmp_path / "KoboReader.sqlite"
    _kobo(path)
    before = path.read_bytes()
    result = service.import_highlights(path).value
    assert result.format == "kobo" and result.stored == 2  # the dog-ear and the hidden one are not highlights
    assert _marks(service, theses) == [(FIRST, "Kobo note", ["colour/pink"]), (SECOND, "", ["colour/green"])]
    assert path.read_bytes() == before


def test_calibre_annotations_go_where_the_reader_says(service: LibraryService, theses: int, tmp_path: Path) -> None:
    export = {
        "type": "calibre_annotation_collection",
        "version": 1,
        "annotations": [
            {
                "type": "highlight",
                "highlighted_text": FIRST,
                "notes": "calibre note",
                "style": {"kind": "color", "type": "builtin", "which": "purple"},
                "timestamp": "2024-02-01T12:00:00.000Z",
                "toc_family_titles": ["The April Theses", "I"],
                "uuid": "a",
            },
            {"type": "highlight", "highlighted_text": SECOND, "removed": True, "uuid": "b"},
            {"type": "bookmark", "title": "here", "uuid": "c"},
        ],
    }
    path = tmp_path / "annotations.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    dry = service.import_highlights(path, dry_run=True).value
    assert dry.books[0].document_id is None  # the export names no book
    assert "A book the file does not name: 1 highlight, no document" in dry.describe()
    assert service.import_highlights(path, document_id=theses).value.format == "calibre"
    assert _marks(service, theses) == [(FIRST, "calibre note", ["colour/purple"])]


READWISE = (
    "Highlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,Location,Highlighted at,"
    "Document tags\r\n"
    f'"not the slightest __concession__ to revolutionary defencism",The April Theses,V. I. Lenin,,'
    f'"a note, with a comma",yellow,".h1, war, defencism",location,120,2024-01-05 10:00:00+00:00,\r\n'
    f"{SECOND},The April Theses,V. I. Lenin,,,,,page,3,,\r\n"
)
READWISE_OLD = f'Highlight,Title,Author,URL,Note,Location,Date\n"{SECOND}",The April Theses,Lenin,,old note,12,\n'


def test_readwise_csv_current_and_older_columns(service: LibraryService, theses: int, tmp_path: Path) -> None:
    path = tmp_path / "readwise-data.csv"
    path.write_text(READWISE, encoding="utf-8")
    result = service.import_highlights(path, colours={}).value  # colours left out
    assert result.format == "readwise" and result.stored == 2
    assert _marks(service, theses) == [
        (FIRST, "a note, with a comma", ["war", "defencism"]),
        (SECOND, "", []),
    ]
    older = tmp_path / "older.csv"
    older.write_text(READWISE_OLD, encoding="utf-8")
    again = service.import_highlights(older).value
    # The same place: nothing twice, but the older export's note fills the empty one.
    assert (again.stored, again.books[0].already, again.books[0].updated) == (0, 1, 1)
    assert _marks(service, theses)[1] == (SECOND, "old note", [])


def test_zotero_annotations_with_tags_colours_and_pages(service: LibraryService, theses: int, tmp_path: Path) -> None:
    items = [
        {
            "key": "AAAA1111",
            "data": {
                "itemType": "annotation",
                "parentItem": "PDF00001",
                "annotationType": "highlight",
                "annotationText": FIRST,
                "annotationComment": "Zotero comment",
                "annotationColor": "#2ea8e5",
                "annotationPageLabel": "1",
                "tags": [{"tag": "war"}],
                "dateAdded": "2024-03-01T08:00:00Z",
            },
        },
        {"data": {"itemType": "annotation", "annotationType": "image", "parentItem": "PDF00001"}},
        {"data": {"itemType": "journalArticle", "title": "not an annotation"}},
    ]
    path = tmp_path / "zotero.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    result = service.import_highlights(path, document_id=theses, colours={"blue": "important"}).value
    assert result.format == "zotero" and result.stored == 1
    assert _marks(service, theses) == [(FIRST, "Zotero comment", ["war", "important"])]


def test_a_newer_export_adds_what_is_new_and_never_overwrites_a_note(
    service: LibraryService, theses: int, tmp_path: Path
) -> None:
    path = tmp_path / "metadata.epub.lua"
    path.write_text(KOREADER, encoding="utf-8")
    service.import_highlights(path)
    first, _second = service.highlights(theses)
    service.set_note(first.id, "my own words")
    newer = KOREADER.replace('["color"] = "blue",', '["color"] = "red", ["note"] = "added on the device",')
    path.write_text(newer.replace("the first thesis", "an edited note"), encoding="utf-8")
    result = service.import_highlights(path).value
    assert (result.stored, result.books[0].already, result.books[0].updated) == (0, 2, 1)
    assert _marks(service, theses) == [
        (FIRST, "my own words", ["colour/yellow"]),
        (SECOND, "added on the device", ["colour/blue", "colour/red"]),
    ]
    assert service.operations.undo().label == "Import highlights from metadata.epub.lua"
    assert _marks(service, theses)[1] == (SECOND, "", ["colour/blue"])


def test_the_same_highlight_twice_in_a_newer_export_is_updated_once(
    service: LibraryService, theses: int, tmp_path: Path
) -> None:
    path = tmp_path / "readwise.csv"
    path.write_text(f"Highlight,Book Title,Tags,Color\n{SECOND},The April Theses,,\n", encoding="utf-8")
    service.import_highlights(path)
    # Found by the fuzz tests: a row twice in the newer export gave the theme twice (a crash).
    row = f'{SECOND},The April Theses,"war, war ",yellow\n'
    path.write_text("Highlight,Book Title,Tags,Color,Note\n" + (row.rstrip("\n") + ",a note\n") * 2, encoding="utf-8")
    result = service.import_highlights(path).value
    assert (result.stored, result.books[0].already, result.books[0].updated) == (0, 2, 1)
    assert _marks(service, theses) == [(SECOND, "a note", ["war", "colour/yellow"])]
