"""Search in a library file: the query's words as FTS5 match expressions, snippets and ranks from FTS5 itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from app.domain.search import Hit, Term
from app.services.search_plan import (
    CLOSE,
    OPEN,
    SNIPPET_TOKENS,
    Plan,
    Scored,
    count_matches,
    mark_results,
    placed_on,
)
from db import search as index


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


class _Match:
    """A plan's FTS5 expressions: for the text, for highlights (in the columns asked), and the words left out."""

    def __init__(self, plan: Plan) -> None:
        query = plan.query
        positive = match_expression(query.groups)
        self.negative = match_expression([query.excluded]) if query.excluded else ""
        self.text = f"({positive}) NOT ({self.negative})" if positive and self.negative else positive
        columns = {"quotes": "quote", "notes": "note"}
        chosen = [columns[w] for w in sorted(query.where) if w in columns]
        scope = "{" + " ".join(chosen) + "} : " if chosen else ""
        self.marks = f"{scope}({self.text})" if self.text else ""


class Fts5Index:
    """The FTS5 tables of a library file (db.search)."""

    mark = "?"

    def conditions(self, conn: Connection, plan: Plan) -> tuple[str, list[Any]]:
        """The plan's conditions on highlights `h`, with the words a query of exclusions alone leaves out."""
        sql, params = plan.highlight_conditions(self.mark)
        match = _Match(plan)
        if match.negative and not match.text:
            sql += " AND h.id NOT IN (SELECT rowid FROM search_marks WHERE search_marks MATCH ?)"
            params.append(match.negative)
        return sql, params

    def text_hits(self, conn: Connection, plan: Plan, limit: int, counts: dict[int, int]) -> list[Scored]:
        """The best `limit` passages of text the words match; `counts` gets every match per document."""
        # A passage's document is in its rowid's high bits: counting needs no join. The
        # best ones are ranked and cut first, then joined to their places and titles.
        text = _Match(plan).text
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
            (OPEN, CLOSE, text, *params, limit),
        ).all()
        count_matches(
            rows,
            limit,
            counts,
            lambda: conn.exec_driver_sql(
                f"SELECT rowid >> {index.DOCUMENT_SHIFT}, count(*) FROM search_text WHERE search_text MATCH ?{where} "
                "GROUP BY 1",
                (text, *params),
            ),
        )
        return [
            (score, Hit(document_id, title, "text", index.displayed(snippet), start, start, passage=passage))
            for passage, document_id, title, start, score, snippet in rows
        ]

    @staticmethod
    def _snippets(conn: Connection, match: str, rowids: list[int]) -> dict[int, list[str]]:
        """Return FTS5 snippets of these highlights' quote, note and themes, shown as the text has them."""
        if not rowids:
            return {}
        calls = ", ".join(f"snippet(search_marks, {c}, ?, ?, '…', {SNIPPET_TOKENS})" for c in range(3))
        marks = ", ".join("?" * len(rowids))
        rows = conn.exec_driver_sql(
            f"SELECT rowid, {calls} FROM search_marks WHERE search_marks MATCH ? AND rowid IN ({marks})",
            (*(OPEN, CLOSE) * 3, match, *rowids),
        )
        return {rowid: [index.displayed(text) for text in texts] for rowid, *texts in rows}

    def placed(self, conn: Connection, plan: Plan, hits: list[Hit]) -> list[Hit]:
        """Put each text hit's `start` and `end` on the first words it matched, read from FTS5's highlight()."""
        passages = [h.passage for h in hits if h.passage is not None]
        if not passages:
            return hits
        marks = ", ".join("?" * len(passages))
        marked: dict[int, str] = dict(
            conn.exec_driver_sql(
                f"SELECT rowid, highlight(search_text, 0, ?, ?) FROM search_text "
                f"WHERE search_text MATCH ? AND rowid IN ({marks})",
                (OPEN, CLOSE, _Match(plan).text, *passages),
            ).all()
        )
        return placed_on(hits, marked)

    def mark_hits(self, conn: Connection, plan: Plan, limit: int, counts: dict[int, int]) -> list[Scored]:
        """The best `limit` highlights whose quote, note or themes the words match; `counts` gets them all."""
        where, params = self.conditions(conn, plan)
        match = _Match(plan).marks
        found = conn.exec_driver_sql(
            "SELECT h.id, h.document_id, h.start_offset, h.end_offset, rank FROM search_marks "
            f"JOIN highlights h ON h.id = search_marks.rowid WHERE search_marks MATCH ?{where}",
            (match, *params),
        ).all()
        return mark_results(conn, found, limit, counts, lambda ids: self._snippets(conn, match, ids))

    def matching_ids(self, conn: Connection, plan: Plan) -> set[int]:
        """Every highlight the plan's words (and filters) find."""
        where, params = self.conditions(conn, plan)
        sql = (
            "SELECT h.id FROM search_marks JOIN highlights h ON h.id = search_marks.rowid "
            f"WHERE search_marks MATCH ?{where}"
        )
        return set(conn.exec_driver_sql(sql, (_Match(plan).marks, *params)).scalars())
