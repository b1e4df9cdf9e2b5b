"""A shared library's journal writes row images as a library file's do (PostgreSQL only).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 01:00:00

Undo compares a row's image now with a digest of its image after the change it undoes.
PostgreSQL wrote images with `to_jsonb`, SQLite with `json_object`: the same row gave two
texts, so a history copied from a file to a shared library (or back) was refused by undo
there. The journal's triggers now write the same text as SQLite (db.journal), one
function per table. Changes journaled before this revision on a shared library keep the
old form: undo refuses them, as it refuses any row it cannot match.
"""

from collections.abc import Sequence

from alembic import op

from db import journal

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Journal every table through its own function, writing portable images."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in journal.postgres_triggers():
        op.execute(statement)
    op.execute("DROP FUNCTION IF EXISTS marginalia_journal()")


def downgrade() -> None:
    """Leave the triggers as they are: an older Marginalia's undo refuses what they journal, never guesses."""
