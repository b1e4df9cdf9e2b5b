"""A shared library's full-text index: PostgreSQL's text search (a library file has FTS5's, 0007).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 22:30:00

The tables are made empty and filled when the library is next opened, as 0007 does for a
file (`build_index`, document by document). The configuration needs the `unaccent`
extension, which ships with PostgreSQL (Debian's `postgresql` package has it) and which a
database's owner may create.
"""

from collections.abc import Sequence

from alembic import op

from db import search_pg

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the text search configuration and the index's tables, empty."""
    if op.get_bind().dialect.name == "postgresql":
        for statement in search_pg.DDL:
            op.execute(statement)


def downgrade() -> None:
    """Drop the index and its configuration."""
    if op.get_bind().dialect.name == "postgresql":
        for statement in search_pg.DROP:
            op.execute(statement)
