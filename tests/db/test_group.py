"""A group's shared library: what owners, members and readers may do, enforced by PostgreSQL itself.

Each rule is tried with direct SQL as the member's own role, as someone with `psql` would.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool

from app.importers import ImportedText
from app.services import open_service
from app.services.copying import copy_between
from app.services.group import add_member, init_group, members, remove_member
from db.failures import LibraryError
from tests.test_cli import Cli

NEW_HIGHLIGHT = (
    "INSERT INTO highlights (document_id, version_id, made_on_version_id, start_offset, end_offset, exact, "
    "prefix, suffix, note, review_from, author, created_at, updated_at) "
    "VALUES (1, 1, 1, 0, 3, 'All', '', '', :note, '', :author, now(), now()) RETURNING id, author"
)

TAG = text("INSERT INTO highlight_tags (highlight_id, tag_id, position) VALUES (:id, 1, 0)")
NEW_THEME = "INSERT INTO tags (name, colour, description, created_at) VALUES ('class', '#aa0000', '', now())"


@pytest.fixture
def group(tmp_path: Path, shared_address: str) -> tuple[str, dict[str, str]]:
    """A shared library with a document and a theme, and an owner, two members and a reader."""
    service = open_service(tmp_path / "seed.sqlite")
    doc = service.add_document(ImportedText.of("All power to the Soviets.", title="Decree")).value[0]
    service.create_highlight(doc.id, 4, 9, tags=["power"])
    service.close()
    copy_between(str(tmp_path / "seed.sqlite"), shared_address)
    init_group(shared_address)
    suffix = uuid.uuid4().hex[:6]
    people = {name: f"{name}_{suffix}" for name in ("olga", "alice", "bob", "carol")}
    for name, kind in (("olga", "owner"), ("alice", "member"), ("bob", "member"), ("carol", "reader")):
        add_member(shared_address, people[name], kind)
    return shared_address, people


def _as(address: str, role: str) -> Connection:
    """A connection as `role`, closed for good when the test closes it (no pool keeps it)."""
    return create_engine(make_url(address).set(username=role), poolclass=NullPool).connect()


def test_members_change_only_what_they_made(group: tuple[str, dict[str, str]]) -> None:
    address, people = group
    with _as(address, people["alice"]) as alice:
        made, author = alice.execute(text(NEW_HIGHLIGHT), {"note": "mine", "author": people["bob"]}).one()
        alice.commit()
        assert author == people["alice"]  # the database says who made it, whatever was written
    with _as(address, people["bob"]) as bob:
        assert bob.execute(text("SELECT count(*) FROM highlights")).scalar_one() == 2  # everyone reads
        changed = bob.execute(text("UPDATE highlights SET note = 'bob was here' WHERE id = :id"), {"id": made})
        gone = bob.execute(text("DELETE FROM highlights WHERE id = :id"), {"id": made})
        assert (changed.rowcount, gone.rowcount) == (0, 0)
        with pytest.raises(ProgrammingError, match="row-level security"):
            bob.execute(TAG, {"id": made})
        bob.rollback()
    with _as(address, people["alice"]) as alice:
        assert alice.execute(text("SELECT note FROM highlights WHERE id = :id"), {"id": made}).scalar_one() == "mine"
        alice.execute(text("UPDATE highlights SET note = 'still mine' WHERE id = :id"), {"id": made})
        alice.execute(
            text("INSERT INTO highlight_tags (highlight_id, tag_id, position) VALUES (:id, 1, 0)"), {"id": made}
        )
        alice.commit()


def test_only_owners_change_the_codebook_and_documents(group: tuple[str, dict[str, str]]) -> None:
    address, people = group
    with _as(address, people["alice"]) as alice:
        for statement in (
            NEW_THEME,
            "UPDATE tags SET name = 'renamed'",
            "DELETE FROM documents",
        ):
            with pytest.raises(ProgrammingError, match="permission denied"):
                alice.execute(text(statement))
            alice.rollback()
    with _as(address, people["olga"]) as olga:
        olga.execute(
            text("INSERT INTO tags (name, colour, description, created_at) VALUES ('class', '#aa0000', '', now())")
        )
        assert olga.execute(text("UPDATE highlights SET note = 'edited by the owner'")).rowcount == 1
        olga.commit()


def test_readers_read_and_change_nothing(group: tuple[str, dict[str, str]]) -> None:
    address, people = group
    with _as(address, people["carol"]) as carol:
        assert carol.execute(text("SELECT title FROM documents")).scalars().all() == ["Decree"]
        with pytest.raises(ProgrammingError, match="permission denied"):
            carol.execute(text(NEW_HIGHLIGHT), {"note": "", "author": ""})
        carol.rollback()
        with pytest.raises(ProgrammingError, match="permission denied"):
            carol.execute(text("UPDATE highlights SET note = 'x'"))


def test_a_removed_member_cannot_connect_and_strangers_never_could(group: tuple[str, dict[str, str]]) -> None:
    address, people = group
    assert {(m.role, m.kind) for m in members(address)} == {
        (people["olga"], "owner"),
        (people["alice"], "member"),
        (people["bob"], "member"),
        (people["carol"], "reader"),
    }
    remove_member(address, people["bob"])
    with pytest.raises(OperationalError, match="permission denied for database"):
        _as(address, people["bob"])
    stranger = f"stranger_{uuid.uuid4().hex[:6]}"
    admin = create_engine(address)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{stranger}" LOGIN'))
    admin.dispose()
    with pytest.raises(OperationalError, match="permission denied for database"):
        _as(address, stranger)
    assert people["bob"] not in {m.role for m in members(address)}


def test_bad_names_and_kinds_are_refused(group: tuple[str, dict[str, str]]) -> None:
    address, _people = group
    with pytest.raises(LibraryError, match="cannot be a member's role"):
        add_member(address, 'robert"; DROP TABLE highlights; --', "member")
    with pytest.raises(LibraryError, match="is not a kind of member"):
        add_member(address, "dora", "admin")
    with pytest.raises(LibraryError, match="not a PostgreSQL address"):
        init_group("library.sqlite")


def test_a_group_from_the_command_line(tmp_path: Path, shared_address: str) -> None:
    cli = Cli(tmp_path / "unused.sqlite")
    assert "ready" in cli("group", "init", shared_address).stdout
    role = f"dora_{uuid.uuid4().hex[:6]}"
    assert f"{role} is now a reader" in cli("group", "add-member", shared_address, role, "--as", "reader").stdout
    assert cli("group", "members", shared_address).stdout == f"{role}\treader\n"
    assert "no longer in the group" in cli("group", "remove-member", shared_address, role).stdout
    refused = cli("group", "add-member", shared_address, "Bad Name", ok=False)
    assert "cannot be a member's role" in refused.stderr


def test_init_twice_changes_nothing_it_made(group: tuple[str, dict[str, str]]) -> None:
    address, people = group
    init_group(address)
    with _as(address, people["alice"]) as alice, pytest.raises(DBAPIError):
        alice.execute(text("DELETE FROM documents"))
    assert len(members(address)) == 4
