"""The library service against a real SQLite file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import event

from app.domain.tags import PALETTE, TagPathError
from app.importers import ImportedText
from app.resources import SAMPLE_AUTHOR, SAMPLE_TITLE
from app.services import LibraryService, StorageError, open_service
from app.services.library import NotFoundError

TEXT = "Alpha 😀 beta.\nGamma cafe\u0301 delta.\n\nEpsilon \u00a0zeta."


def _doc(service: LibraryService, text: str = TEXT, title: str = "T") -> int:
    summary, added = service.add_document(ImportedText.of(text, title=title)).value
    assert added
    return summary.id


def test_sample_is_the_1917_resolution(service: LibraryService) -> None:
    summary = service.add_sample().value[0]
    doc = service.open_document(summary.id)
    assert (doc.title, doc.author) == (SAMPLE_TITLE, SAMPLE_AUTHOR)
    assert "Resolution on the Soviets of Workers’ And Soldiers’ Deputies" in doc.text
    assert "V. I. \u00a0 Lenin" in doc.text  # the no-break space survives


def test_text_is_stored_normalised_with_its_hash(service: LibraryService) -> None:
    doc_id = _doc(service, "\ufeffone\r\ntwo cafe\u0301")
    doc = service.open_document(doc_id)
    assert doc.text == "one\ntwo caf\u00e9"
    import hashlib

    assert doc.sha256 == hashlib.sha256(doc.text.encode()).hexdigest()


def test_the_same_text_imported_twice_is_one_document(service: LibraryService, tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    first.write_text("Same words.\n")
    second = tmp_path / "b.txt"
    second.write_bytes(b"\xef\xbb\xbfSame words.\r\n")  # same text once normalised
    a, added_a = service.import_path(first).value
    b, added_b = service.import_path(second).value
    assert (added_a, added_b) == (True, False)
    assert a.id == b.id
    assert len(service.list_documents()) == 1


def test_highlight_stores_quote_and_context_in_code_points(service: LibraryService) -> None:
    doc_id = _doc(service)
    start = TEXT.index("😀")
    end = TEXT.index("delta") + len("delta")
    h = service.create_highlight(doc_id, start, end).value
    stored = service.open_document(doc_id).text
    assert h.exact == stored[start:end]
    assert h.exact.startswith("😀 beta.\nGamma café")
    assert h.prefix == stored[max(0, start - 32) : start]
    assert h.suffix == stored[end : end + 32]
    assert service.list_documents()[0].highlight_count == 1


def test_highlight_outside_the_text_is_refused_and_nothing_is_saved(service: LibraryService) -> None:
    doc_id = _doc(service)
    with pytest.raises(StorageError, match="not inside"):
        service.create_highlight(doc_id, 5, 5000)
    assert service.highlights(doc_id) == []


def test_tags_form_a_tree_and_take_colours(service: LibraryService) -> None:
    doc_id = _doc(service)
    h = service.create_highlight(doc_id, 0, 5).value
    first = service.tag_highlight(h.id, "power/soviets").value
    assert [t.path for t in first.created] == ["power", "power/soviets"]
    assert first.tag.parent_id == first.created[0].id
    assert first.tag.colour == first.created[0].colour == PALETTE[0]
    second = service.tag_highlight(h.id, "#class / peasantry").value
    assert second.tag.colour == PALETTE[1]
    assert [t.path for t in second.highlight.tags] == ["power/soviets", "class/peasantry"]
    assert second.highlight.colour == PALETTE[0]  # the first tag's colour
    again = service.tag_highlight(h.id, "power/soviets").value
    assert again.created == ()
    assert [t.path for t in again.highlight.tags] == ["power/soviets", "class/peasantry"]
    assert [t.path for t in service.tags()] == ["class", "class/peasantry", "power", "power/soviets"]


def test_bad_tag_path_changes_nothing(service: LibraryService) -> None:
    doc_id = _doc(service)
    h = service.create_highlight(doc_id, 0, 5).value
    with pytest.raises(TagPathError):
        service.tag_highlight(h.id, "power//")
    assert service.tags() == []


def test_undoing_a_tagging_takes_away_the_themes_it_made(service: LibraryService) -> None:
    doc_id = _doc(service)
    h1 = service.create_highlight(doc_id, 0, 5).value
    h2 = service.create_highlight(doc_id, 6, 8).value
    service.tag_highlight(h2.id, "power")
    service.tag_highlight(h1.id, "power/soviets")
    service.operations.undo()
    assert service.highlight(h1.id).tags == ()
    # "soviets" was made by the tagging and went; "power" was there before and stays.
    assert [t.path for t in service.tags()] == ["power"]


def test_delete_and_restore_brings_back_the_same_highlight(service: LibraryService) -> None:
    doc_id = _doc(service)
    h = service.create_highlight(doc_id, 0, 5).value
    service.tag_highlight(h.id, "a/b")
    service.tag_highlight(h.id, "c")
    h = service.set_note(h.id, "line one\nline two").value
    gone = service.delete_highlight(h.id).value
    assert gone == h
    assert service.highlights(doc_id) == []
    service.operations.undo()
    assert service.highlights(doc_id) == [h]


def test_new_ids_are_never_reused(service: LibraryService) -> None:
    doc_id = _doc(service)
    h = service.create_highlight(doc_id, 0, 5).value
    service.delete_highlight(h.id)
    assert service.create_highlight(doc_id, 0, 5).value.id == h.id + 1


def test_missing_rows_raise_not_found(service: LibraryService) -> None:
    with pytest.raises(NotFoundError, match="no highlight 99"):
        service.set_note(99, "x")
    with pytest.raises(NotFoundError, match="no document 5"):
        service.open_document(5)


def test_reading_state_survives_reopening(library_path: Path) -> None:
    service = open_service(library_path)
    first = _doc(service, "first text", "First")
    second = _doc(service, "second text", "Second")
    service.open_document(first)
    service.open_document(second)
    service.set_reading_position(second, 7)
    service.close()
    again = open_service(library_path)
    assert again.last_opened_document_id() == second
    assert again.open_document(second).reading_position == 7
    again.close()


def test_a_write_that_fails_midway_leaves_nothing_behind(service: LibraryService) -> None:
    doc_id = _doc(service)
    h = service.create_highlight(doc_id, 0, 5).value
    with pytest.raises(StorageError):
        # The highlight is made and its themes staged before the bad span is refused
        # inside the same transaction: none of it may remain, in the history neither.
        service.create_highlight(doc_id, 3, 2, tags=["power"])
    assert service.highlights(doc_id) == [h]
    assert service.tags() == []
    [last, *_] = service.operations.history()
    assert last.label.startswith("Highlight")


def test_a_highlight_is_cut_from_the_text_stored_after_a_change_that_was_rolled_back(
    service: LibraryService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text read inside a failed import is not kept: its edition id is given again."""
    _doc(service)
    other = open_service(tmp_path / "other.sqlite")
    other_doc = _doc(other, "Wrong words here, from a change that failed.", "Lost")
    other.create_highlight(other_doc, 0, 5)
    project = tmp_path / "lost.qdpx"
    project.write_bytes(other.export_qdpx())
    other.close()

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise StorageError("The disk is full.")

    with monkeypatch.context() as patched:
        patched.setattr("app.services.operations._index", full_disk)
        with pytest.raises(StorageError):
            service.import_qda(project)
    kept = _doc(service, "Right words here, in the edition that stayed.", "Kept")
    assert service.create_highlight(kept, 0, 5).value.exact == "Right"


def test_listing_the_library_file_reads_no_text(tmp_path: Path) -> None:
    """A text comes before its word count in an edition's row: the count is read from an index."""
    service = open_service(tmp_path / "library.sqlite")
    service.add_document(ImportedText.of("A second text, of some words. " * 2000, title="Long"))
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, sql: str, *_rest: object) -> None:
        statements.append(sql)

    engine = service.operations._engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        listed = service.list_documents()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert listed[-1].word_count == 12_000
    [listing] = [sql for sql in statements if "word_count" in sql]
    assert service.path is not None
    with closing(sqlite3.connect(service.path)) as con:
        plan = [row[-1] for row in con.execute(f"EXPLAIN QUERY PLAN {listing}", (0,) * listing.count("?"))]
    service.close()
    reads = [step for step in plan if "document_versions" in step]
    assert reads and all("COVERING INDEX" in step for step in reads), plan
