"""Opening library files: new, existing, behind, ahead, or not a library at all."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from db.backups import backup_library, backups_dir
from db.engine import make_engine, open_library
from db.failures import LibraryError
from db.schema import HEAD, alembic_config, scripts


def _upgrade(path: Path, revision: str) -> None:
    engine = make_engine(path, foreign_keys=False)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def test_models_and_migrations_do_not_drift(tmp_path: Path) -> None:
    library = open_library(tmp_path / "lib.sqlite")
    config = alembic_config()
    with library.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.check(config)  # raises if autogenerate would write a new migration
    library.close()


def test_the_head_revision_known_without_alembic_is_the_migrations_head() -> None:
    assert scripts().get_current_head() == HEAD


def test_new_library_has_the_schema_and_connection_settings(tmp_path: Path) -> None:
    library = open_library(tmp_path / "sub" / "lib.sqlite")
    assert library.created
    tables = set(inspect(library.engine).get_table_names())
    assert {"documents", "document_versions", "highlights", "tags", "highlight_tags", "alembic_version"} <= tables
    with library.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() == 5000
        indexes = {row[1] for row in conn.execute(text("PRAGMA index_list('tags')"))}
        assert "uq_tags_parent_name" in indexes
    library.close()
    reopened = open_library(tmp_path / "sub" / "lib.sqlite")
    assert not reopened.created
    reopened.close()


def _seed_initial_revision(path: Path) -> None:
    """Write data with plain SQL, as the first schema revision stored it."""
    con = sqlite3.connect(path)
    con.executescript(
        """
        INSERT INTO documents (id, title, author, source, added_at, reading_position)
            VALUES (7, 'Old text', 'A. Author', 'old.txt', '2025-01-01 10:00:00', 42);
        INSERT INTO document_versions (id, document_id, number, text, sha256, created_at)
            VALUES (3, 7, 1, 'All power to the Soviets!', 'abc', '2025-01-01 10:00:00');
        INSERT INTO tags (id, parent_id, name, colour, description, created_at)
            VALUES (1, NULL, 'power', '#f7d038', '', '2025-01-01 10:00:00'),
                   (2, 1, 'soviets', '#f7d038', '', '2025-01-01 10:00:00');
        INSERT INTO highlights (id, document_id, version_id, start_offset, end_offset, exact, prefix, suffix,
                                note, created_at, updated_at)
            VALUES (11, 7, 3, 4, 9, 'power', 'All ', ' to the Soviets!', 'a note
        over two lines', '2025-01-01 10:00:00', '2025-01-01 10:00:00');
        INSERT INTO highlight_tags (highlight_id, tag_id, position) VALUES (11, 2, 0);
        -- highlight 12 was made and deleted: its id must never come back
        UPDATE sqlite_sequence SET seq = 12 WHERE name = 'highlights';
        """
    )
    con.commit()
    con.close()


def test_a_library_from_the_first_revision_opens_with_all_its_data(tmp_path: Path) -> None:
    from app.services import LibraryService

    path = tmp_path / "old.sqlite"
    first = ScriptDirectory.from_config(alembic_config()).get_base()
    assert isinstance(first, str)
    _upgrade(path, first)
    _seed_initial_revision(path)

    service = LibraryService(open_library(path))
    [doc] = service.list_documents()
    assert (doc.id, doc.title, doc.author, doc.highlight_count) == (7, "Old text", "A. Author", 1)
    assert (doc.format, doc.word_count) == ("text", 5)  # filled by migration 0004
    opened = service.open_document(7)
    assert (opened.text, opened.reading_position) == ("All power to the Soviets!", 42)
    [h] = service.highlights(7)
    assert (h.id, h.start, h.end, h.exact, h.note) == (11, 4, 9, "power", "a note\n        over two lines")
    assert [t.path for t in h.tags] == ["power/soviets"]
    assert h.made_on_version_id == 3  # filled by migration 0002
    head = scripts().get_current_head()
    # Taken before upgrading, and named after the revision it was upgraded to.
    assert len(list(backups_dir(path).glob(f"old-before-{head}-*.sqlite"))) == 1
    assert service.create_highlight(7, 0, 3).value.id == 13
    service.close()


def test_a_library_behind_the_newest_schema_is_backed_up_before_migrating(tmp_path: Path) -> None:
    path = tmp_path / "behind.sqlite"
    _upgrade(path, "base")  # the version table exists, the schema does not: a migration is due
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE keepsake (x TEXT)")
    con.execute("INSERT INTO keepsake VALUES ('precious')")
    con.commit()
    con.close()

    open_library(path).close()

    [backup] = backups_dir(path).glob("behind-before-*.sqlite")
    con = sqlite3.connect(backup)
    assert con.execute("SELECT x FROM keepsake").fetchall() == [("precious",)]
    assert con.execute("SELECT name FROM sqlite_master WHERE name = 'highlights'").fetchall() == []
    con.close()


def test_backup_includes_changes_still_in_the_write_ahead_log(tmp_path: Path) -> None:
    library = open_library(tmp_path / "lib.sqlite")
    with library.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (title, author, source, added_at, reading_position) "
                "VALUES ('wal only', '', '', '2025-01-01', 0)"
            )
        )
    assert (tmp_path / "lib.sqlite-wal").stat().st_size > 0
    copy = backup_library(tmp_path / "lib.sqlite", tmp_path / "copy.sqlite")
    con = sqlite3.connect(copy)
    assert con.execute("SELECT title FROM documents").fetchall() == [("wal only",)]
    con.close()
    library.close()


def test_a_file_that_is_not_a_library_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"These are my notes, not a database.\n" * 100)
    before = path.read_bytes()
    with pytest.raises(LibraryError, match=r"notes\.sqlite is not a Marginalia library"):
        open_library(path)
    assert path.read_bytes() == before


def test_a_library_from_a_newer_marginalia_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    open_library(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="newer version of Marginalia"):
        open_library(path)
    assert path.read_bytes() == before
    assert not backups_dir(path).exists()


def test_a_library_where_no_folder_can_be_made_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(LibraryError, match="Cannot create the folder for the library"):
        open_library(blocker / "library.sqlite")


def test_a_folder_is_not_a_library(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="is a folder"):
        open_library(tmp_path)
