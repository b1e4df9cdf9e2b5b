"""A shared library's change journal, deferrable links and change notices (PostgreSQL only).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 22:00:00

A library file makes its journal's triggers per connection (SQLite's TEMP triggers); a
PostgreSQL library has them in its schema, writing only for sessions that keep a journal
(db.journal). Undo puts rows back in the order the change took them away, a highlight
before its document when the document went with it; SQLite checks links at commit when
asked (`defer_foreign_keys`), PostgreSQL only when a link is declared DEFERRABLE. Every
change to the history notifies `marginalia_changes`, so that open windows hear of other
members' changes at once (LISTEN/NOTIFY).
"""

from collections.abc import Sequence

from alembic import op

from db import journal

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The journaled tables of this revision (later revisions give their own tables triggers).
_TABLES = ("documents", "document_versions", "tags", "highlights", "highlight_tags")
_LINKS = """
SELECT c.conname, c.conrelid::regclass::text FROM pg_constraint c
JOIN pg_namespace n ON n.oid = c.connamespace
WHERE c.contype = 'f' AND n.nspname = current_schema()
"""
_NOTIFY = """
CREATE OR REPLACE FUNCTION marginalia_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('marginalia_changes', '');
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    """Make the journal's triggers, the links deferrable, and the notice of changes."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for statement in journal.postgres_triggers(_TABLES):
        op.execute(statement)
    for name, table in bind.exec_driver_sql(_LINKS).all():
        op.execute(f'ALTER TABLE {table} ALTER CONSTRAINT "{name}" DEFERRABLE INITIALLY IMMEDIATE')
    op.execute(_NOTIFY)
    op.execute(
        "CREATE TRIGGER operations_notify AFTER INSERT OR UPDATE ON operations "
        "FOR EACH STATEMENT EXECUTE FUNCTION marginalia_notify()"
    )


def downgrade() -> None:
    """Drop the triggers and functions (the links stay deferrable: harmless)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS operations_notify ON operations")
    op.execute("DROP FUNCTION IF EXISTS marginalia_notify()")
    for table in _TABLES:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS journal_{table}_{event} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS marginalia_journal_{table}()")
    op.execute("DROP FUNCTION IF EXISTS marginalia_journal()")
