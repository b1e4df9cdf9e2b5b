"""Arbitrary input gives a clear error or a valid result, never a crash or a changed library."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.domain.text import normalise
from app.importers import ImportedText, TextImportError, import_file
from app.services import LibraryService, open_service
from app.services.backup import RestoreError

T = TypeVar("T")
E = TypeVar("E", bound=Exception)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=st.one_of(st.binary(max_size=2000), st.text(max_size=500).map(lambda t: t.encode("utf-16"))))
def test_any_bytes_import_as_normalised_text_or_give_a_reason(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    outcome = _attempt(lambda: import_file(path), TextImportError)
    if isinstance(outcome, TextImportError):
        assert "fuzz.txt" in str(outcome) and outcome.reason
        return
    imported = outcome
    assert imported.text == normalise(imported.text)
    assert imported.text.strip() and "\x00" not in imported.text
    assert imported.title


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


def _mutations(backup: dict[str, Any]) -> st.SearchStrategy[object]:
    """Backups with one part replaced by arbitrary JSON, plus arbitrary JSON."""
    keys = list(backup)
    highlights: list[dict[str, Any]] = backup["highlights"]
    return st.one_of(
        _JSON,
        st.builds(lambda k, v: {**backup, k: v}, st.sampled_from(keys), _JSON),
        st.builds(
            lambda i, k, v: {
                **backup,
                "highlights": [{**h, k: v} if n == i else h for n, h in enumerate(highlights)],
            },
            st.integers(0, 1),
            st.sampled_from(["id", "start", "end", "exact", "themes", "version", "created_at"]),
            _JSON,
        ),
    )


@SETTINGS
@given(st.data())
def test_any_json_restores_whole_or_not_at_all(
    service: LibraryService, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    if not service.list_documents():
        doc = service.add_document(ImportedText.of("One two three four five six.", title="Fuzz")).value[0]
        service.create_highlight(doc.id, 0, 3, tags=["a/b"])
        service.create_highlight(doc.id, 4, 7, note="n")
    backup = json.loads(json.dumps(service.backup_json()))
    candidate = data.draw(_mutations(backup))
    target_dir = tmp_path_factory.mktemp("target")
    target = open_service(target_dir / "library.sqlite")
    outcome = _attempt(lambda: target.restore_json(candidate).value, RestoreError)
    if isinstance(outcome, RestoreError):
        assert str(outcome)
        assert target.list_documents() == [] and target.tags() == []
    else:
        assert outcome[0] == len(target.list_documents())
    target.close()


def test_a_backup_with_duplicate_ids_is_refused(service: LibraryService, tmp_path: Path) -> None:
    doc = service.add_document(ImportedText.of("One two three four.", title="Dup")).value[0]
    service.create_highlight(doc.id, 0, 3)
    service.create_highlight(doc.id, 4, 7)
    backup = service.backup_json()
    backup["highlights"][1]["id"] = backup["highlights"][0]["id"]
    target = open_service(tmp_path / "target.sqlite")
    outcome = _attempt(lambda: target.restore_json(backup).value, RestoreError)
    assert isinstance(outcome, RestoreError) and "at $.highlights[1].id: a second highlight" in str(outcome)
    assert target.list_documents() == []
    target.close()


def _attempt(action: Callable[[], T], expected: type[E]) -> T | E:
    """Run `action`; return its result, or the expected exception (any other propagates)."""
    try:
        return action()
    except expected as exc:
        return exc


_ANNOTATION = st.fixed_dictionaries(
    {"target": _JSON | st.just([{"selector": [{"type": "TextQuoteSelector", "exact": "power"}]}])},
    optional={"text": _JSON, "tags": _JSON, "body": _JSON, "document": _JSON, "created": _JSON, "uri": _JSON},
)


Cell = int | float | str | bytes | None


def _device_database(rows: list[tuple[Cell, Cell, Cell]]) -> bytes:
    """A Kobo-like database holding these (text, annotation, colour) rows, of any types."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "KoboReader.sqlite"
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE Bookmark (VolumeID, Text, Annotation, DateCreated, Color)")
        con.executemany("INSERT INTO Bookmark VALUES ('v', ?, ?, '2024', ?)", rows)
        con.commit()
        con.close()
        return path.read_bytes()


_CELL = (
    st.none()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats()
    | st.text(max_size=20)
    | st.binary(max_size=10)
    | st.just("power")
)
_TOOL_EXPORTS = st.one_of(
    st.fixed_dictionaries({"type": st.just("calibre_annotation_collection"), "annotations": _JSON}),
    st.lists(
        st.fixed_dictionaries(
            {"highlighted_text": _JSON | st.just("power")}, optional={"style": _JSON, "notes": _JSON}
        ),
        max_size=3,
    ),
    st.lists(
        st.fixed_dictionaries(
            {"data": st.fixed_dictionaries({"itemType": st.just("annotation"), "annotationType": _JSON})},
        ),
        max_size=3,
    ),
)


@SETTINGS
@given(
    content=st.one_of(
        st.lists(st.tuples(_CELL, _CELL, _CELL), max_size=4).map(_device_database),
        _TOOL_EXPORTS.map(json.dumps).map(str.encode),
    )
)
def test_any_device_database_or_tool_export_is_placed_or_refused(
    service: LibraryService, tmp_path: Path, content: bytes
) -> None:
    _placed_or_refused(service, tmp_path, content)


@SETTINGS
@given(
    content=st.one_of(
        st.binary(max_size=1000),
        st.lists(st.one_of(_JSON, _ANNOTATION), max_size=4).map(json.dumps).map(str.encode),
        st.lists(
            st.sampled_from(
                ["==========", "Title (Author)", "- Your Highlight at location 1-2 | Added", "", "power", "\ufeff"]
            ),
            max_size=12,
        )
        .map("\r\n".join)
        .map(str.encode),
        st.lists(
            st.sampled_from(
                [
                    "return {",
                    '["annotations"] = {',
                    "{",
                    '["text"] = "power",',
                    '["drawer"] = "x",',
                    "}",
                    "},",
                    "nil",
                    ",",
                ]
            ),
            max_size=14,
        )
        .map("\n".join)
        .map(str.encode),
        st.lists(
            st.sampled_from(["Highlight,Book Title,Tags,Color", '"power",Title,".h1, a",yellow', ",,,", '"', "power"]),
            max_size=6,
        )
        .map("\n".join)
        .map(str.encode),
    )
)
@example(content=b'[{"target":[{"selector":[{"type":"TextQuoteSelector","exact":"p"}]}],"tags":true}]')
def test_any_file_of_highlights_is_placed_or_refused_with_a_reason(
    service: LibraryService, tmp_path: Path, content: bytes
) -> None:
    _placed_or_refused(service, tmp_path, content)


def _placed_or_refused(service: LibraryService, tmp_path: Path, content: bytes) -> None:
    """Import `content` as highlights: it is placed and counted whole, or refused naming the file, changing nothing."""
    if not service.list_documents():
        service.add_document(ImportedText.of("All power to the Soviets!", title="Title", author="Author"))
    path = tmp_path / "fuzz-highlights.json"
    path.write_bytes(content)
    before = service.operations.stamp()
    outcome = _attempt(lambda: service.import_highlights(path, document_id=1), TextImportError)
    if isinstance(outcome, TextImportError):
        assert "fuzz-highlights.json" in str(outcome) and outcome.reason
        assert service.operations.stamp() == before
        return
    for book in outcome.value.books:
        assert book.found == book.exact + book.reworded + book.already + len(book.not_placed)
