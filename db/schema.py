"""The schema's history: the Alembic configuration and the revisions this Marginalia knows."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """Return the Alembic configuration of the library's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def scripts() -> ScriptDirectory:
    """Return the migration scripts."""
    return ScriptDirectory.from_config(alembic_config())


def known_revisions() -> set[str]:
    """Return every schema revision this Marginalia can open or upgrade from."""
    return {rev.revision for rev in scripts().walk_revisions()}
