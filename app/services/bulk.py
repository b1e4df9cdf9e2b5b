"""Writing many highlights at once: rows with ids given here, inserted in one statement.

An import may bring a hundred thousand highlights; one ORM object and flush each would
take most of its time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, text
from sqlalchemy.orm import Session

from app.domain.anchors import Quote
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
    """Insert highlight rows (from `highlight_row`) and their theme links with the driver's executemany.

    SQLAlchemy's bulk insert built each row's parameters in Python: 1.5 s of an import of
    100,000 highlights, more than the rows took to write. Dates are stored as SQLAlchemy
    stores them, through its own converter.
    """
    s.flush()  # what the session holds goes first, as an ORM statement's autoflush would send it
    conn = s.connection()
    to_text = DateTime().bind_processor(conn.dialect) or (lambda value: value)
    for table, batch in ((Base.metadata.tables["highlights"], rows), (Base.metadata.tables["highlight_tags"], links)):
        if not batch:
            continue
        names = list(batch[0])
        dated = [i for i, name in enumerate(names) if isinstance(table.c[name].type, DateTime)]
        values: list[tuple[Any, ...]] = []
        for row in batch:
            cells = [row[name] for name in names]
            for i in dated:
                cells[i] = to_text(cells[i])
            values.append(tuple(cells))
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        columns, marks = ", ".join(names), ", ".join([mark] * len(names))
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", values)
    if rows and "id" in rows[0] and conn.dialect.name == "postgresql":
        conn.execute(text(_PAST_IDS))
