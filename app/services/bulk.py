"""Writing many highlights at once: rows with ids given here, inserted in one statement.

An import may bring a hundred thousand highlights; one ORM object and flush each would
take most of its time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, DateTime, text
from sqlalchemy.orm import Session

from app.domain.anchors import Quote
from db import journal
from db.models import Base


def highlight_row(
    highlight_id: int | None,
    place: tuple[int, int, int, int],
    quote: Quote,
    note: str,
    review: str,
    made: tuple[datetime, str],
) -> dict[str, object]:
    """A highlight's row: `place` is its document, edition, start and end; `made` when and by whom.

    Without an id, the database gives one.
    """
    when, author = made
    document_id, version_id, start, end = place
    return {
        **({} if highlight_id is None else {"id": highlight_id}),
        "document_id": document_id,
        "version_id": version_id,
        "made_on_version_id": version_id,
        "start_offset": start,
        "end_offset": end,
        "exact": quote.exact,
        "prefix": quote.prefix,
        "suffix": quote.suffix,
        "note": note,
        "review_from": review,
        "author": author,
        "created_at": when,
        "updated_at": when,
    }


_NEXT_ID = {
    "sqlite": "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'highlights'), 0), "
    "coalesce((SELECT max(id) FROM highlights), 0)) + 1",
    # nextval is never given twice, even to a transaction rolled back since.
    "postgresql": "SELECT greatest(nextval(pg_get_serial_sequence('highlights', 'id')), "
    "coalesce((SELECT max(id) FROM highlights), 0) + 1)",
}
# After rows with ids of our own: the sequence goes on above them.
_PAST_IDS = "SELECT setval(pg_get_serial_sequence('highlights', 'id'), (SELECT max(id) FROM highlights))"


def next_highlight_id(s: Session) -> int:
    """The id the next highlight takes: above every id used, deleted ones included (AUTOINCREMENT)."""
    return int(s.execute(text(_NEXT_ID[s.connection().dialect.name])).scalar_one())


def write_highlights(s: Session, rows: Sequence[Mapping[str, Any]], links: Sequence[Mapping[str, Any]] = ()) -> None:
    """Insert highlight rows (from `highlight_row`, with ids) and theme links with the driver's executemany.

    SQLAlchemy's bulk insert built each row's parameters in Python: 1.5 s of an import of
    100,000 highlights, more than the rows took to write. The new rows, and the links of
    new highlights, are journaled at once (`journal.noted_at_once`); links given to
    highlights already there (a re-import) by the journal's trigger as usual.
    """
    s.flush()  # what the session holds goes first, as an ORM statement's autoflush would send it
    conn = s.connection()
    # The new rows' ids are above every id used (`next_highlight_id`): they are this span.
    ids = [row["id"] for row in rows]
    span = {"first": min(ids, default=0), "last": max(ids, default=-1)}
    new = [span["first"] <= link["highlight_id"] <= span["last"] for link in links]
    fresh = [link for link, is_new in zip(links, new, strict=True) if is_new]
    for table, batch, key in (("highlights", rows, "id"), ("highlight_tags", fresh, "highlight_id")):
        if batch:
            with journal.noted_at_once(conn, table, f"{key} BETWEEN :first AND :last", span):
                _insert(conn, table, batch)
    if len(fresh) < len(links):
        _insert(conn, "highlight_tags", [link for link, is_new in zip(links, new, strict=True) if not is_new])
    if rows and conn.dialect.name == "postgresql":
        conn.execute(text(_PAST_IDS))


def _insert(conn: Connection, name: str, batch: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows of one table, all with the same keys; dates stored as SQLAlchemy stores them."""
    table = Base.metadata.tables[name]
    # The dialect's own converter (the generic type has none): SQLite's writes microseconds
    # always, as every other row's times, where the driver's would drop ".000000".
    converter = DateTime().dialect_impl(conn.dialect).bind_processor(conn.dialect)
    to_text: Callable[[Any], Any] = converter if converter is not None else (lambda value: value)
    names = list(batch[0])
    dated = [i for i, column in enumerate(names) if isinstance(table.c[column].type, DateTime)]
    values: list[tuple[Any, ...]] = []
    for row in batch:
        cells = [row[column] for column in names]
        for i in dated:
            cells[i] = to_text(cells[i])
        values.append(tuple(cells))
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    columns, marks = ", ".join(names), ", ".join([mark] * len(names))
    conn.exec_driver_sql(f"INSERT INTO {name} ({columns}) VALUES ({marks})", values)
