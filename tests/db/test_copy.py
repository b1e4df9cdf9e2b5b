"""A whole library copied to a PostgreSQL server and back, and nothing lost: `python -m app copy`."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.importers import ImportedText
from app.resources import SAMPLE_TEXT
from app.services import LibraryService, open_service
from app.services.copying import copy_between
from app.services.group import add_member, init_group
from db import journal
from db.failures import LibraryError
from db.models import HighlightRow
from tests.test_cli import Cli

TEXT = "All power to the Soviets.\n\nLand to the peasants.\n\nBread to the hungry."
EDITION = "All power to the Soviets!\n\nPeace to the peoples.\n\nBread to the hungry."


def _rich_library(path: Path) -> LibraryService:
    """A library with every kind of row: editions, orphans of both kinds, a moved theme, history."""
    service = open_service(path)
    first = service.add_document(ImportedText.of(TEXT, title="Decree", author="Lenin")).value[0].id
    second = service.add_document(ImportedText.of("Peace, bread and land.", title="Slogan")).value[0].id
    service.codebook.create("land")  # a theme made before the one it is moved under
    service.codebook.create("demands")
    tags = {t.path: t.id for t in service.tags()}
    service.codebook.move(tags["land"], tags["demands"])
    service.create_highlight(first, 0, 24, tags=["power/soviets"], note="the slogan")
    gone = service.create_highlight(first, 26, 46, tags=["demands/land"]).value.id
    service.delete_highlight(gone)  # its id is never given again
    service.create_highlight(first, TEXT.index("Land"), TEXT.index("Land") + 4, tags=["demands/land"])
    plan = service.prepare_edition(first, ImportedText.of(EDITION, title="Decree"))
    service.apply_edition(plan, plan.run(lambda _done, _total: None))  # "Land" becomes an orphan
    clippings = path.parent / "highlights.json"
    clippings.write_text(
        json.dumps([{"target": [{"selector": [{"type": "TextQuoteSelector", "exact": "Not in the text"}]}]}]),
        encoding="utf-8",
    )
    service.import_highlights(clippings, document_id=second)  # an orphan on edition 0
    service.create_highlight(second, 0, 5, note="🕊 peace")
    newest = service.create_highlight(second, 7, 12).value.id
    service.delete_highlight(newest)  # the highest id ever given is no row's now
    return service


def _as(address: str, role: str) -> str:
    return make_url(address).set(username=role).render_as_string(hide_password=False)


def _state(service: LibraryService) -> tuple[dict[str, Any], list[tuple[str, bool]]]:
    backup = service.backup_json()
    backup.pop("exported", None)
    return backup, [(op.label, op.undone) for op in service.operations.history()]


def test_a_library_goes_to_postgresql_and_comes_back_whole(tmp_path: Path, shared_address: str) -> None:
    original = _rich_library(tmp_path / "mine.sqlite")
    copied = copy_between(str(original.path), shared_address)
    assert copied.rows["highlights"] == 4 and copied.rows["operations"] == len(original.operations.history())
    back = tmp_path / "home.sqlite"
    copy_between(shared_address, str(back))
    home = open_service(back)
    assert _state(home) == _state(original)
    [orphan] = home.orphans(2)
    assert orphan.exact == "Not in the text"
    # Ids go on from the highest ever given, the deleted highlight's included.
    assert home.create_highlight(1, 0, 3).value.id == original.create_highlight(1, 0, 3).value.id
    # The history came too: the same changes are undone on both, with the same result.
    for _change in range(3):
        assert home.operations.undo().label == original.operations.undo().label
        assert _state(home) == _state(original)
    home.close()
    original.close()


def test_a_person_undoes_their_copied_history_in_the_group_and_at_home_again(
    tmp_path: Path, shared_address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = f"dana_{uuid.uuid4().hex[:6]}"
    monkeypatch.setenv("LOGNAME", me)  # the name Dana logs in with, and her role's in the group
    original = _rich_library(tmp_path / "mine.sqlite")
    copy_between(str(original.path), shared_address)
    init_group(shared_address)
    add_member(shared_address, me, "owner")
    group = open_service(_as(shared_address, me))
    # Both back ends write a row's image alike: what she did at home is undone in the group,
    # a new edition and an import of highlights among it.
    for _change in range(5):
        assert group.operations.undo().label == original.operations.undo().label
        assert _state(group) == _state(original)
    made = group.create_highlight(1, 0, 3, note="made in the group").value
    home = tmp_path / "home.sqlite"
    copy_between(_as(shared_address, me), str(home))
    group.close()
    back = open_service(home)
    assert back.operations.undo().label == "Highlight “All”"  # and what she did there, at home
    assert made.id not in {h.id for h in back.highlights(1)}
    back.close()
    original.close()


def test_postgresql_gives_ids_after_the_copied_ones(tmp_path: Path, shared_address: str) -> None:
    original = _rich_library(tmp_path / "mine.sqlite")
    copy_between(str(original.path), shared_address)
    highest = original.create_highlight(1, 0, 3).value.id - 1
    original.close()
    engine = create_engine(shared_address.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        made = conn.execute(
            text(
                "INSERT INTO highlights (document_id, version_id, made_on_version_id, start_offset, end_offset, "
                "exact, prefix, suffix, note, review_from, created_at, updated_at) "
                "SELECT document_id, version_id, made_on_version_id, 0, 3, 'All', '', '', '', '', now(), now() "
                "FROM highlights LIMIT 1 RETURNING id"
            )
        ).scalar_one()
        assert made == highest + 1
        assert conn.execute(select(func.count()).select_from(HighlightRow)).scalar_one() == 5
    engine.dispose()


def test_a_copy_never_goes_into_a_library_that_holds_something(tmp_path: Path, shared_address: str) -> None:
    original = _rich_library(tmp_path / "mine.sqlite")
    copy_between(str(original.path), shared_address)
    other = open_service(tmp_path / "other.sqlite")
    other.add_document(ImportedText.of("Something of mine.", title="Mine"))
    other.close()
    with pytest.raises(LibraryError, match="not empty"):
        copy_between(str(tmp_path / "other.sqlite"), shared_address)
    back = tmp_path / "back.sqlite"
    copy_between(shared_address, str(back))
    check = open_service(back)
    assert [d.title for d in check.list_documents()] == ["Decree", "Slogan"]
    check.close()
    original.close()


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("missing.sqlite", "new.sqlite", "There is no library at"),
        ("same.sqlite", "same.sqlite", "the same library"),
        ("same.sqlite", "postgresql://someone:secret@127.0.0.1/db", "A password does not belong"),
        ("same.sqlite", "postgresql://127.0.0.1:1/nowhere", "Cannot open the shared library"),
    ],
)
def test_what_cannot_be_copied_says_why(tmp_path: Path, source: str, target: str, message: str) -> None:
    open_service(tmp_path / "same.sqlite").close()
    where = {name: name if "://" in name else str(tmp_path / name) for name in (source, target)}
    with pytest.raises(LibraryError, match=message):
        copy_between(where[source], where[target])


def test_copy_from_the_command_line(tmp_path: Path, shared_address: str) -> None:
    cli = Cli(tmp_path / "mine.sqlite")
    cli("import", str(SAMPLE_TEXT))
    said = cli("copy", str(tmp_path / "mine.sqlite"), shared_address).stdout
    assert said.startswith("Copied 1 documents, 1 document versions")
    again = cli("copy", str(tmp_path / "mine.sqlite"), shared_address, ok=False)
    assert "marginalia copy: The target library is not empty" in again.stderr


def test_both_back_ends_write_a_row_s_image_alike(tmp_path: Path, shared_address: str) -> None:
    """What undo compares: the same row, written by SQLite and by PostgreSQL, is the same text."""
    service = open_service(tmp_path / "mine.sqlite")
    doc = service.add_document(ImportedText.of(TEXT, title="Decree “1917”")).value[0]
    hostile = "".join(chr(c) for c in range(1, 32)) + '"\\/ é \u2028\u2029 🕊 \x7f end'
    made = service.create_highlight(doc.id, 0, 3, tags=["power"], note=hostile).value
    service.close()
    copy_between(str(tmp_path / "mine.sqlite"), shared_address)
    images = []
    for url in (f"sqlite:///{tmp_path / 'mine.sqlite'}", shared_address):
        engine = create_engine(url)
        with engine.connect() as conn:
            images.append(
                [
                    journal.current_many(conn, table, [key])
                    for table, key in (("highlights", (made.id,)), ("documents", (doc.id,)), ("tags", (1,)))
                ]
            )
        engine.dispose()
    assert all(images[0]) and images[0] == images[1]  # every row found, each written alike
