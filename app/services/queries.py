"""Read queries shared by the services: the theme tree and highlights as plain values."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from app.domain.values import DocumentSummary, Highlight, Tag
from app.services.errors import NotFoundError
from db.models import Base, DocumentRow, HighlightRow, HighlightTagRow, PrivateNoteRow, TagRow


def all_tags(s: Session) -> dict[int, Tag]:
    """Return every theme by id, with its full path.

    Plain rows, not ORM objects: every refresh of the themes panel reads the whole tree.
    """
    rows = {
        r.id: r
        for r in s.execute(
            select(TagRow.id, TagRow.parent_id, TagRow.name, TagRow.colour, TagRow.description, TagRow.pinned)
        )
    }
    paths: dict[int, str] = {}

    def path_of(tag_id: int) -> str:
        if tag_id not in paths:
            r = rows[tag_id]
            paths[tag_id] = r.name if r.parent_id is None else f"{path_of(r.parent_id)}/{r.name}"
        return paths[tag_id]

    return {
        i: Tag(
            id=i,
            name=r.name,
            path=path_of(i),
            parent_id=r.parent_id,
            colour=r.colour,
            description=r.description,
            pinned=r.pinned,
        )
        for i, r in rows.items()
    }


@contextmanager
def collection_paused() -> Iterator[None]:
    """Hold off Python's cycle collector while many objects are made at once.

    Each full collection walks every object alive, and making 100,000 highlights (each
    a value, a tuple, two times and four strings) set off enough of them to double the
    cost of reading them. The values hold no cycles; the collector runs again after.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def read_highlights(s: Session, tags: dict[int, Tag], *conditions: Any) -> list[Highlight]:  # noqa: ANN401 - SQL clauses
    """Return the highlights matching `conditions`, by document and text order, as plain rows.

    Building ORM objects for each row cost about 30 µs a highlight; read-only values
    need none of what they track.
    """
    h = HighlightRow.__table__.c
    private = _private_notes(s)
    links: dict[int, list[Tag]] = {}
    for hid, tid in s.execute(
        select(HighlightTagRow.highlight_id, HighlightTagRow.tag_id)
        .join(HighlightRow, HighlightRow.id == HighlightTagRow.highlight_id)
        .where(*conditions)
        .order_by(HighlightTagRow.highlight_id, HighlightTagRow.position)
    ):
        links.setdefault(hid, []).append(tags[tid])
    query = (
        select(
            h.id,
            h.document_id,
            h.version_id,
            h.start_offset,
            h.end_offset,
            h.exact,
            h.prefix,
            h.suffix,
            h.note,
            # As stored: SQLAlchemy's parsing of SQLite times took half a second for
            # 100,000 highlights; datetime.fromisoformat reads the same text in a tenth.
            type_coerce(h.created_at, String).label("created_at"),
            type_coerce(h.updated_at, String).label("updated_at"),
            h.made_on_version_id,
            h.review_from,
            h.author,
        )
        .where(*conditions)
        .order_by(h.document_id, h.start_offset, h.end_offset, h.id)
    )
    # Positional rows fetched at once, and values made positionally: reading 100,000
    # highlights a row at a time by name cost twice what the rows themselves do.
    # PostgreSQL's driver gives times already made.
    fromiso = datetime.fromisoformat if s.connection().dialect.name == "sqlite" else _as_is
    with collection_paused():
        return [
            Highlight(
                hid,
                document_id,
                version_id,
                start,
                end,
                exact,
                prefix,
                suffix,
                private.get(hid, note),
                tuple(links.get(hid, ())),
                fromiso(created_at),
                fromiso(updated_at),
                made_on,
                review_from,
                author,
                hid in private,
            )
            for (
                hid,
                document_id,
                version_id,
                start,
                end,
                exact,
                prefix,
                suffix,
                note,
                created_at,
                updated_at,
                made_on,
                review_from,
                author,
            ) in s.connection().execute(query).all()
        ]


def _private_notes(s: Session) -> dict[int, str]:
    """The private notes the connected person may read, by highlight.

    A private note stands in for its highlight's own note, which is empty (for everyone
    else, who cannot read the note, it stays empty: row-level security, db.group). Read
    whole, a person's few private notes cost nothing; joined to the highlights asked for,
    they made reading 100,000 highlights a third slower, and finding them among those
    highlights 15 ms even when there were none.
    """
    p = PrivateNoteRow.__table__.c
    return {int(hid): str(note) for hid, note in s.connection().execute(select(p.highlight_id, p.note))}


def summary_of(doc: DocumentRow, highlight_count: int, words: int) -> DocumentSummary:
    """Return the library-list row of a document."""
    return DocumentSummary(
        id=doc.id,
        title=doc.title,
        author=doc.author,
        highlight_count=highlight_count,
        added_at=doc.added_at,
        format=doc.format,
        word_count=words,
        date=doc.date,
        source=doc.source,
    )


R = TypeVar("R", bound=Base)

# Ids per IN (...) list: well under SQLite's limit on bound parameters.
CHUNK = 500


def chunks(ids: Sequence[int]) -> list[list[int]]:
    """Cut a list of ids into lists short enough for one IN (...) each."""
    return [list(ids[i : i + CHUNK]) for i in range(0, len(ids), CHUNK)]


def existing(s: Session, model: type[R], key: int, what: str) -> R:
    """Return the row `key` of `model`, or say plainly that there is no such `what` (a document, a theme)."""
    row = s.get(model, key)
    if row is None:
        raise NotFoundError(f"There is no {what} {key} in the library.")
    return row


def _as_is(value: datetime) -> datetime:
    return value
