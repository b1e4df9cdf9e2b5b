"""The schema's history: the Alembic configuration and the revisions this Marginalia knows.

Alembic takes a tenth of a second to import, longer than the rest of a command such as
`list`: it is imported only when a library's schema is not the newest, which is told
from `HEAD` and the library's own version table without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from db.failures import LibraryError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions (a test keeps the two in step).
HEAD = "0014"


def alembic_config() -> Config:
    """Return the Alembic configuration of the library's migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def scripts() -> ScriptDirectory:
    """Return the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def known_revisions() -> set[str]:
    """Return every schema revision this Marginalia can open or upgrade from."""
    return {rev.revision for rev in scripts().walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    """Return the schema revision a library says it has (None for a new, empty file)."""
    try:
        value: str | None = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    except (OperationalError, ProgrammingError):  # no version table yet (SQLite, PostgreSQL)
        return None
    return value


def upgrade_due(engine: Engine, name: str) -> bool:
    """Whether the library needs migrating (False: it is at the newest schema).

    Raises:
        LibraryError: If it was written by a newer Marginalia (it is left untouched).
    """
    with engine.connect() as conn:
        current = current_revision(conn)
        conn.rollback()
    if current == HEAD:
        return False
    if current is not None and current not in known_revisions():
        raise LibraryError(
            f"The library {name} was written by a newer version of Marginalia "
            f"(schema {current}); it was left untouched. Please update Marginalia."
        )
    return True


def upgrade(engine: Engine) -> None:
    """Run the migrations to the newest schema, in one transaction (Alembic is imported here, and only here)."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
