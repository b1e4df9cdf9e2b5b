"""Initial schema: documents with versioned text, highlights, the theme tree and its links.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 03:31:53.004058
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("last_opened_at", sa.DateTime(), nullable=True),
        sa.Column("reading_position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["tags.id"],
            name=op.f("fk_tags_parent_id_tags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tags_parent_id"), ["parent_id"], unique=False)
    # Autogenerate cannot see expression indexes on SQLite; this one keeps sibling theme
    # names unique, top-level ones included (NULL parents never collide in a UNIQUE).
    op.create_index(
        "uq_tags_parent_name",
        "tags",
        [sa.text("coalesce(parent_id, 0)"), "name"],
        unique=True,
    )

    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_versions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_versions")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.create_index("ix_document_versions_sha256", ["sha256"], unique=False)
        batch_op.create_index(
            "uq_document_versions_document_number",
            ["document_id", "number"],
            unique=True,
        )

    op.create_table(
        "highlights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("exact", sa.Text(), nullable=False),
        sa.Column("prefix", sa.Text(), nullable=False),
        sa.Column("suffix", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "start_offset >= 0 AND end_offset > start_offset",
            name=op.f("ck_highlights_span"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_highlights_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_highlights_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_highlights")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("highlights", schema=None) as batch_op:
        batch_op.create_index(
            "ix_highlights_document_start",
            ["document_id", "start_offset"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_highlights_version_id"), ["version_id"], unique=False)

    op.create_table(
        "highlight_tags",
        sa.Column("highlight_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["highlight_id"],
            ["highlights.id"],
            name=op.f("fk_highlight_tags_highlight_id_highlights"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["tags.id"],
            name=op.f("fk_highlight_tags_tag_id_tags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("highlight_id", "tag_id", name=op.f("pk_highlight_tags")),
    )
    with op.batch_alter_table("highlight_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_highlight_tags_tag_id"), ["tag_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("highlight_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_highlight_tags_tag_id"))

    op.drop_table("highlight_tags")
    with op.batch_alter_table("highlights", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_highlights_version_id"))
        batch_op.drop_index("ix_highlights_document_start")

    op.drop_table("highlights")
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.drop_index("uq_document_versions_document_number")
        batch_op.drop_index("ix_document_versions_sha256")

    op.drop_table("document_versions")
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tags_parent_id"))

    op.drop_index("uq_tags_parent_name", table_name="tags")
    op.drop_table("tags")
    op.drop_table("documents")
