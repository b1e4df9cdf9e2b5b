"""A search query made ready for the index: which documents, themes and highlights it may find.

The plan is the same for both back ends; each index (`search_fts5`, `search_pg`) turns
its words into its own match expressions.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from sqlalchemy import Connection, select

from app.domain.search import Hit, Query
from db import search as index
from db.models import DocumentRow

# Words either side of a match in a snippet.
SNIPPET_TOKENS = 12
OPEN, CLOSE = index.MARKS[0], index.MARKS[1]
# A hit and its score: lower is better (FTS5's rank, PostgreSQL's rank negated).
Scored = tuple[float, Hit]


def count_matches(
    rows: Sequence[Sequence[Any]], limit: int, counts: dict[int, int], every: Callable[[], Iterable[Any]]
) -> None:
    """Add each document's matches to `counts`, from the best `rows` when they are all of them.

    `rows` hold the document id second. When there are `limit` of them there may be more
    matches: `every` counts them per document, as (document id, count) rows.
    """
    found = Counter(row[1] for row in rows).items() if len(rows) < limit else every()
    for document_id, n in found:
        counts[document_id] = counts.get(document_id, 0) + n


class Plan:
    """A query and the documents, themes and highlights its filters leave."""

    def __init__(
        self, query: Query, documents: list[int] | None, tag_ids: set[int] | None, text_documents: list[int] | None
    ) -> None:
        """Plan `query`; None for a filter that leaves everything."""
        self.query = query
        self.documents = documents
        self.tag_ids = tag_ids
        # Whose texts to look in: the filters on documents, and `added:` by the document's date.
        self.text_documents = text_documents

    def highlight_conditions(self, mark: str) -> tuple[str, list[Any]]:
        """Return the SQL conditions (and parameters, each written `mark`) of the filters on highlights `h`.

        The text's passages are filtered by `text_documents` instead; words left out
        (`-word` alone) are the index's to add.
        """
        sql: list[str] = []
        params: list[Any] = []
        if self.documents is not None:
            sql.append(f"h.document_id IN ({', '.join([mark] * len(self.documents)) or 'NULL'})")
            params.extend(self.documents)
        if self.query.added_from is not None:
            sql.append(f"h.created_at >= {mark}")
            params.append(self.query.added_from.isoformat(sep=" "))
        if self.query.added_before is not None:
            sql.append(f"h.created_at < {mark}")
            params.append(self.query.added_before.isoformat(sep=" "))
        if self.tag_ids is not None:
            ids = ", ".join(str(i) for i in sorted(self.tag_ids)) or "NULL"
            sql.append(f"h.id IN (SELECT highlight_id FROM highlight_tags WHERE tag_id IN ({ids}))")
        if self.query.untagged:
            sql.append("NOT EXISTS (SELECT 1 FROM highlight_tags WHERE highlight_id = h.id)")
        return "".join(f" AND {c}" for c in sql), params


def placed_on(hits: list[Hit], marked: dict[int, str]) -> list[Hit]:
    """Text hits with `start` and `end` on the first match marked in their passage (`marked`, by passage id)."""
    placed = []
    for hit in hits:
        at = _first_marked(marked.get(hit.passage, "")) if hit.passage is not None else None
        placed.append(hit if at is None else replace(hit, start=hit.start + at[0], end=hit.start + at[1]))
    return placed


def _first_marked(text: str) -> tuple[int, int] | None:
    """Return where the first marked match is in a highlighted passage (code points of the passage)."""
    start = text.find(OPEN)
    if start < 0:
        return None
    end = text.find(CLOSE, start)
    plain = text.replace(OPEN, "").replace(CLOSE, "")
    return index.original(plain, start), index.original(plain, end - 1)


def _kind_of(columns: list[str]) -> tuple[str, str]:
    """Return which of a highlight's snippets (quote, note, themes) holds the match, and that snippet."""
    return next(
        ((k, c) for k, c in zip(("quote", "note", "theme"), columns, strict=True) if OPEN in c),
        ("quote", columns[0]),
    )


def mark_results(
    conn: Connection,
    found: Sequence[Sequence[Any]],
    limit: int,
    counts: dict[int, int],
    snippets: Callable[[list[int]], dict[int, list[str]]],
) -> list[Scored]:
    """The best `limit` of the highlights found, as hits; `counts` gets every one per document.

    Args:
        conn: The search's connection.
        found: Rows of (highlight id, document id, start, end, score), lower scores better.
        limit: How many hits to make.
        counts: Hits per document, added to.
        snippets: Gives the snippets of quote, note and themes of the highlights chosen, by id.
    """
    for row in found:
        counts[row[1]] = counts.get(row[1], 0) + 1
    best = heapq.nsmallest(limit, found, key=lambda r: (r[4], r[0]))
    shown = snippets([r[0] for r in best])
    chosen = {r[1] for r in best}
    named: dict[int, str] = (
        dict(conn.execute(select(DocumentRow.id, DocumentRow.title).where(DocumentRow.id.in_(chosen))).all())
        if chosen
        else {}
    )
    hits = []
    for hid, document_id, start, end, rank in best:
        kind, snippet = _kind_of(shown[hid])
        hits.append((rank, Hit(document_id, named[document_id], kind, snippet, start, end, hid)))
    return hits


class TextIndex(Protocol):
    """What a back end's full-text index answers for a plan (`search_fts5.Fts5Index`, `search_pg.PostgresIndex`)."""

    mark: str  # how the driver writes a parameter

    def text_hits(self, conn: Connection, plan: Plan, limit: int, counts: dict[int, int]) -> list[Scored]:
        """The best `limit` passages of text the words match; `counts` gets every match per document."""

    def mark_hits(self, conn: Connection, plan: Plan, limit: int, counts: dict[int, int]) -> list[Scored]:
        """The best `limit` highlights whose quote, note or themes the words match; `counts` gets them all."""

    def placed(self, conn: Connection, plan: Plan, hits: list[Hit]) -> list[Hit]:
        """Text hits with `start` and `end` on the first words each matched."""

    def conditions(self, conn: Connection, plan: Plan) -> tuple[str, list[Any]]:
        """The plan's conditions on highlights `h`, with the words a query of exclusions alone leaves out."""

    def matching_ids(self, conn: Connection, plan: Plan) -> set[int]:
        """Every highlight the plan's words (and filters) find."""
