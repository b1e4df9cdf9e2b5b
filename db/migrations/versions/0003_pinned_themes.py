"""Themes can be pinned to the number keys.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 06:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add tags.pinned (a plain ADD COLUMN: the table keeps its AUTOINCREMENT)."""
    op.add_column("tags", sa.Column("pinned", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop tags.pinned."""
    with op.batch_alter_table("tags", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("pinned")
