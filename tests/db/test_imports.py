"""Imported documents in the library: structure stored, citations, properties, deletion."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.export import ExportFormat
from app.domain.values import DocumentProperties
from app.importers import TextImportError
from app.services import LibraryService
from app.services.shelf import PropertiesError
from tests.formats import CHAPTER_TWO, PDF_TEXT, docx_file, epub_file, odt_file, pdf_file, zip_bomb
from tests.markdown_reader import blockquotes


def test_pdf_highlights_cite_chapter_and_page(service: LibraryService, tmp_path: Path) -> None:
    doc, added = service.import_path(pdf_file(tmp_path / "resolution.pdf")).value
    assert added
    assert (doc.title, doc.author, doc.format) == ("Resolution", "The Conference", "pdf")
    assert doc.word_count == len(service.open_document(doc.id).text.split())
    opened = service.open_document(doc.id)
    assert [h.title for h in opened.structure.headings] == ["Part 1", "Part 2"]
    start = opened.text.index("Page 2 says")
    h = service.create_highlight(doc.id, start, start + len("Page 2 says"), tags=["power"]).value
    markdown = service.render_export(service.export_set(document_ids=[doc.id]), ExportFormat.MARKDOWN)
    assert blockquotes(markdown) == ["Page 2 says"]
    assert "Part 2, p. 2, ¶ 1" in markdown  # the first paragraph under "Part 2"
    assert service.snippet(h.id).splitlines()[-1].startswith("— Resolution, Part 2, p. 2, ¶ 1")
    assert PDF_TEXT in opened.text


def test_citations_of_a_plain_text_keep_paragraph_and_line(service: LibraryService, tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("One\n\nTwo\nthree", encoding="utf-8")
    doc = service.import_path(path).value[0]
    service.create_highlight(doc.id, 9, 14)
    csv_text = service.render_export(service.export_set(document_ids=[doc.id]), ExportFormat.CSV)
    header, row = csv_text.splitlines()[:2]
    assert header.startswith("id,document,author,chapter,section,page,paragraph,start")
    assert row.startswith("1,One,,,,,2,9")


def test_structure_of_each_format_is_stored_and_reopened(service: LibraryService, tmp_path: Path) -> None:
    for path in (epub_file(tmp_path / "b.epub"), docx_file(tmp_path / "t.docx"), odt_file(tmp_path / "m.odt")):
        doc = service.import_path(path).value[0]
        opened = service.open_document(doc.id)
        assert opened.structure.headings, path
        for heading in opened.structure.headings:
            assert opened.text[heading.start :].startswith(heading.title)
    assert [d.format for d in service.list_documents()] == ["epub", "docx", "odt"]


def test_the_same_content_twice_is_recognised(service: LibraryService, tmp_path: Path) -> None:
    first, added = service.import_path(docx_file(tmp_path / "a.docx")).value
    again, added_again = service.import_path(docx_file(tmp_path / "copy.docx")).value
    assert added and not added_again
    assert again.id == first.id
    assert len(service.list_documents()) == 1


@pytest.mark.parametrize("kind", ["bomb", "truncated", "empty"])
def test_a_refused_file_leaves_the_library_byte_for_byte_unchanged(
    service: LibraryService, library_path: Path, tmp_path: Path, kind: str
) -> None:
    service.add_sample()
    before = {p.name: p.read_bytes() for p in library_path.parent.glob("library.sqlite*")}
    if kind == "bomb":
        path = zip_bomb(tmp_path / "bomb.epub")
    elif kind == "truncated":
        path = tmp_path / "cut.pdf"
        path.write_bytes(pdf_file(tmp_path / "whole.pdf").read_bytes()[:900])
    else:
        path = tmp_path / "empty.docx"
        path.touch()
    with pytest.raises(TextImportError, match=path.name):
        service.import_path(path)
    after = {p.name: p.read_bytes() for p in library_path.parent.glob("library.sqlite*")}
    assert after == before


def test_properties_are_edited_and_undone(service: LibraryService) -> None:
    doc = service.add_sample().value[0]
    new = DocumentProperties(title="  The  Resolution ", author="Lenin", date="1917-04-29", source="Pravda")
    stored = service.shelf.set_properties(doc.id, new).value
    assert stored.title == "The Resolution"
    [listed] = service.list_documents()
    assert (listed.title, listed.author, listed.date) == ("The Resolution", "Lenin", "1917-04-29")
    assert listed.source == "Pravda"
    with pytest.raises(PropertiesError, match="needs a title"):
        service.shelf.set_properties(doc.id, DocumentProperties(title=" ", author="", date="", source=""))
    assert service.shelf.properties(doc.id).title == "The Resolution"
    service.operations.undo()
    assert service.list_documents()[0].title == doc.title


def test_deleting_a_document_takes_its_highlights_and_undo_restores_everything(
    service: LibraryService, tmp_path: Path
) -> None:
    sample = service.add_sample().value[0]
    other = service.import_path(pdf_file(tmp_path / "r.pdf")).value[0]
    service.create_highlight(sample.id, 0, 5, tags=["power/soviets", "class"], note="kept")
    service.create_highlight(sample.id, 10, 20, tags=["class"])
    service.create_highlight(other.id, 0, 4, tags=["class"])
    whole = service.backup_json()

    deleted = service.shelf.delete(sample.id).value
    assert (deleted.title, deleted.highlight_count) == (sample.title, 2)
    assert [d.id for d in service.list_documents()] == [other.id]
    assert [t.path for t in service.tags()] == ["class", "power", "power/soviets"]  # themes stay

    service.operations.undo()
    restored = service.backup_json()
    assert {k: v for k, v in restored.items() if k != "exported"} == {k: v for k, v in whole.items() if k != "exported"}
    assert service.create_highlight(sample.id, 30, 35).value.id == 4  # ids are never reused


def test_epub_highlights_cite_their_chapter(service: LibraryService, tmp_path: Path) -> None:
    doc = service.import_path(epub_file(tmp_path / "theses.epub")).value[0]
    text = service.open_document(doc.id).text
    start = text.index(CHAPTER_TWO)
    service.create_highlight(doc.id, start, start + 9)
    markdown = service.render_export(service.export_set(document_ids=[doc.id]), ExportFormat.MARKDOWN)
    assert "— The Second Chapter, ¶ 1\n" in markdown  # the first paragraph of that chapter
