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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, DateTime, text

from db.models import Base

if TYPE_CHECKING:
    import psycopg

# Not part of a row's image: moving through a text is not a change to the library. A
# row put back by undo starts these afresh.
_BOOKKEEPING = {"documents": {"reading_position", "last_opened_at"}}
_FRESH = {"documents": {"reading_position": 0}}
JOURNALED = ("documents", "document_versions", "tags", "highlights", "highlight_tags", "private_notes")


@dataclass(frozen=True, slots=True)
class Entry:
    """One row touched: its table, its images before and after (None: absent), and the row as it stands.

    `row` holds the fields of the image after (or, for a row deleted, before) that the
    operation's changes and keys come from (`FIELDS`; those a table lacks are None),
    written by SQLite's triggers beside the image: parsing each whole image in Python
    took a third of an import of 100,000 highlights, and SQLite's `json_extract` of them
    a tenth.
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


def _pg_json(table: str, alias: str) -> str:
    """A row's image made by PostgreSQL as SQLite's `json_object` writes it: the same text on both.

    A change's history keeps a digest of each row's image after it, and undo compares the
    row's image now with it: images written alike let a history copied from a file to a
    shared library (or back) be undone there. Keys in the model's order, no spaces,
    strings escaped as both escape them (checked on every control character), times as
    SQLAlchemy stores them in SQLite (microseconds always written).
    """
    columns = Base.metadata.tables[table].columns
    parts = []
    for i, name in enumerate(_columns(table)):
        value = f"{alias}.{name}"
        if isinstance(columns[name].type, DateTime):
            value = f"to_char({value}, 'YYYY-MM-DD HH24:MI:SS.US')"
        parts.append(f"'{',' if i else ''}\"{name}\":' || coalesce(to_json({value})::text, 'null')")
    return "('{' || " + " || ".join(parts) + " || '}')"


# What an entry's `row` holds: every journaled table's key columns, and what the changes
# say (which document, which edition).
FIELDS = ("id", "document_id", "highlight_id", "tag_id", "number", "version_id")


def _fields(table: str, alias: str) -> str:
    """The row's `FIELDS`, NULL for those the table lacks: written beside the image, not read out of it."""
    have = set(_columns(table))
    return ", ".join(f"{alias}.{name}" if name in have else "NULL" for name in FIELDS)


def _trigger(table: str, event: str, old: str, new: str) -> str:
    name = f"journal_{table}_{event.split()[0].lower()}"
    row = "OLD" if event == "DELETE" else "NEW"
    return (
        f"CREATE TEMP TRIGGER IF NOT EXISTS {name} AFTER {event} ON main.{table} "
        f"BEGIN INSERT INTO journal (tbl, old, new, {', '.join(FIELDS)}) "
        f"VALUES ('{table}', {old}, {new}, {_fields(table, row)}); END"
    )


# Each table's insert trigger, made again after rows were inserted in bulk (`noted_at_once`).
_ON_INSERT = {table: _trigger(table, "INSERT", "NULL", _json(table, "NEW")) for table in JOURNALED}
_DDL = [
    "CREATE TEMP TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, old TEXT, new TEXT, "
    f"{', '.join(FIELDS)})",
    *(
        statement
        for table in JOURNALED
        for statement in (
            _ON_INSERT[table],
            _trigger(table, f"UPDATE OF {', '.join(_columns(table))}", _json(table, "OLD"), _json(table, "NEW")),
            _trigger(table, "DELETE", _json(table, "OLD"), "NULL"),
        )
    ),
]


def install(connection: sqlite3.Connection) -> None:
    """Give a fresh connection the journal table and its triggers."""
    cursor = connection.cursor()
    for statement in _DDL:
        cursor.execute(statement)
    cursor.close()


# PostgreSQL has no temporary triggers: the triggers are the schema's (`postgres_triggers`,
# made by a migration) and write into the session's own temporary table, in a session that
# asked for a journal only: a copy, `psql` or a group's setup write nothing.
_PG_SESSION = (
    "CREATE TEMP TABLE IF NOT EXISTS journal (seq bigserial PRIMARY KEY, tbl text NOT NULL, old text, new text)",
    "SET marginalia.journal = 'on'",
)
# Another person's private note taken by a cascade (an owner deleting a member's
# highlight) stays out of this session's history, which its owner can read.
_MINE_ONLY = {"private_notes": "author"}


def _pg_function(table: str) -> str:
    """The trigger function that journals a table's rows (its images as `_pg_json` makes them)."""
    mine = _MINE_ONLY.get(table)
    whose = (
        f"\n    IF coalesce(NEW.{mine}, OLD.{mine}) IS DISTINCT FROM session_user THEN RETURN NULL; END IF;"
        if mine
        else ""
    )
    old, new, into = _pg_json(table, "OLD"), _pg_json(table, "NEW"), "INSERT INTO pg_temp.journal (tbl, old, new)"
    return f"""
CREATE OR REPLACE FUNCTION marginalia_journal_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('marginalia.journal', true) IS DISTINCT FROM 'on' THEN RETURN NULL; END IF;{whose}
    IF TG_OP = 'INSERT' THEN
        {into} VALUES ('{table}', NULL, {new});
    ELSIF TG_OP = 'UPDATE' THEN
        {into} VALUES ('{table}', {old}, {new});
    ELSE
        {into} VALUES ('{table}', {old}, NULL);
    END IF;
    RETURN NULL;
END $$
"""


def install_postgres(connection: psycopg.Connection[Any]) -> None:
    """Give a fresh PostgreSQL connection (psycopg's) its journal table, and turn its journal on."""
    with connection.cursor() as cursor:
        for statement in _PG_SESSION:
            cursor.execute(statement)
    connection.commit()


def postgres_triggers(tables: Sequence[str] = JOURNALED) -> list[str]:
    """The statements that make a PostgreSQL library's journal triggers on `tables` (run by migrations)."""
    statements = []
    for table in tables:
        statements.append(_pg_function(table))
        skip = sorted(_BOOKKEEPING.get(table, set()))
        args = ", ".join(f"'{c}'" for c in skip)
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"journal_{table}_{event.lower()}"
            # Moving through a text updates bookkeeping alone: no change to journal.
            when = (
                f" WHEN ((to_jsonb(OLD) - ARRAY[{args}]) IS DISTINCT FROM (to_jsonb(NEW) - ARRAY[{args}]))"
                if event == "UPDATE" and skip
                else ""
            )
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} "
                f"EXECUTE FUNCTION marginalia_journal_{table}()"
            )
    return statements


def _postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def defer_links(conn: Connection) -> None:
    """Check the links between rows at commit, not at each row: undo puts rows back in any order."""
    conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED" if _postgres(conn) else "PRAGMA defer_foreign_keys=ON")


# The key of the lock every change of a shared library takes (any number the group's
# database does not use for another lock).
_WRITER_LOCK = 0x4D617267


def start(conn: Connection) -> None:
    """Begin a journal for the current transaction (anything left from before is dropped).

    On PostgreSQL, the transaction first waits for the library's writer lock, held to its
    end: changes are then made one after another, as SQLite's BEGIN IMMEDIATE makes them,
    and the history's stamps rise in the order the changes were committed (a window
    reading "changes after stamp N" never misses one committed late with a lower stamp).
    """
    if _postgres(conn):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITER_LOCK})")
        conn.exec_driver_sql("DELETE FROM pg_temp.journal")
    else:
        conn.exec_driver_sql("DELETE FROM temp.journal")


@contextmanager
def noted_at_once(conn: Connection, table: str, where: str, params: Mapping[str, Any]) -> Iterator[None]:
    """Insert many rows into `table` inside, journaled by one statement after them, not by a trigger each.

    The trigger fired once a row cost three times the rows' own insert (100,000 highlights
    and their theme links: 3.3 s against 1.0 s). The rows inserted inside must be exactly
    those `where` selects from `table` afterwards: they are noted with the images the
    trigger would have written, in the order of the table's key. An error inside leaves
    the trigger off until the transaction is rolled back, which puts it back (SQLite's
    temporary triggers and PostgreSQL's local settings are both undone with it).
    """
    postgres = _postgres(conn)
    if postgres:
        conn.exec_driver_sql("SELECT set_config('marginalia.journal', 'off', true)")
    else:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS temp.journal_{table}_insert")
    yield
    if postgres:
        conn.exec_driver_sql("SELECT set_config('marginalia.journal', 'on', true)")
    else:
        conn.exec_driver_sql(_ON_INSERT[table])
    into, image = (
        ("pg_temp.journal (tbl, old, new)", _pg_json(table, table))
        if postgres
        else (f"temp.journal (tbl, old, new, {', '.join(FIELDS)})", f"{_json(table, table)}, {_fields(table, table)}")
    )
    order = ", ".join(keys(table))
    conn.execute(
        text(f"INSERT INTO {into} SELECT '{table}', NULL, {image} FROM {table} WHERE {where} ORDER BY {order}"), params
    )


_READ = f"SELECT tbl, old, new, {', '.join(FIELDS)} FROM temp.journal ORDER BY seq"
_READ_PG = "SELECT tbl, old, new, {} FROM pg_temp.journal ORDER BY seq".format(
    ", ".join(f"(coalesce(new, old)::jsonb ->> '{name}')::bigint" for name in FIELDS)
)


def read(conn: Connection) -> list[Entry]:
    """Return what the current transaction touched so far, in order."""
    entries = [
        Entry(tbl, old, new, dict(zip(FIELDS, fields, strict=True)))
        for tbl, old, new, *fields in conn.exec_driver_sql(_READ_PG if _postgres(conn) else _READ).all()
    ]
    return _children_first(entries) if _postgres(conn) else entries


def _children_first(entries: list[Entry]) -> list[Entry]:
    """Put each run of deletions in the order SQLite notes them: rows a cascade took, before their parent.

    PostgreSQL notes a deleted row before the rows its deletion cascades to; a redo that
    deleted in that order would find the children gone already, taken by the cascade.
    """
    out: list[Entry] = []
    run: list[Entry] = []
    for entry in entries:
        if entry.after is None:
            run.append(entry)
            continue
        out.extend(reversed(run))
        run = []
        out.append(entry)
    out.extend(reversed(run))
    return out


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
    image = _pg_json(table, table) if _postgres(conn) else _json(table, table)
    mark = "%s" if _postgres(conn) else "?"
    for i in range(0, len(firsts), _CHUNK):
        chunk = firsts[i : i + _CHUNK]
        # Through the driver: a textual statement makes a bound parameter of each of its
        # placeholders, a third of undoing an import of 100,000 highlights.
        placeholders = ", ".join([mark] * len(chunk))
        rows = conn.exec_driver_sql(
            f"SELECT {', '.join(names)}, {image} FROM {table} WHERE {names[0]} IN ({placeholders})", tuple(chunk)
        )
        for row in rows.all():
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
    # Through the driver, positionally: SQLAlchemy built each row's parameters from a
    # textual statement's, a tenth of undoing an import of 100,000 highlights.
    table = run[0].table
    names = keys(table)
    mark = "%s" if _postgres(conn) else "?"
    where = " AND ".join(f"{k} = {mark}" for k in names)
    if kind == "delete":
        conn.exec_driver_sql(f"DELETE FROM {table} WHERE {where}", [tuple(s.key) for s in run])
        return
    images = [{**(_FRESH.get(table, {}) if kind == "insert" else {}), **json.loads(s.image or "{}")} for s in run]
    columns = list(images[0])
    if kind == "insert":
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
        conn.exec_driver_sql(sql, [tuple(image[c] for c in columns) for image in images])
        return
    assignments = ", ".join(f"{c} = {mark}" for c in columns)
    conn.exec_driver_sql(
        f"UPDATE {table} SET {assignments} WHERE {where}",
        [(*(image[c] for c in columns), *s.key) for s, image in zip(run, images, strict=True)],
    )


class WatchError(Exception):
    """The library cannot be watched now (the file moved away, the server went): look again later."""


class Watching(Protocol):
    """What notices other connections' changes: a file's `Watcher`, a server's `db.shared.Listener`."""

    def changed(self) -> bool:
        """Return whether anyone committed since the last call (raise `WatchError` if it cannot tell)."""

    def close(self) -> None:
        """Stop watching."""


class Watcher:
    """Notices, cheaply, that another connection (a window, a command) committed a change.

    SQLite's `PRAGMA data_version` changes on a connection when another connection has
    committed since it was last asked; asking costs microseconds and takes no lock.
    """

    def __init__(self, path: Path) -> None:
        """Watch the library at `path`, through a connection of its own that only reads.

        Raises:
            WatchError: If the file cannot be opened now.
        """
        try:
            self._connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
            self._version = self._read()
        except sqlite3.Error as exc:
            raise WatchError(str(exc)) from exc

    def _read(self) -> int:
        value: int = self._connection.execute("PRAGMA data_version").fetchone()[0]
        return value

    def changed(self) -> bool:
        """Return whether anyone committed since the last call."""
        try:
            version = self._read()
        except sqlite3.Error as exc:
            raise WatchError(str(exc)) from exc
        changed, self._version = version != self._version, version
        return changed

    def close(self) -> None:
        """Stop watching."""
        self._connection.close()
