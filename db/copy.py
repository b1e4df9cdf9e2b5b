"""Copying a whole library between back ends (SQLite and PostgreSQL), losslessly.

Every row of every table the reader's work lives in is copied with its id: documents and
all their editions, themes, highlights (orphans included), their themes, and the history
of operations, so that undo goes on working on the copy (both back ends write a row's
image alike, db.journal). The highest id each table ever used is carried over too: ids
are never reused, since undo brings a deleted row back with its own id. The search
index is not copied; it is built on the copy when opened. From a shared library, a
person copies what they may read: of the private notes and the history, their own
(db.group).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select, text

from db.failures import LibraryError
from db.models import Base

# In the order their rows can be written: each after those it refers to.
TABLES = ("documents", "document_versions", "tags", "highlights", "highlight_tags", "private_notes", "operations")
_BATCH = 2000


@dataclass(frozen=True, slots=True)
class Copied:
    """How many rows of each table were copied."""

    rows: dict[str, int]

    def describe(self) -> str:
        """One line for the command line."""
        return ", ".join(f"{count:,} {table.replace('_', ' ')}" for table, count in self.rows.items())


def copy_library(source: Engine, target: Engine, progress: Callable[[str, int], None] | None = None) -> Copied:
    """Copy every row of `source` into `target` (both at the newest schema), in one transaction.

    Raises:
        LibraryError: If the target already holds anything; it is left as it was.
    """
    counts: dict[str, int] = {}
    with source.connect() as reading, target.begin() as writing:
        held = [name for name in TABLES if writing.execute(select(func.count()).select_from(_table(name))).scalar()]
        if held:
            raise LibraryError(
                f"The target library is not empty (it holds {', '.join(held)}); a copy goes into a new, empty one."
            )
        for name in TABLES:
            counts[name] = 0
            for rows in _batches(reading, name):
                writing.execute(insert(_table(name)), rows)
                counts[name] += len(rows)
                if progress is not None:
                    progress(name, counts[name])
        _set_highest_ids(writing, _highest_ids(reading))
        if (reading.dialect.name, writing.dialect.name) == ("sqlite", "postgresql"):
            # A file's private notes are its one reader's: brought to a group, they are the
            # private notes of the role that brings them (row-level security, db.group).
            writing.execute(text("UPDATE private_notes SET author = current_user"))
        reading.rollback()
    return Copied(counts)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _batches(conn: Connection, name: str) -> Iterator[list[dict[str, object]]]:
    table = _table(name)
    if name == "tags":
        # A theme refers to its parent, which may have a higher id (themes move): parents first.
        rows = [dict(row._mapping) for row in conn.execute(select(table))]
        yield from _chunks(_parents_first(rows))
        return
    order = list(table.primary_key.columns)
    result = conn.execute(select(table).order_by(*order)).mappings()
    while chunk := result.fetchmany(_BATCH):
        yield [dict(row) for row in chunk]


def _chunks(rows: list[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    for start in range(0, len(rows), _BATCH):
        yield rows[start : start + _BATCH]


def _parents_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ordered: list[dict[str, Any]] = []
    placed: set[object] = {None}
    waiting = sorted(rows, key=lambda row: int(row["id"]))
    while waiting:
        ready = [row for row in waiting if row["parent_id"] in placed]
        if not ready:
            raise LibraryError("The source library's themes make a circle; run its check before copying.")
        ordered += ready
        placed |= {row["id"] for row in ready}
        waiting = [row for row in waiting if row["id"] not in placed]
    return ordered


def _highest_ids(conn: Connection) -> dict[str, int]:
    """The highest id each table has ever given, deleted rows included."""
    highest = {
        name: int(conn.execute(select(func.coalesce(func.max(_table(name).c.id), 0))).scalar_one())
        for name in TABLES
        if "id" in _table(name).c
    }
    if conn.dialect.name == "sqlite":
        for name, seq in conn.execute(text("SELECT name, seq FROM sqlite_sequence")):
            if name in highest:
                highest[name] = max(highest[name], int(seq))
    else:
        for name in highest:
            used = conn.execute(text(f"SELECT last_value, is_called FROM {_sequence(conn, name)}")).one()
            if used.is_called:
                highest[name] = max(highest[name], int(used.last_value))
    return highest


def _sequence(conn: Connection, table: str) -> str:
    name = conn.execute(text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table}).scalar_one()
    return str(name)


def _set_highest_ids(conn: Connection, highest: dict[str, int]) -> None:
    """Make each table's next id follow the highest the source ever gave."""
    for name, value in highest.items():
        if value == 0:
            continue
        if conn.dialect.name == "sqlite":
            conn.execute(text("DELETE FROM sqlite_sequence WHERE name = :name"), {"name": name})
            conn.execute(
                text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"), {"name": name, "seq": value}
            )
        else:
            conn.execute(text("SELECT setval(:sequence, :value)"), {"sequence": _sequence(conn, name), "value": value})
