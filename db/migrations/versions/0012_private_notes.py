"""Private notes, and a history whose rows only their author reads.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 00:00:00

A member's private note is visible to its author alone (db.group). It lives in a table of
its own, since a row-level security policy hides rows, not a column of a row. An
operation's row holds the images of the rows it touched, private notes included: in a
shared library each person now reads only their own operations' rows, and every window
learns of the others' changes through `operation_log`, the history without its images.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db import journal

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOG = (
    "CREATE VIEW operation_log AS "
    "SELECT id, label, author, origin, at, document_id, changes, merge_key, state, stamp FROM operations"
)


def upgrade() -> None:
    """Create private_notes (journaled like the other tables) and the operation_log view."""
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "private_notes",
        sa.Column("highlight_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(), nullable=False, server_default=""),
        sa.Column("note", sa.Text(), nullable=False),
        # Deferrable on PostgreSQL like every other link (migration 0009): undo puts rows
        # back in any order.
        sa.ForeignKeyConstraint(
            ["highlight_id"],
            ["highlights.id"],
            ondelete="CASCADE",
            deferrable=postgres or None,
            initially="IMMEDIATE" if postgres else None,
        ),
        sa.PrimaryKeyConstraint("highlight_id"),
    )
    op.execute(_LOG)
    if postgres:
        for statement in journal.postgres_triggers(("private_notes",)):
            op.execute(statement)


def downgrade() -> None:
    """Drop them."""
    op.execute("DROP VIEW operation_log")
    op.drop_table("private_notes")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS marginalia_journal_private_notes()")
