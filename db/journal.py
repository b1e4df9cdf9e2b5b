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
from collections.abc import Callable, Mapping, Sequence
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


@dataclass(frozen=True, slots=True)
class Entry:
    """One row touched: its table, its images before and after (None: absent), and the row as it stands.

    `row` holds the fields of the image after (or, for a row deleted, before) that the
    operation's changes and keys come from (`FIELDS`; those a table lacks are None),
    read by SQLite: parsing each whole image in Python took a third of an import of
    100,000 highlights.
    """

    table: str
    before: str | None
    after: str | None
    row: dict[str, Any]


def _columns(table: str) -> list[str]:
    skip = _BOOKKEEPING.get(table, set())
    return [c.name for c in Base.metadata.tables[table].columns if c.name not in skip]


# Looked up once: a change of many rows asks for its rows' keys once a row.
_KEYS = {table: tuple(c.name for c in Base.metadata.tables[table].primary_key.columns) for table in JOURNALED}


def keys(table: str) -> tuple[str, ...]:
    """Return the primary key columns of a journaled table."""
    return _KEYS[table]


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


# What an entry's `row` holds: every journaled table's key columns, and what the changes
# say (which document, which edition).
FIELDS = ("id", "document_id", "highlight_id", "tag_id", "number", "version_id")
_READ = "SELECT tbl, old, new, {} FROM temp.journal ORDER BY seq".format(
    ", ".join(f"json_extract(coalesce(new, old), '$.{name}')" for name in FIELDS)
)


def read(conn: Connection) -> list[Entry]:
    """Return what the current transaction touched so far, in order."""
    return [
        Entry(tbl, old, new, dict(zip(FIELDS, fields, strict=True)))
        for tbl, old, new, *fields in conn.exec_driver_sql(_READ).all()
    ]


def key_of(table: str, image: Mapping[str, Any]) -> tuple[Any, ...]:
    """Return the primary key of a row image."""
    return tuple([image[k] for k in _KEYS[table]])


@dataclass(frozen=True, slots=True)
class Step:
    """One row to make what `image` says, if it is now what `expected` says (see `replay`)."""

    table: str
    key: tuple[Any, ...]
    expected: str | None
    image: str | None


# Ids per IN (...) list when reading rows back: well under SQLite's bound-parameter limit.
_CHUNK = 500


def current_many(conn: Connection, table: str, wanted: Sequence[tuple[Any, ...]]) -> dict[tuple[Any, ...], str]:
    """Return the images of those rows that exist, by key (one query per few hundred rows)."""
    names = keys(table)
    found: dict[tuple[Any, ...], str] = {}
    chosen = set(wanted)
    firsts = sorted({k[0] for k in wanted})
    for i in range(0, len(firsts), _CHUNK):
        chunk = firsts[i : i + _CHUNK]
        params = {f"k{j}": v for j, v in enumerate(chunk)}
        placeholders = ", ".join(f":k{j}" for j in range(len(chunk)))
        rows = conn.execute(
            text(f"SELECT {', '.join(names)}, {_json(table, table)} FROM {table} WHERE {names[0]} IN ({placeholders})"),
            params,
        )
        for row in rows:
            key = tuple(row[: len(names)])
            if key in chosen:
                found[key] = row[len(names)]
    return found


def replay(
    conn: Connection, steps: Sequence[Step], fits: Callable[[Step, str | None], bool]
) -> tuple[list[str | None], Step | None]:
    """Write each step's image, in order, where `fits` says the row is as expected.

    Rows are read and written in batches of consecutive steps on one table (an undo of a
    deleted document puts back tens of thousands of rows). Returns the image each row had
    before it was written, and the first step whose row was not as expected (nothing is
    written from that step on; the caller rolls the transaction back).
    """
    found: list[str | None] = []
    at = 0
    while at < len(steps):
        run = [steps[at]]
        seen = {steps[at].key}
        while at + len(run) < len(steps):
            step = steps[at + len(run)]
            if step.table != run[0].table or step.key in seen:
                break
            run.append(step)
            seen.add(step.key)
        now = current_many(conn, run[0].table, [step.key for step in run])
        before = [now.get(step.key) for step in run]
        for step, image in zip(run, before, strict=True):
            if not fits(step, image):
                return found, step
        _write_run(conn, run, before)
        found.extend(before)
        at += len(run)
    return found, None


def _write_run(conn: Connection, run: list[Step], before: list[str | None]) -> None:
    """Write a run of steps on one table, in order, as few statements as the kinds allow."""
    kinds = [
        "delete" if s.image is None else "update" if b is not None else "insert"
        for s, b in zip(run, before, strict=True)
    ]
    start = 0
    while start < len(run):
        end = start
        while end < len(run) and kinds[end] == kinds[start]:
            end += 1
        _write_same(conn, run[start:end], kinds[start])
        start = end


def _write_same(conn: Connection, run: list[Step], kind: str) -> None:
    table = run[0].table
    names = keys(table)
    where = " AND ".join(f"{k} = :k{i}" for i, k in enumerate(names))
    if kind == "delete":
        conn.execute(
            text(f"DELETE FROM {table} WHERE {where}"), [{f"k{i}": v for i, v in enumerate(s.key)} for s in run]
        )
        return
    images = [{**(_FRESH.get(table, {}) if kind == "insert" else {}), **json.loads(s.image or "{}")} for s in run]
    columns = list(images[0])
    if kind == "insert":
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(f':v_{c}' for c in columns)})"
        conn.execute(text(sql), [{f"v_{c}": image[c] for c in columns} for image in images])
        return
    assignments = ", ".join(f"{c} = :v_{c}" for c in columns)
    conn.execute(
        text(f"UPDATE {table} SET {assignments} WHERE {where}"),
        [
            {**{f"v_{c}": image[c] for c in columns}, **{f"k{i}": v for i, v in enumerate(s.key)}}
            for s, image in zip(run, images, strict=True)
        ],
    )


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
