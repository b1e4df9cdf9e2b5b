"""Private notes: a highlight's note kept for its author alone, on both back ends.

What PostgreSQL itself refuses other members (their own roles, with direct SQL) is in
tests/db/test_group.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app.domain.search import parse
from app.domain.values import Highlight
from app.importers import ImportedText
from app.services import LibraryService, open_service
from app.services.copying import copy_between
from tests.db.conftest import outside

NOTE = "compare the Kronstadt sailors' resolution"


@pytest.fixture
def marked(service: LibraryService) -> int:
    """A highlight on a short text, with no note yet."""
    doc = service.add_document(ImportedText.of("All power to the Soviets of workers.", title="Decree")).value[0]
    return service.create_highlight(doc.id, 4, 9).value.id


def test_a_private_note_is_read_back_and_kept_out_of_the_highlight_s_own_row(
    service: LibraryService, marked: int
) -> None:
    done = service.set_note(marked, NOTE, private=True)
    assert (done.value.note, done.value.private) == (NOTE, True)
    assert done.label == "Make note private"
    [again] = service.highlights(done.value.document_id)
    assert (again.note, again.private) == (NOTE, True)
    # Typing on keeps it private without being asked again.
    assert service.set_note(marked, NOTE + " too").value.private
    with outside(service) as conn:
        assert conn.execute(text("SELECT note FROM highlights WHERE id = :id"), {"id": marked}).scalar_one() == ""
    shared = service.set_note(marked, "for everyone", private=False)
    assert (shared.value.note, shared.value.private, shared.label) == ("for everyone", False, "Share note")
    with outside(service) as conn:
        assert conn.execute(text("SELECT count(*) FROM private_notes")).scalar_one() == 0


def test_making_a_note_private_is_one_step_to_undo(service: LibraryService, marked: int) -> None:
    service.set_note(marked, NOTE)
    service.set_note(marked, NOTE, private=True)
    undone = service.operations.undo()
    assert undone.label == "Make note private"
    assert [(h.note, h.private) for h in _all(service)] == [(NOTE, False)]
    service.operations.redo()
    assert [(h.note, h.private) for h in _all(service)] == [(NOTE, True)]


def test_a_deleted_highlight_comes_back_with_its_private_note(service: LibraryService, marked: int) -> None:
    service.set_note(marked, NOTE, private=True)
    service.delete_highlight(marked)
    assert _all(service) == []
    service.operations.undo()
    assert [(h.id, h.note, h.private) for h in _all(service)] == [(marked, NOTE, True)]


def test_private_notes_are_never_searched(service: LibraryService, marked: int) -> None:
    service.set_note(marked, "Kronstadt")
    assert service.search(parse("Kronstadt")).hits
    service.set_note(marked, "Kronstadt", private=True)
    assert not service.search(parse("Kronstadt")).hits


def test_a_copy_keeps_private_notes_private(service: LibraryService, marked: int, tmp_path: Path) -> None:
    service.set_note(marked, NOTE, private=True)
    service.close()
    copy = tmp_path / "copy.sqlite"
    copy_between(str(service.path) if service.path is not None else service.address, str(copy))
    home = open_service(copy)
    try:
        assert [(h.note, h.private) for h in _all(home)] == [(NOTE, True)]
    finally:
        home.close()


def _all(service: LibraryService) -> list[Highlight]:
    return [h for doc in service.list_documents() for h in service.highlights(doc.id)]
