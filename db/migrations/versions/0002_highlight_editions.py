"""Highlights remember the edition they were made on and wording awaiting review.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 05:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Batch mode rebuilds the table from reflection, which does not see AUTOINCREMENT; ids
# must never be reused (undo restores a highlight with its id), so it is given again,
# and the highest id ever used is carried over (a rebuilt table starts from the highest
# id present, forgetting deleted ones).
TABLE_KWARGS = {"sqlite_autoincrement": True}


# (PostgreSQL alters the table in place: its sequence goes on untouched.)
def _highest_id() -> int:
    if op.get_bind().dialect.name != "sqlite":
        return 0
    row = op.get_bind().exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'highlights'").fetchone()
    return int(row[0]) if row else 0


def _restore_highest_id(seq: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.get_bind().exec_driver_sql("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'highlights'", (seq,))


def upgrade() -> None:
    """Add made_on_version_id (filled from version_id) and review_from."""
    seq = _highest_id()
    with op.batch_alter_table("highlights", schema=None, table_kwargs=TABLE_KWARGS) as batch_op:
        batch_op.add_column(sa.Column("made_on_version_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("review_from", sa.Text(), server_default="", nullable=False))
    # Until now a highlight's offsets always referred to the edition it was made on.
    op.execute("UPDATE highlights SET made_on_version_id = version_id")
    with op.batch_alter_table("highlights", schema=None, table_kwargs=TABLE_KWARGS) as batch_op:
        batch_op.alter_column("made_on_version_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_highlights_made_on_version_id_document_versions"),
            "document_versions",
            ["made_on_version_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_highlights_made_on_version_id"), ["made_on_version_id"], unique=False)
    _restore_highest_id(seq)


def downgrade() -> None:
    """Drop the two columns."""
    seq = _highest_id()
    with op.batch_alter_table("highlights", schema=None, table_kwargs=TABLE_KWARGS) as batch_op:
        batch_op.drop_index(batch_op.f("ix_highlights_made_on_version_id"))
        batch_op.drop_constraint(batch_op.f("fk_highlights_made_on_version_id_document_versions"), type_="foreignkey")
        batch_op.drop_column("review_from")
        batch_op.drop_column("made_on_version_id")
    _restore_highest_id(seq)
