"""Each edition's word count readable without its text.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 02:30:00

In a library file a row's columns are read in order, and an edition's text comes before
its word count: listing the library read every text whole (5 MB of pages for a 5 MB
book) to find each count. An index holding the count answers the list alone.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index each document's editions with their word counts."""
    op.create_index("ix_document_versions_words", "document_versions", ["document_id", "number", "word_count"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_document_versions_words", "document_versions")
