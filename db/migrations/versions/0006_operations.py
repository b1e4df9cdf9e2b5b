"""The operations log: every change with its before and after, for undo and the history.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the operations table; older changes have no history to carry over."""
    op.create_table(
        "operations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("merge_key", sa.String(), nullable=False),
        sa.Column("entries", sa.LargeBinary(), nullable=False),
        sa.Column("redo", sa.LargeBinary(), nullable=True),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operations")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_operations_stamp", "operations", ["stamp"])


def downgrade() -> None:
    """Drop the operations log."""
    op.drop_index("ix_operations_stamp", table_name="operations")
    op.drop_table("operations")
