"""Alembic environment: migrations always run on a connection handed in by db.engine."""

from __future__ import annotations

from alembic import context

from db.models import Base
from db.search import is_index_table

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Marginalia migrations run through db.engine.open_library, which supplies the connection.")

# render_as_batch: SQLite cannot ALTER most things, so changes are made by rebuilding tables.
# The search index's tables (FTS5 and its shadow tables) are made by db.search, not models.
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    include_name=lambda name, kind, _parents: kind != "table" or not is_index_table(str(name)),
)
with context.begin_transaction():
    context.run_migrations()
