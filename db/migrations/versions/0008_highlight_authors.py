"""Who made each highlight, for a group's shared library.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00

In a file of one's own it stays empty. In a shared library it is the PostgreSQL role that
made the highlight, set by the database (db.group), and what lets a member change their
own highlights and no one else's.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add highlights.author (a plain ADD COLUMN: the table keeps its AUTOINCREMENT)."""
    op.add_column("highlights", sa.Column("author", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    """Drop highlights.author."""
    with op.batch_alter_table("highlights", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("author")
