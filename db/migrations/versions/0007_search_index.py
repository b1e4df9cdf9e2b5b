"""The full-text search index (FTS5): its tables, filled when the library is next opened.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 06:00:00

The index is filled by the library service's `build_index` after the upgrade, document by document behind a
progress bar, rather than here: an upgrade is one transaction, and a library of hundreds
of books would sit without a word for a minute. Whatever stops the filling half way, the
next start finds what is missing and goes on.
"""

from collections.abc import Sequence

from alembic import op

from db import search

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the index's tables, empty (SQLite's FTS5; a shared PostgreSQL library has none yet)."""
    if op.get_bind().dialect.name == "sqlite":
        search.create(op.get_bind())


def downgrade() -> None:
    """Drop the index."""
    if op.get_bind().dialect.name == "sqlite":
        for statement in search.DROP:
            op.execute(statement)
