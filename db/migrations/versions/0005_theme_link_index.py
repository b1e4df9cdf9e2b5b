"""Theme links get an index on (tag_id, highlight_id) that covers the theme counts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Replace the index on tag_id alone by one that also holds highlight_id."""
    op.create_index("ix_highlight_tags_tag_id_highlight_id", "highlight_tags", ["tag_id", "highlight_id"])
    op.drop_index("ix_highlight_tags_tag_id", table_name="highlight_tags")


def downgrade() -> None:
    """Put the index on tag_id alone back."""
    op.create_index("ix_highlight_tags_tag_id", "highlight_tags", ["tag_id"])
    op.drop_index("ix_highlight_tags_tag_id_highlight_id", table_name="highlight_tags")
