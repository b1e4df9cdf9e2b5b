"""A group's shared library: what owners, members and readers may do, enforced by PostgreSQL itself.

Each rule is tried with direct SQL as the member's own role, as someone with `psql` would.
"""

from __future__ import annotations

import uuid
import zlib
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool

from app.domain.search import parse
from app.importers import ImportedText
from app.services import LibraryService, StorageError, open_service
from app.services.copying import copy_between
from app.services.group import add_member, init_group, members, remove_member
from db.failures import LibraryError
from db.schema import alembic_config
from tests.postgres import Server
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
        # Refused aloud, never a silent "0 rows": a tool would take it for done.
        for statement, refusal in (
            ("UPDATE highlights SET note = 'bob was here' WHERE id = :id", "row-level security"),
            ("DELETE FROM highlights WHERE id = :id", "only the member who made a highlight may delete it"),
            ("DELETE FROM highlight_tags WHERE highlight_id = 1 OR highlight_id = :id", "only the member who made"),
            (TAG.text, "row-level security"),
        ):
            with pytest.raises(ProgrammingError, match=refusal):
                bob.execute(text(statement), {"id": made})
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


def test_readers_read_and_change_nothing(group: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    address, people = group
    # Reading includes taking a copy home (it reads how far each id went, too).
    copy_between(
        make_url(address).set(username=people["carol"]).render_as_string(hide_password=False),
        str(tmp_path / "home.sqlite"),
    )
    home = open_service(tmp_path / "home.sqlite")
    assert [d.title for d in home.list_documents()] == ["Decree"]
    home.close()
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


def _open_as(address: str, role: str) -> LibraryService:
    return open_service(make_url(address).set(username=role).render_as_string(hide_password=False))


def test_members_work_in_the_shared_library_through_marginalia_as_themselves(
    group: tuple[str, dict[str, str]],
) -> None:
    address, people = group
    alice, bob, carol = (_open_as(address, people[name]) for name in ("alice", "bob", "carol"))
    try:
        assert alice.is_shared and alice.operations.author == people["alice"]
        assert [s.group_kind() for s in (alice, bob, carol)] == ["member", "member", "reader"]
        document = alice.open_document(1)  # a member may open a text: the place kept is their own
        assert document.text.startswith("All power")
        made = alice.create_highlight(1, 0, 3, tags=["power"], note="hers").value
        assert made.author == people["alice"]
        assert [op.label for op in alice.operations.history()][:1] == ["Highlight “All”"]
        for change in (lambda: bob.set_note(made.id, "his"), lambda: bob.delete_highlight(made.id)):
            with pytest.raises(StorageError, match="a member changes only the highlights and notes they made"):
                change()
        with pytest.raises(StorageError, match="documents and the codebook are the owners'"):
            bob.codebook.create("class")
        with pytest.raises(StorageError, match="a reader only reads"):
            carol.create_highlight(1, 10, 15)
        assert alice.highlight(made.id).note == "hers"
        assert [h.kind for h in carol.search(parse("hers")).hits] == ["note"]  # readers search what others made
        alice.operations.undo()
        assert made.id not in {h.id for h in carol.highlights(1)}
    finally:
        for service in (alice, bob, carol):
            service.close()


def test_each_member_s_reading_place_is_their_own(group: tuple[str, dict[str, str]]) -> None:
    address, people = group
    alice, carol = _open_as(address, people["alice"]), _open_as(address, people["carol"])
    try:
        alice.open_document(1)
        alice.set_reading_position(1, 12)
        carol.set_reading_position(1, 3)  # a reader's place is theirs to keep too
        assert alice.open_document(1).reading_position == 12
        assert carol.open_document(1).reading_position == 3
    finally:
        alice.close()
        carol.close()
    with _as(address, people["carol"]) as conn:
        assert conn.execute(text("SELECT reader, position FROM reading_places")).all() == [(people["carol"], 3)]
        with pytest.raises(ProgrammingError, match="row-level security"):
            conn.execute(text("INSERT INTO reading_places (reader, document_id) VALUES (:r, 1)"), {"r": people["bob"]})


def test_an_out_of_date_shared_library_says_who_may_upgrade_it(group: tuple[str, dict[str, str]]) -> None:
    address, people = group
    admin = create_engine(address)
    with admin.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0010")
    admin.dispose()
    with pytest.raises(LibraryError, match=r"ask whoever set the group up to run 'python -m app group init"):
        _open_as(address, people["alice"])
    init_group(address)  # the one who set it up upgrades it
    _open_as(address, people["alice"]).close()


def test_a_private_note_is_read_by_its_author_alone_owners_included(group: tuple[str, dict[str, str]]) -> None:
    address, people = group
    alice, bob, olga = (_open_as(address, people[name]) for name in ("alice", "bob", "olga"))
    try:
        before = bob.operations.stamp()
        made = alice.create_highlight(1, 0, 3).value
        alice.set_note(made.id, "a private doubt", private=True)
        # Others still hear that something changed (to redraw it), not what it says.
        assert bob.operations.changes_since(before)[1].highlights_added == {made.id}
        for other in (bob, olga):
            [theirs] = [h for h in other.highlights(1) if h.id == made.id]
            assert (theirs.note, theirs.private) == ("", False)
            assert not other.search(parse("doubt")).hits
        assert alice.highlight(made.id).note == "a private doubt"
        with pytest.raises(StorageError, match="a member changes only the highlights and notes they made"):
            bob.set_note(made.id, "his", private=True)
    finally:
        for service in (alice, bob, olga):
            service.close()
    for name in ("bob", "olga"):
        with _as(address, people[name]) as conn:
            # Neither the note nor the history's images of it: each reads only their own.
            assert conn.execute(text("SELECT count(*) FROM private_notes")).scalar_one() == 0
            assert (
                conn.execute(
                    text("SELECT count(*) FROM operations WHERE author = :a"), {"a": people["alice"]}
                ).scalar_one()
                == 0
            )
            # The history without its images is everyone's: windows hear of each other's changes.
            assert (
                conn.execute(
                    text("SELECT count(*) FROM operation_log WHERE author = :a"), {"a": people["alice"]}
                ).scalar_one()
                == 2
            )
            with pytest.raises(ProgrammingError, match="row-level security"):
                conn.execute(
                    text("INSERT INTO private_notes (highlight_id, note) VALUES (:id, 'planted')"), {"id": made.id}
                )
            conn.rollback()
            assert conn.execute(text("UPDATE private_notes SET note = 'overwritten'")).rowcount == 0


def test_an_owner_deleting_a_member_s_highlight_never_holds_their_private_note(
    group: tuple[str, dict[str, str]],
) -> None:
    address, people = group
    alice, olga = _open_as(address, people["alice"]), _open_as(address, people["olga"])
    try:
        made = alice.create_highlight(1, 0, 3).value
        alice.set_note(made.id, "a private doubt", private=True)
        olga.delete_highlight(made.id)
        # The highlight comes back; its private note went with it (the owner never saw
        # it, and their history cannot hold it): the known price of an owner's deletion.
        olga.operations.undo()
        assert (olga.highlight(made.id).note, alice.highlight(made.id).note) == ("", "")
    finally:
        alice.close()
        olga.close()
    with _as(address, people["olga"]) as conn:
        blobs = [blob for (blob,) in conn.execute(text("SELECT entries FROM operations"))]
        assert blobs and all(b"doubt" not in zlib.decompress(blob) for blob in blobs)


def test_private_notes_brought_from_a_file_are_the_bringer_s(tmp_path: Path, shared_address: str) -> None:
    service = open_service(tmp_path / "mine.sqlite")
    doc = service.add_document(ImportedText.of("All power to the Soviets.", title="Decree")).value[0]
    service.set_note(service.create_highlight(doc.id, 4, 9).value.id, "my doubt", private=True)
    service.close()
    copy_between(str(tmp_path / "mine.sqlite"), shared_address)
    admin = create_engine(shared_address, poolclass=NullPool)
    with admin.connect() as conn:
        assert conn.execute(text("SELECT author = current_user, note FROM private_notes")).all() == [(True, "my doubt")]
    admin.dispose()


def test_passwords_come_from_postgresql_s_own_places_and_tls_settings_are_honoured(
    own_postgres: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = create_engine(own_postgres.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text('CREATE DATABASE "seminar"'))
    admin.dispose()
    address = own_postgres.url.rsplit("/", 1)[0] + "/seminar"
    init_group(address)
    add_member(address, "dana", "member")
    with create_engine(own_postgres.url, poolclass=NullPool).begin() as conn:
        conn.execute(text("ALTER ROLE dana PASSWORD 'kronstadt-1921'"))
    own_postgres.require_password("dana")
    dana = make_url(address).set(username="dana").render_as_string(hide_password=False)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(LibraryError, match=r"asks for your password: put it in ~/\.pgpass"):
        open_service(dana)
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{own_postgres.port}:seminar:dana:kronstadt-1921\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))  # ~/.pgpass, elsewhere
    open_service(dana).close()
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.setenv("PGPASSWORD", "kronstadt-1921")
    open_service(dana + "?sslmode=disable").close()
    # The address's TLS settings reach the server: this one offers no TLS, so "require" is refused.
    with pytest.raises(LibraryError, match="SSL"):
        open_service(dana + "?sslmode=require")
