"""Each member's own reading places in a shared library (PostgreSQL only).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 23:00:00

A library file keeps where its reader is in the document's own row; a group's members
each have their own place in each text (db.places).
"""

from collections.abc import Sequence

from alembic import op

from db import places

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the table of reading places."""
    if op.get_bind().dialect.name == "postgresql":
        for statement in places.DDL:
            op.execute(statement)


def downgrade() -> None:
    """Drop it."""
    if op.get_bind().dialect.name == "postgresql":
        for statement in places.DROP:
            op.execute(statement)
