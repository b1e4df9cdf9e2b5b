"""The change journal: triggers that note every row a transaction touches, as JSON images.

Each connection that makes changes gets TEMP triggers on the reader's tables. They write
the row's image before and after each insert, update and delete into `temp.journal`,
cascaded deletes included, so that the services can record one operation per change
without each one working out what it touched. Undo writes the before images back.

Bookkeeping columns (where the reader is in a document, when it was last opened) are left
out of the images and do not fire the triggers: they are not changes anyone undoes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from db.models import Base

# Not part of a row's image: moving through a text is not a change to the library. A
# row put back by undo starts these afresh.
_BOOKKEEPING = {"documents": {"reading_position", "last_opened_at"}}
_FRESH = {"documents": {"reading_position": 0}}
JOURNALED = ("documents", "document_versions", "tags", "highlights", "highlight_tags")

Image = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Entry:
    """One row touched: its table and its images before and after (None: absent)."""

    table: str
    before: str | None
    after: str | None


def _columns(table: str) -> list[str]:
    skip = _BOOKKEEPING.get(table, set())
    return [c.name for c in Base.metadata.tables[table].columns if c.name not in skip]


def keys(table: str) -> list[str]:
    """Return the primary key columns of a journaled table."""
    return [c.name for c in Base.metadata.tables[table].primary_key.columns]


def _json(table: str, alias: str) -> str:
    pairs = ", ".join(f"'{c}', {alias}.{c}" for c in _columns(table))
    return f"json_object({pairs})"


def _ddl() -> list[str]:
    statements = [
        "CREATE TEMP TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, old TEXT, new TEXT)"
    ]
    for table in JOURNALED:
        columns = ", ".join(_columns(table))
        for event, old, new in (
            ("INSERT", "NULL", _json(table, "NEW")),
            (f"UPDATE OF {columns}", _json(table, "OLD"), _json(table, "NEW")),
            ("DELETE", _json(table, "OLD"), "NULL"),
        ):
            name = f"journal_{table}_{event.split()[0].lower()}"
            statements.append(
                f"CREATE TEMP TRIGGER IF NOT EXISTS {name} AFTER {event} ON main.{table} "
                f"BEGIN INSERT INTO journal (tbl, old, new) VALUES ('{table}', {old}, {new}); END"
            )
    return statements


_DDL = _ddl()


def install(connection: sqlite3.Connection) -> None:
    """Give a fresh connection the journal table and its triggers."""
    cursor = connection.cursor()
    for statement in _DDL:
        cursor.execute(statement)
    cursor.close()


def start(conn: Connection) -> None:
    """Begin a journal for the current transaction (anything left from before is dropped)."""
    conn.exec_driver_sql("DELETE FROM temp.journal")


def read(conn: Connection) -> list[Entry]:
    """Return what the current transaction touched so far, in order."""
    rows = conn.exec_driver_sql("SELECT tbl, old, new FROM temp.journal ORDER BY seq").all()
    return [Entry(tbl, old, new) for tbl, old, new in rows]


def key_of(table: str, image: Mapping[str, Any]) -> tuple[Any, ...]:
    """Return the primary key of a row image."""
    return tuple(image[k] for k in keys(table))


def current(conn: Connection, table: str, key: Iterable[Any]) -> str | None:
    """Return a row's image as the triggers write it, or None if the row is absent."""
    names = keys(table)
    where = " AND ".join(f"{k} = :k{i}" for i, k in enumerate(names))
    params = {f"k{i}": v for i, v in enumerate(key)}
    value: str | None = conn.execute(
        text(f"SELECT {_json(table, table)} FROM {table} WHERE {where}"), params
    ).scalar_one_or_none()
    return value


def write(conn: Connection, table: str, key: Iterable[Any], image: str | None, *, exists: bool) -> None:
    """Make a row what `image` says: delete it (None), insert it, or update it in place."""
    names = keys(table)
    key_params = {f"k{i}": v for i, v in enumerate(key)}
    where = " AND ".join(f"{k} = :k{i}" for i, k in enumerate(names))
    if image is None:
        conn.execute(text(f"DELETE FROM {table} WHERE {where}"), key_params)
        return
    values: Image = json.loads(image)
    params = {f"v_{c}": v for c, v in values.items()}
    if exists:
        assignments = ", ".join(f"{c} = :v_{c}" for c in values)
        conn.execute(text(f"UPDATE {table} SET {assignments} WHERE {where}"), {**params, **key_params})
    else:
        values = {**_FRESH.get(table, {}), **values}
        params = {f"v_{c}": v for c, v in values.items()}
        columns = ", ".join(values)
        placeholders = ", ".join(f":v_{c}" for c in values)
        conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"), params)


class Watcher:
    """Notices, cheaply, that another connection (a window, a command) committed a change.

    SQLite's `PRAGMA data_version` changes on a connection when another connection has
    committed since it was last asked; asking costs microseconds and takes no lock.
    """

    def __init__(self, path: Path) -> None:
        """Watch the library at `path`, through a connection of its own that only reads."""
        self._connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        self._version = self._read()

    def _read(self) -> int:
        value: int = self._connection.execute("PRAGMA data_version").fetchone()[0]
        return value

    def changed(self) -> bool:
        """Return whether anyone committed since the last call."""
        version = self._read()
        changed, self._version = version != self._version, version
        return changed

    def close(self) -> None:
        """Stop watching."""
        self._connection.close()
