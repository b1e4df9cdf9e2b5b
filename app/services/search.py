"""Search across the whole library: words through the FTS5 index, filters through SQL.

The query language is read by `app.domain.search`; this module turns a `Query` into FTS5
match expressions (in the index's form, see `db.search`) and SQL conditions, and reads
back snippets, ranks (bm25) and the place of each match from FTS5 itself.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.domain.export import Locator
from app.domain.search import Hit, Query, Results, Term, fold
from app.domain.structure import Structure
from app.domain.values import Highlight, Tag
from app.services.base import ServiceBase
from app.services.errors import storage
from app.services.queries import read_highlights
from db import search as index
from db.models import HighlightRow

# Words either side of a match in a snippet.
SNIPPET_TOKENS = 12
_OPEN, _CLOSE = index.MARKS[0], index.MARKS[1]


class NotebookOrder(Enum):
    """How the notebook lists highlights."""

    DATE = "date"
    DOCUMENT = "document"
    THEME = "theme"


def _phrase(term: Term) -> str:
    body = index.indexed_form(term.text).replace('"', '""')
    return f'"{body}"' + ("*" if term.prefix else "")


def match_expression(terms: Iterable[Iterable[Term]]) -> str:
    """Return the FTS5 expression for groups of terms: all groups, any term in each."""
    parts = []
    for group in terms:
        phrases = [_phrase(t) for t in group]
        parts.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    return " AND ".join(parts)


def _when(stored: str | datetime) -> datetime:
    """Return a date as the library stores it (SQLite hands back text) as a datetime."""
    return stored if isinstance(stored, datetime) else datetime.fromisoformat(stored)


def _titles(conn: Connection, ids: set[int]) -> dict[int, str]:
    """Return the titles of these documents."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    return dict(conn.exec_driver_sql(f"SELECT id, title FROM documents WHERE id IN ({marks})", tuple(ids)).all())


def _marked(text: str) -> tuple[int, int] | None:
    """Return where the first marked match is in a highlighted passage (code points of the passage)."""
    start = text.find(_OPEN)
    if start < 0:
        return None
    end = text.find(_CLOSE, start)
    plain = text.replace(_OPEN, "").replace(_CLOSE, "")
    return index.original(plain, start), index.original(plain, end - 1)


class _Plan:
    """A query's SQL: the FTS5 expressions and the conditions on documents and highlights."""

    def __init__(
        self, query: Query, documents: list[int] | None, tag_ids: set[int] | None, text_documents: list[int] | None
    ) -> None:
        self.query = query
        positive = match_expression(query.groups)
        negative = match_expression([query.excluded]) if query.excluded else ""
        self.text = f"({positive}) NOT ({negative})" if positive and negative else positive
        columns = {"quotes": "quote", "notes": "note"}
        chosen = [columns[w] for w in sorted(query.where) if w in columns]
        scope = "{" + " ".join(chosen) + "} : " if chosen else ""
        self.marks = f"{scope}({self.text})" if self.text else ""
        self.negative = negative
        self.documents = documents
        self.tag_ids = tag_ids
        # Whose texts to look in: the filters on documents, and `added:` by the document's date.
        self.text_documents = text_documents

    def highlight_conditions(self) -> tuple[str, list[Any]]:
        """Return the SQL conditions (and parameters) of the filters on highlights `h`.

        The text's passages are filtered by `text_documents` instead.
        """
        sql: list[str] = []
        params: list[Any] = []
        if self.documents is not None:
            sql.append(f"h.document_id IN ({', '.join('?' * len(self.documents)) or 'NULL'})")
            params.extend(self.documents)
        if self.query.added_from is not None:
            sql.append("h.created_at >= ?")
            params.append(self.query.added_from.isoformat(sep=" "))
        if self.query.added_before is not None:
            sql.append("h.created_at < ?")
            params.append(self.query.added_before.isoformat(sep=" "))
        if self.tag_ids is not None:
            ids = ", ".join(str(i) for i in sorted(self.tag_ids)) or "NULL"
            sql.append(f"h.id IN (SELECT highlight_id FROM highlight_tags WHERE tag_id IN ({ids}))")
        if self.query.untagged:
            sql.append("NOT EXISTS (SELECT 1 FROM highlight_tags WHERE highlight_id = h.id)")
        if self.negative and not self.text:
            sql.append("h.id NOT IN (SELECT rowid FROM search_marks WHERE search_marks MATCH ?)")
            params.append(self.negative)
        return "".join(f" AND {c}" for c in sql), params


class Search(ServiceBase):
    """The search use cases of the library service."""

    @storage
    def index_missing(self) -> int:
        """Return how many documents the search index lacks or holds in an old edition (0: up to date)."""
        with self._sessions.begin() as s:
            todo = index.missing(s.connection())
            return len(todo.documents) + (1 if todo.highlights else 0)

    @storage
    def build_index(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Index whatever the index lacks, one document per transaction; return how many documents.

        Args:
            progress: Told (done, total) after each document; it may raise to stop (what
                is indexed stays, and the next call goes on from there).
        """
        with self._sessions.begin() as s:
            todo = index.missing(s.connection())
        total = len(todo.documents) + 1
        for done, document_id in enumerate(todo.documents, 1):
            with self._sessions.begin() as s:
                index.index_document(s.connection(), document_id)
            if progress is not None:
                progress(done, total)
        with self._sessions.begin() as s:
            index.index_highlights(s.connection(), todo.highlights)
        if progress is not None:
            progress(total, total)
        return len(todo.documents)

    @storage
    def search(self, query: Query, limit: int = 50, *, cite: bool = False, places: bool = True) -> Results:
        """Return the best `limit` hits of a query, grouped by document, and the counts of all hits.

        Args:
            query: The query (`app.domain.search.parse`).
            limit: How many hits to return at most.
            cite: Whether to work out each hit's citation (chapter, page, paragraph):
                that reads the texts of the documents hit, so the window does without.
            places: Whether to find where in its passage each text hit's words are
                (`start`, `end`); without, they are the passage's start, and `place`
                finds them for the one hit opened.
        """
        with self._sessions.begin() as s:
            plan = self._plan(s, query)
            conn = s.connection()
            counts: dict[int, int] = {}
            scored: list[tuple[float, Hit]] = []
            if plan.text and query.looks_in("text"):
                scored += self._text_hits(conn, plan, limit, counts)
            if query.looks_in("quotes") or query.looks_in("notes"):
                if plan.marks:
                    scored += self._mark_hits(conn, plan, limit, counts)
                elif not query.is_empty and not query.has_words:
                    scored += self._listed(conn, plan, limit, counts)
            hits = self._grouped(scored, limit)
            if places:
                hits = self._placed(conn, plan, hits)
            if cite:
                hits = self._cited(s, hits)
        return Results(hits=tuple(hits), counts=counts, problems=query.problems)

    @storage
    def notebook(self, query: Query, order: NotebookOrder = NotebookOrder.DATE) -> list[Highlight]:
        """Return every highlight of the library the query finds (all of them for an empty query), sorted."""
        with self._sessions.begin() as s:
            plan = self._plan(s, query)
            found = self._highlight_ids(s.connection(), plan) if not query.is_empty else None
            tags = self._all_tags(s)
            rows = read_highlights(s, tags) if found is None else self._highlights_in(s, tags, found)
            titles: dict[int, str] = dict(s.connection().exec_driver_sql("SELECT id, title FROM documents").all())
        if order is NotebookOrder.DATE:
            rows.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        elif order is NotebookOrder.DOCUMENT:
            rows.sort(key=lambda r: (fold(titles.get(r.document_id, "")), r.document_id, r.start))
        else:
            rows.sort(key=lambda r: (not r.tags, min((fold(t.path) for t in r.tags), default=""), r.created_at))
        return rows

    # Planning -------------------------------------------------------------------------

    def _plan(self, s: Session, query: Query) -> _Plan:
        conn = s.connection()
        documents: list[int] | None = None
        text_documents: list[int] | None = None
        dated = query.added_from is not None or query.added_before is not None
        if query.doc or query.author or query.formats or dated:
            low, high = query.added_from or datetime.min, query.added_before or datetime.max
            rows = conn.exec_driver_sql("SELECT id, title, author, format, added_at FROM documents").all()
            documents = [
                i
                for i, title, author, fmt, _added in rows
                if fold(title).startswith(query.doc)
                and query.author in fold(author)
                and (not query.formats or fmt.lower() in query.formats)
            ]
            chosen = set(documents)
            text_documents = [i for i, *_, added in rows if i in chosen and low <= _when(added) < high]
            if not (query.doc or query.author or query.formats):
                documents = None
        tag_ids: set[int] | None = None
        if query.themes:
            tags = self._all_tags(s)
            tag_ids = set()
            for wanted in query.themes:
                root = fold(wanted.strip("/"))
                tag_ids |= {t.id for t in tags.values() if fold(t.path) == root or fold(t.path).startswith(root + "/")}
        return _Plan(query, documents, tag_ids, text_documents)

    # Reading hits ---------------------------------------------------------------------

    def _text_hits(self, conn: Connection, plan: _Plan, limit: int, counts: dict[int, int]) -> list[tuple[float, Hit]]:
        # A passage's document is in its rowid's high bits: counting needs no join. The
        # best ones are ranked and cut first, then joined to their places and titles.
        where = ""
        params: tuple[int, ...] = ()
        if plan.text_documents is not None:
            where = f" AND (rowid >> {index.DOCUMENT_SHIFT}) IN ({', '.join('?' * len(plan.text_documents)) or 'NULL'})"
            params = tuple(plan.text_documents)
        rows = conn.exec_driver_sql(
            "SELECT best.id, p.document_id, d.title, p.start, best.score, best.snippet FROM ("
            f"SELECT rowid AS id, rank AS score, snippet(search_text, 0, ?, ?, '…', {SNIPPET_TOKENS}) AS snippet "
            f"FROM search_text WHERE search_text MATCH ?{where} ORDER BY rank LIMIT ?) AS best "
            "JOIN search_passages p ON p.id = best.id JOIN documents d ON d.id = p.document_id ORDER BY best.score",
            (_OPEN, _CLOSE, plan.text, *params, limit),
        ).all()
        if len(rows) < limit:  # every match is here: counting them needs no second pass
            for row in rows:
                counts[row[1]] = counts.get(row[1], 0) + 1
        else:
            for document_id, n in conn.exec_driver_sql(
                f"SELECT rowid >> {index.DOCUMENT_SHIFT}, count(*) FROM search_text WHERE search_text MATCH ?{where} "
                "GROUP BY 1",
                (plan.text, *params),
            ):
                counts[document_id] = counts.get(document_id, 0) + n
        return [
            (score, Hit(document_id, title, "text", index.displayed(snippet), start, start, passage=passage))
            for passage, document_id, title, start, score, snippet in rows
        ]

    @staticmethod
    def _snippets(conn: Connection, table: str, columns: str, match: str, rowids: list[int]) -> dict[int, list[str]]:
        """Return FTS5 snippets of these rows, one per column named (as SQL numbers), shown as the text has them."""
        if not rowids:
            return {}
        calls = ", ".join(f"snippet({table}, {c}, ?, ?, '…', {SNIPPET_TOKENS})" for c in columns.split(","))
        marks = ", ".join("?" * len(rowids))
        rows = conn.exec_driver_sql(
            f"SELECT rowid, {calls} FROM {table} WHERE {table} MATCH ? AND rowid IN ({marks})",
            (*(_OPEN, _CLOSE) * len(columns.split(",")), match, *rowids),
        )
        return {rowid: [index.displayed(text) for text in texts] for rowid, *texts in rows}

    @storage
    def place(self, hit: Hit, query: Query) -> Hit:
        """Return a text hit with `start` and `end` on the first words it matched (others as they are)."""
        if hit.passage is None:
            return hit
        with self._sessions.begin() as s:
            [placed] = self._placed(s.connection(), self._plan(s, query), [hit])
        return placed

    @staticmethod
    def _placed(conn: Connection, plan: _Plan, hits: list[Hit]) -> list[Hit]:
        """Put each text hit's `start` and `end` on the first words it matched, read from FTS5's highlight()."""
        passages = [h.passage for h in hits if h.passage is not None]
        if not passages:
            return hits
        marks = ", ".join("?" * len(passages))
        marked: dict[int, str] = dict(
            conn.exec_driver_sql(
                f"SELECT rowid, highlight(search_text, 0, ?, ?) FROM search_text "
                f"WHERE search_text MATCH ? AND rowid IN ({marks})",
                (_OPEN, _CLOSE, plan.text, *passages),
            ).all()
        )
        placed = []
        for hit in hits:
            at = _marked(marked.get(hit.passage, "")) if hit.passage is not None else None
            placed.append(hit if at is None else replace(hit, start=hit.start + at[0], end=hit.start + at[1]))
        return placed

    def _mark_hits(self, conn: Connection, plan: _Plan, limit: int, counts: dict[int, int]) -> list[tuple[float, Hit]]:
        where, params = plan.highlight_conditions()
        found = conn.exec_driver_sql(
            "SELECT h.id, h.document_id, h.start_offset, h.end_offset, rank FROM search_marks "
            f"JOIN highlights h ON h.id = search_marks.rowid WHERE search_marks MATCH ?{where}",
            (plan.marks, *params),
        ).all()
        for _hid, document_id, _start, _end, _rank in found:
            counts[document_id] = counts.get(document_id, 0) + 1
        best = heapq.nsmallest(limit, found, key=lambda r: r[4])
        snippets = self._snippets(conn, "search_marks", "0,1,2", plan.marks, [r[0] for r in best])
        titles = _titles(conn, {r[1] for r in best})
        hits = []
        for hid, document_id, start, end, rank in best:
            columns = snippets[hid]
            kind, snippet = next(
                ((k, c) for k, c in zip(("quote", "note", "theme"), columns, strict=True) if _OPEN in c),
                ("quote", columns[0]),
            )
            hits.append((rank, Hit(document_id, titles[document_id], kind, snippet, start, end, hid)))
        return hits

    def _listed(self, conn: Connection, plan: _Plan, limit: int, counts: dict[int, int]) -> list[tuple[float, Hit]]:
        """Highlights a query of filters alone finds (no words to rank by): newest first."""
        where, params = plan.highlight_conditions()
        base = f"FROM highlights h JOIN documents d ON d.id = h.document_id WHERE 1{where}"
        for document_id, n in conn.exec_driver_sql(f"SELECT h.document_id, count(*) {base} GROUP BY 1", tuple(params)):
            counts[document_id] = n
        rows = conn.exec_driver_sql(
            f"SELECT h.id, h.document_id, d.title, h.start_offset, h.end_offset, h.exact {base} "
            "ORDER BY h.created_at DESC LIMIT ?",
            (*params, limit),
        )
        return [(0.0, Hit(d, title, "quote", exact, start, end, hid)) for hid, d, title, start, end, exact in rows]

    def _highlight_ids(self, conn: Connection, plan: _Plan) -> set[int]:
        where, params = plan.highlight_conditions()
        if plan.marks:
            sql = (
                "SELECT h.id FROM search_marks JOIN highlights h ON h.id = search_marks.rowid "
                f"WHERE search_marks MATCH ?{where}"
            )
            return set(conn.exec_driver_sql(sql, (plan.marks, *params)).scalars())
        return set(conn.exec_driver_sql(f"SELECT h.id FROM highlights h WHERE 1{where}", tuple(params)).scalars())

    @staticmethod
    def _highlights_in(s: Session, tags: dict[int, Tag], ids: set[int]) -> list[Highlight]:
        h = HighlightRow.__table__.c
        chosen = sorted(ids)
        found: list[Highlight] = []
        for at in range(0, len(chosen), 500):
            found += read_highlights(s, tags, h.id.in_(chosen[at : at + 500]))
        return found

    @staticmethod
    def _grouped(scored: list[tuple[float, Hit]], limit: int) -> list[Hit]:
        """Documents in the order of their best hit; in each, the reader's own highlights first, then the text."""
        order: dict[int, int] = {}
        for _rank, hit in sorted(scored, key=lambda pair: pair[0]):
            order.setdefault(hit.document_id, len(order))
        kinds = {"quote": 0, "note": 0, "theme": 0, "text": 1}
        arranged = sorted(scored, key=lambda pair: (order[pair[1].document_id], kinds[pair[1].kind], pair[0]))
        return [hit for _rank, hit in arranged[:limit]]

    def _cited(self, s: Session, hits: list[Hit]) -> list[Hit]:
        conn = s.connection()
        locators: dict[int, Locator] = {}
        cited = []
        for hit in hits:
            if hit.document_id not in locators:
                version_id = self._current_version_meta(s, hit.document_id)
                structure = conn.exec_driver_sql(
                    "SELECT structure FROM document_versions WHERE id = ?", (version_id,)
                ).scalar_one()
                locators[hit.document_id] = Locator(self._version_text(s, version_id), Structure.from_json(structure))
            where = locators[hit.document_id].locate(hit.start).cite()
            cited.append(replace(hit, citation=where))
        return cited
