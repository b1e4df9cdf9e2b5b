"""Alembic environment: migrations always run on a connection handed in by db.engine."""

from __future__ import annotations

from alembic import context

from db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Marginalia migrations run through db.engine.open_library, which supplies the connection.")

# render_as_batch: SQLite cannot ALTER most things, so changes are made by rebuilding tables.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
