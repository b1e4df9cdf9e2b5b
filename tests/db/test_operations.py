"""Every change is one recorded operation: undo and redo after a restart, conflicts, history."""

from __future__ import annotations

import inspect
import time
import typing
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, insert, update
from sqlalchemy import text as sql

from app.domain.anchors import Quote
from app.domain.changes import Changes, Done
from app.domain.codebook import CodebookEntry
from app.domain.values import DocumentProperties
from app.importers import ImportedText
from app.services import LibraryService, open_service
from app.services import operations as operations_module
from app.services.bulk import highlight_row, write_highlights
from app.services.codebook import Codebook
from app.services.operations import UndoError
from app.services.shelf import Shelf
from db import journal
from db.models import Base
from tests.db.conftest import open_library_at, outside

TEXT = "All power to the Soviets.\n\nLand to the peasants.\n\nBread to the hungry.\n"
NEW = "A preface.\n\nAll power to the Soviets!\n\nLand to the peasants.\n\nBread for the hungry.\n"


def _tag(service: LibraryService, path: str) -> int:
    return next(t.id for t in service.tags() if t.path == path)


def _seed(service: LibraryService) -> None:
    """Two documents, themes, highlights with notes, and an orphan waiting on edition 1 of the first."""
    doc = service.add_document(ImportedText.of(TEXT, title="Theses", author="Lenin")).value[0]
    service.add_document(ImportedText.of("Peace, bread and land.", title="Slogans"))
    service.create_highlight(doc.id, 0, 9, tags=["power/soviets", "class"], note="the slogan")
    service.create_highlight(doc.id, TEXT.index("Land"), TEXT.index("Land") + 4, tags=["economy/land"])
    bread = TEXT.index("Bread")
    service.create_highlight(doc.id, bread, bread + len("Bread to the hungry"))  # reworded in NEW
    service.codebook.pin(_tag(service, "class"), 2)


def _edition(service: LibraryService, _folder: Path | None = None) -> Done[Any]:
    plan = service.prepare_edition(1, ImportedText.of(NEW, title="Theses"))
    return service.apply_edition(plan, plan.run())


# Every change a user can make, as (name, what it does). Each must be one operation.
CHANGES: dict[str, Callable[[LibraryService, Path], Done[Any]]] = {
    "add_document": lambda s, f: s.add_document(ImportedText.of("A third text.", title="Third")),
    "import_path": lambda s, f: s.import_path(_text_file(f)),
    "add_sample": lambda s, f: s.add_sample(),
    "create_highlight": lambda s, f: s.create_highlight(2, 0, 5, tags=["food/bread"], note="n"),
    "highlight_and_tag": lambda s, f: s.highlight_and_tag(2, 7, 12, "food/bread"),
    "delete_highlight": lambda s, f: s.delete_highlight(1),
    "set_note": lambda s, f: s.set_note(1, "a new note"),
    "tag_highlight": lambda s, f: s.tag_highlight(3, "war/hunger"),
    "untag_highlight": lambda s, f: s.untag_highlight(1, _tag(s, "class")),
    "apply_edition": _edition,
    "accept_placement": lambda s, f: s.accept_placement(3),
    "attach_highlight": lambda s, f: s.attach_highlight(3, 0, 3),
    "restore_json": lambda s, f: s.restore_json(_backup_of_another(f)),
    "shelf.set_properties": lambda s, f: s.shelf.set_properties(
        1, DocumentProperties("Theses II", "V. I. Lenin", "1917", "Pravda")
    ),
    "shelf.delete": lambda s, f: s.shelf.delete(1),
    "codebook.create": lambda s, f: s.codebook.create("ideas/revolution", colour="#ff0000", description="Change."),
    "codebook.rename": lambda s, f: s.codebook.rename(_tag(s, "power/soviets"), "councils"),
    "codebook.recolour": lambda s, f: s.codebook.recolour(_tag(s, "class"), "#123abc"),
    "codebook.describe": lambda s, f: s.codebook.describe(_tag(s, "class"), "Who works, who owns."),
    "codebook.move": lambda s, f: s.codebook.move(_tag(s, "economy/land"), _tag(s, "class")),
    "codebook.merge": lambda s, f: s.codebook.merge(_tag(s, "power"), _tag(s, "class")),
    "codebook.split": lambda s, f: s.codebook.split(_tag(s, "class"), [1], "class/workers"),
    "codebook.delete": lambda s, f: s.codebook.delete(_tag(s, "power")),
    "codebook.pin": lambda s, f: s.codebook.pin(_tag(s, "economy/land"), 2),
    "import_qda": lambda s, f: s.import_qda(_project_of_another(f)),
    "store_qda": lambda s, f: s.store_qda(s.read_qda(path := _project_of_another(f)), path),
    "import_highlights": lambda s, f: s.import_highlights(_clippings(f), document_id=1),
    "codebook.import_entries": lambda s, f: s.codebook.import_entries(
        [CodebookEntry("class", "#00ff00", "Classes."), CodebookEntry("new/theme", "", "")]
    ),
}
# Bookkeeping, not changes anyone undoes: where the reader is, what was opened last.
NOT_RECORDED = {"set_reading_position", "open_document"}


def _backup_of_another(folder: Path) -> dict[str, Any]:
    source = open_service(folder / "source.sqlite")
    _seed(source)
    backup = source.backup_json()
    source.close()
    return backup


def _project_of_another(folder: Path) -> Path:
    source = open_service(folder / "qda-source.sqlite")
    doc = source.add_document(ImportedText.of("Peace to the peoples.", title="Peace")).value[0]
    source.create_highlight(doc.id, 0, 5, tags=["war/peace"], note="the first word")
    path = folder / "project.qdpx"
    path.write_bytes(source.export_qdpx())
    source.close()
    return path


def _clippings(folder: Path) -> Path:
    path = folder / "My Clippings.txt"
    path.write_text(
        "Theses (Lenin)\n- Your Highlight at location 1-2 | Added\n\nLand to the peasants\n==========\n",
        encoding="utf-8",
    )
    return path


def _text_file(folder: Path) -> Path:
    path = folder / "imported.txt"
    path.write_text("A file brought in.\n", encoding="utf-8")
    return path


def _state(service: LibraryService) -> dict[str, Any]:
    data = service.backup_json()
    data.pop("exported")
    for document in data["documents"]:
        document.pop("reading_position", None)
    return data


def _log_rows(service: LibraryService) -> int:
    with outside(service) as conn:
        count: int = conn.execute(sql("SELECT count(*) FROM operations")).scalar_one()
    return count


def _news(service: LibraryService, *, own: bool = False) -> Changes:
    """What others changed, once the library has told this service of it.

    A file is looked at; a server's notice comes a moment after the other's commit, as it
    does to a window that asks every second. With `own`, the change was this person's
    own from elsewhere (no news to show, but what Ctrl+Z does has changed).
    """
    deadline = time.monotonic() + 5
    while True:
        before = service.operations.next_steps()
        news = service.operations.news()
        if news or (own and service.operations.next_steps() != before) or time.monotonic() > deadline:
            return news
        time.sleep(0.05)


def _changing_methods() -> set[str]:
    """Every public method of the services that returns a `Done`: the ones that change the library."""
    found = set()
    for prefix, cls in (("", LibraryService), ("shelf.", Shelf), ("codebook.", Codebook)):
        for name, method in inspect.getmembers(cls, inspect.isfunction):
            hints = typing.get_type_hints(method)
            if not name.startswith("_") and typing.get_origin(hints.get("return")) is Done:
                found.add(prefix + name)
    return found


def test_every_changing_method_is_listed_here() -> None:
    assert _changing_methods() == set(CHANGES)
    assert NOT_RECORDED.isdisjoint(_changing_methods())


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_each_change_writes_one_log_row_and_is_undone_and_redone_after_a_restart(
    name: str, address: Path | str, tmp_path: Path
) -> None:
    service = open_service(address)
    if name != "restore_json":  # that one needs an empty library
        _seed(service)
    if name == "accept_placement":
        _edition(service)  # its own operation: it placed "Bread to the hungry" approximately
        assert service.highlight(3).review_from
    before, rows = _state(service), _log_rows(service)
    done = CHANGES[name](service, tmp_path)
    after = _state(service)
    assert after != before, f"{name} changed nothing"
    assert _log_rows(service) == rows + 1
    assert done.label and done.changes
    service.close()

    again = open_service(address)  # a restart
    undone = again.operations.undo()
    assert undone.label == done.label
    assert _state(again) == before
    again.operations.redo()
    assert _state(again) == after
    again.close()


def test_a_change_that_is_refused_writes_no_log_row(service: LibraryService) -> None:
    _seed(service)
    rows = _log_rows(service)
    with pytest.raises(Exception, match="already"):
        service.codebook.create("class")
    assert _log_rows(service) == rows


def test_an_undo_is_refused_when_someone_else_changed_the_same_highlight_since(address: Path | str) -> None:
    ann = open_service(address)
    _seed(ann)
    ann.set_note(1, "Ann's reading")
    ben = LibraryService(open_library_at(address), author="ben")  # another person's window on it
    ben.set_note(1, "Ben's reading")
    state = _state(ann)
    with pytest.raises(
        UndoError, match=r"Cannot undo “Edit note”: the highlight “All power” was changed since by “Edit note” \(ben"
    ):
        ann.operations.undo()
    assert _state(ann) == state  # nothing was overwritten
    assert ann.highlight(1).note == "Ben's reading"
    ben.operations.undo()  # Ben takes his back; now Ann's undo stands on what she left
    ann.operations.undo()
    assert ann.highlight(1).note == "the slogan"
    ann.close()
    ben.close()


def test_an_undo_is_refused_when_the_row_was_changed_outside_the_history(service: LibraryService) -> None:
    _seed(service)
    service.set_note(1, "mine")
    with outside(service) as conn:
        conn.execute(sql("UPDATE highlights SET note = 'written by another tool' WHERE id = 1"))
    with pytest.raises(UndoError, match="was changed since"):
        service.operations.undo()
    assert service.highlight(1).note == "written by another tool"


def test_undo_back_to_a_change_takes_every_later_one_and_redo_brings_them_in_order(service: LibraryService) -> None:
    _seed(service)
    first = service.set_note(1, "one")
    service.tag_highlight(1, "war")
    service.delete_highlight(2)
    history = service.operations.history()
    target = next(op for op in history if op.label == first.label)
    done = service.operations.undo(down_to=target.id)
    assert [op.label for op in done.value] == ["Delete highlight “Land”", "Tag with war", "Edit note"]
    assert service.highlight(1).note == "the slogan" and [h.id for h in service.highlights(1)] == [1, 2, 3]
    assert [op.undone for op in service.operations.history()[:3]] == [True, True, True]
    assert service.operations.redo().label == "Edit note"
    assert service.operations.redo().label == "Tag with war"
    service.set_note(3, "a new change")  # ends what could be redone
    assert service.operations.next_redo() is None
    assert all(not op.undone for op in service.operations.history())


def test_what_ctrl_z_and_ctrl_shift_z_would_do_after_each_step_is_what_the_log_says(address: Path | str) -> None:
    here = open_service(address)
    _seed(here)
    here.set_note(1, "one")
    here.tag_highlight(2, "war")
    here.delete_highlight(3)
    for step in ("undo", "undo", "redo", "undo", "undo", "undo", "redo", "redo"):
        getattr(here.operations, step)()
        fresh = open_service(address)  # knows nothing but what the library holds
        assert here.operations.next_steps() == fresh.operations.next_steps(), step
        fresh.close()
    here.close()


def test_a_deleted_highlight_comes_back_with_its_id_themes_and_note(service: LibraryService) -> None:
    _seed(service)
    whole = service.highlight(1)
    service.delete_highlight(1)
    for n in range(5):
        service.set_note(3, f"later work {n}")  # merged: saves of one note are one step
        service.tag_highlight(2, f"later/{n}")
    [deletion] = [op for op in service.operations.history() if op.label.startswith("Delete highlight")]
    service.operations.undo(down_to=deletion.id)
    assert service.highlight(1) == whole


def test_saves_of_one_note_while_typing_are_one_step(service: LibraryService) -> None:
    _seed(service)
    for text in ("w", "wh", "who", "who holds power"):
        service.set_note(1, text)
    service.operations.undo()
    assert service.highlight(1).note == "the slogan"


def test_the_history_keeps_the_latest_operations(service: LibraryService, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(operations_module, "KEEP", 5)
    _seed(service)
    for n in range(12):
        service.tag_highlight(3, f"t{n}")
    assert 5 <= _log_rows(service) <= 6
    for _ in range(5):
        service.operations.undo()
    assert [t.path for t in service.highlight(3).tags] == [f"t{n}" for n in range(7)]
    with pytest.raises(UndoError, match="nothing to undo"):
        service.operations.undo()


def test_another_process_s_changes_are_news_and_one_s_own_are_not(address: Path | str) -> None:
    here = open_service(address)
    _seed(here)
    assert not here.operations.news()  # starts watching
    here.set_note(1, "mine")
    assert not here.operations.news()
    there = open_service(address)
    made = there.create_highlight(2, 0, 5).value
    there.codebook.rename(_tag(there, "class"), "classes")
    news = _news(here)
    assert made.id in news.highlights_added and 2 in news.counted
    assert _tag(here, "classes") in news.themes
    there.operations.undo()
    assert _tag(here, "class") in _news(here).themes
    assert not here.operations.news()
    here.close()
    there.close()


def test_what_ctrl_z_would_undo_follows_an_undo_made_by_another_process(address: Path | str) -> None:
    here = open_service(address)
    _seed(here)
    here.operations.news()  # starts watching
    here.set_note(1, "mine")
    undo, redo = here.operations.next_steps()
    assert undo is not None and undo.label == "Edit note" and redo is None
    there = open_service(address)  # the same person on the command line
    there.operations.undo()
    _news(here, own=True)
    undo, redo = here.operations.next_steps()
    assert redo is not None and redo.label == "Edit note"
    assert undo is not None and undo.label != "Edit note"
    here.close()
    there.close()


def test_a_deleted_document_with_many_highlights_comes_back_whole(service: LibraryService) -> None:
    # More rows than one read of the undo takes at a time (500), each with two themes.
    text = " ".join(f"word{i}" for i in range(3000))
    doc = service.add_document(ImportedText.of(text, title="Long")).value[0]
    for i in range(520):
        start = text.index(f"word{i} ")
        service.create_highlight(doc.id, start, start + len(f"word{i}"), tags=[f"t/{i % 7}", "all"])
    before = _state(service)
    service.shelf.delete(doc.id)
    assert service.list_documents() == []
    service.operations.undo()
    assert _state(service) == before
    service.operations.redo()
    assert service.list_documents() == []
    service.operations.undo()
    assert _state(service) == before


def test_the_journal_reads_every_key_column_of_the_rows_it_notes() -> None:
    # An entry's row holds only these fields: a key column left out would key rows as None.
    assert {name for table in journal.JOURNALED for name in journal.keys(table)} <= set(journal.FIELDS)


def test_rows_written_in_bulk_are_noted_as_the_trigger_notes_them_and_the_trigger_comes_back(
    service: LibraryService,
) -> None:
    _seed(service)
    quote = Quote("All power", "", " to the Soviets.")
    made = (datetime(2024, 5, 1, 10, 0), "ann")
    row = highlight_row(100, (1, 1, 0, 9), quote, "a note", "", made)
    link = {"highlight_id": 100, "tag_id": _tag(service, "class"), "position": 0}
    table = Base.metadata.tables["highlights"]
    with service.operations.sessions.begin() as s:
        conn = s.connection()
        journal.start(conn)
        conn.execute(insert(table), row)  # one row, noted by the trigger
        conn.execute(insert(Base.metadata.tables["highlight_tags"]), link)
        by_trigger = journal.read(conn)
        conn.execute(delete(table).where(table.c.id == 100))
        journal.start(conn)
        write_highlights(s, [row], [link])  # the same rows, noted at once
        in_bulk = journal.read(conn)
        journal.start(conn)
        conn.execute(update(table).where(table.c.id == 100).values(note="changed"))
        after = journal.read(conn)
        s.rollback()
    assert [(e.table, e.before, e.after, e.row) for e in in_bulk] == [
        (e.table, e.before, e.after, e.row) for e in by_trigger
    ]
    assert [e.table for e in in_bulk] == ["highlights", "highlight_tags"]
    assert [e.row["id"] for e in after] == [100]  # the trigger is back for what comes next
