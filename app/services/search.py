"""Search across the whole library: words through the full-text index, filters through SQL.

The query language is read by `app.domain.search`; this module plans a `Query` (which
documents, themes and highlights its filters leave) and asks the back end's index for
the words: FTS5 in a library file (`search_fts5`), PostgreSQL's text search in a shared
library (`search_pg`), each giving snippets, ranks and the place of each match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from enum import Enum

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app.domain.export import Locator
from app.domain.search import Hit, Query, Results, fold
from app.domain.structure import Structure
from app.domain.values import Highlight, Tag
from app.services.base import ServiceBase
from app.services.errors import storage
from app.services.queries import read_highlights
from app.services.search_fts5 import Fts5Index
from app.services.search_pg import PostgresIndex
from app.services.search_plan import Plan, Scored, TextIndex
from db import search as index
from db.models import HighlightRow

_STRUCTURE = text("SELECT structure FROM document_versions WHERE id = :v")


class NotebookOrder(Enum):
    """How the notebook lists highlights."""

    DATE = "date"
    DOCUMENT = "document"
    THEME = "theme"


def _when(stored: str | datetime) -> datetime:
    """Return a date as the library stores it (SQLite hands back text) as a datetime."""
    return stored if isinstance(stored, datetime) else datetime.fromisoformat(stored)


class Search(ServiceBase):
    """The search use cases of the library service."""

    def _index(self, conn: Connection) -> TextIndex:
        """The full-text index of this library's back end."""
        return PostgresIndex() if conn.dialect.name == "postgresql" else Fts5Index()

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
            found = self._index(conn)
            counts: dict[int, int] = {}
            scored: list[Scored] = []
            if query.has_words and query.looks_in("text"):
                scored += found.text_hits(conn, plan, limit, counts)
            if query.looks_in("quotes") or query.looks_in("notes"):
                if query.has_words:
                    scored += found.mark_hits(conn, plan, limit, counts)
                elif not query.is_empty:
                    scored += self._listed(conn, plan, limit, counts)
            hits = self._grouped(scored, limit)
            if places:
                hits = found.placed(conn, plan, hits)
            if cite:
                hits = self._cited(s, hits)
        return Results(hits=tuple(hits), counts=counts, problems=query.problems)

    @storage
    def notebook(self, query: Query, order: NotebookOrder = NotebookOrder.DATE) -> list[Highlight]:
        """Return every highlight of the library the query finds (all of them for an empty query), sorted."""
        with self._sessions.begin() as s:
            plan = self._plan(s, query)
            conn = s.connection()
            found = None
            if query.has_words:
                found = self._index(conn).matching_ids(conn, plan)
            elif not query.is_empty:
                found = self._filtered_ids(conn, plan)
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

    def _plan(self, s: Session, query: Query) -> Plan:
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
        return Plan(query, documents, tag_ids, text_documents)

    # Reading hits ---------------------------------------------------------------------

    @storage
    def place(self, hit: Hit, query: Query) -> Hit:
        """Return a text hit with `start` and `end` on the first words it matched (others as they are)."""
        if hit.passage is None:
            return hit
        with self._sessions.begin() as s:
            conn = s.connection()
            [placed] = self._index(conn).placed(conn, self._plan(s, query), [hit])
        return placed

    def _listed(self, conn: Connection, plan: Plan, limit: int, counts: dict[int, int]) -> list[Scored]:
        """Highlights a query of filters alone finds (no words to rank by): newest first."""
        found = self._index(conn)
        where, params = found.conditions(conn, plan)
        base = f"FROM highlights h JOIN documents d ON d.id = h.document_id WHERE 1 = 1{where}"
        for document_id, n in conn.exec_driver_sql(f"SELECT h.document_id, count(*) {base} GROUP BY 1", tuple(params)):
            counts[document_id] = n
        rows = conn.exec_driver_sql(
            f"SELECT h.id, h.document_id, d.title, h.start_offset, h.end_offset, h.exact {base} "
            f"ORDER BY h.created_at DESC, h.id DESC LIMIT {found.mark}",
            (*params, limit),
        )
        return [(0.0, Hit(d, title, "quote", exact, start, end, hid)) for hid, d, title, start, end, exact in rows]

    def _filtered_ids(self, conn: Connection, plan: Plan) -> set[int]:
        """Every highlight a query of filters alone finds."""
        where, params = self._index(conn).conditions(conn, plan)
        return set(conn.exec_driver_sql(f"SELECT h.id FROM highlights h WHERE 1 = 1{where}", tuple(params)).scalars())

    @staticmethod
    def _highlights_in(s: Session, tags: dict[int, Tag], ids: set[int]) -> list[Highlight]:
        h = HighlightRow.__table__.c
        chosen = sorted(ids)
        found: list[Highlight] = []
        for at in range(0, len(chosen), 500):
            found += read_highlights(s, tags, h.id.in_(chosen[at : at + 500]))
        return found

    @staticmethod
    def _grouped(scored: list[Scored], limit: int) -> list[Hit]:
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
                structure = conn.execute(_STRUCTURE, {"v": version_id}).scalar_one()
                locators[hit.document_id] = Locator(self._version_text(s, version_id), Structure.from_json(structure))
            where = locators[hit.document_id].locate(hit.start).cite()
            cited.append(replace(hit, citation=where))
        return cited
