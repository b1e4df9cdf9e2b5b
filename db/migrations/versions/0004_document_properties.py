"""Documents keep their format, date and language; editions keep structure and word count.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the columns (plain ADD COLUMNs keep AUTOINCREMENT) and count existing words."""
    op.add_column("documents", sa.Column("format", sa.String(), server_default="text", nullable=False))
    op.add_column("documents", sa.Column("date", sa.String(), server_default="", nullable=False))
    op.add_column("documents", sa.Column("language", sa.String(), server_default="", nullable=False))
    op.add_column("document_versions", sa.Column("structure", sa.Text(), server_default="", nullable=False))
    op.add_column("document_versions", sa.Column("word_count", sa.Integer(), server_default="0", nullable=False))
    bind = op.get_bind()
    # The same count as app.domain.text.word_count (a migration must not import the app).
    for version_id, text in bind.exec_driver_sql("SELECT id, text FROM document_versions").fetchall():
        count = len(text.split())
        bind.exec_driver_sql("UPDATE document_versions SET word_count = ? WHERE id = ?", (count, version_id))


def downgrade() -> None:
    """Drop the columns."""
    for table, column in (
        ("document_versions", "word_count"),
        ("document_versions", "structure"),
        ("documents", "language"),
        ("documents", "date"),
        ("documents", "format"),
    ):
        with op.batch_alter_table(table, schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            batch_op.drop_column(column)
