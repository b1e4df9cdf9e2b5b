"""Search in a shared library: the query's words as PostgreSQL tsqueries, snippets from ts_headline.

The same query language reads the same way as in a library file (app.services.search_fts5):
each word or phrase is read by the index's own configuration (`phraseto_tsquery`), then
joined as FTS5 joins them: all groups, any term in a group, none of the excluded. A
highlight's quote, note and themes are weighted A, B and C in its vector, so that
`in:quotes` and `in:notes` ask for those weights.
"""

from __future__ import annotations

import re
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
from db.search_pg import CONFIG, WEIGHTS, headline

_LEXEME = re.compile(r"'(?:[^']|'')*'")
# Words matched side by side are one match, as FTS5 marks a phrase; so are the parts of
# a hyphenated word, which PostgreSQL marks one by one ("eight-hour" is one word to FTS5).
_BETWEEN = re.compile(f"{CLOSE}([\\s\\-‐]*){OPEN}")
_HYPHENATED = re.compile(f"{CLOSE}([\\-‐]){OPEN}")
_SNIPPET = (
    f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords={2 * SNIPPET_TOKENS + 1}, MinWords={SNIPPET_TOKENS}, ShortWord=0"
)
_WHOLE = f"StartSel={OPEN}, StopSel={CLOSE}, HighlightAll=true"
_READ = (
    f"SELECT phraseto_tsquery('{CONFIG}', translate(t, '/', ' '))::text "
    "FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n"
)


def _scoped(query: str, weights: str, prefix: bool) -> str:
    """A term's tsquery with its last word a prefix when asked, and every word in the weights asked."""
    lexemes = list(_LEXEME.finditer(query))
    out, at = [], 0
    for i, m in enumerate(lexemes):
        star = "*" if prefix and i == len(lexemes) - 1 else ""
        out += [query[at : m.end()], f":{star}{weights}" if star or weights else ""]
        at = m.end()
    return "".join(out) + query[at:]


class _Match:
    """A plan's tsqueries: for the text, for highlights (in the parts asked), and the words left out.

    None where the words can match nothing: a group whose terms hold no word the index
    keeps (punctuation alone, say).
    """

    def __init__(self, conn: Connection, plan: Plan) -> None:
        query = plan.query
        terms = [t for group in query.groups for t in group] + list(query.excluded)
        read = iter(conn.exec_driver_sql(_READ, ([index.indexed_form(t.text) for t in terms],)).scalars())
        positive = [[(t, next(read)) for t in group] for group in query.groups]
        negative = [(t, next(read)) for t in query.excluded]
        scope = "".join(WEIGHTS[w] for w in ("quotes", "notes") if w in query.where)
        self.text = self._joined(positive, negative, "")
        self.marks = self._joined(positive, negative, scope)
        self.negative = self._any(negative, "") or ""

    @staticmethod
    def _any(terms: list[tuple[Term, str]], weights: str) -> str | None:
        read = [_scoped(q, weights, t.prefix) for t, q in terms if q]
        if not read:
            return None
        return read[0] if len(read) == 1 else "(" + " | ".join(read) + ")"

    def _joined(
        self, positive: list[list[tuple[Term, str]]], negative: list[tuple[Term, str]], weights: str
    ) -> str | None:
        groups = [self._any(group, weights) for group in positive]
        if not groups or None in groups:
            return None
        joined = " & ".join(g for g in groups if g)
        excluded = self._any(negative, "")
        return f"{joined} & !{excluded}" if excluded else joined


def _shown(snippet: str, body: str) -> str:
    """A snippet of `body` as the text has it: its "/" put back, "…" where it cuts the passage short."""
    plain = snippet.replace(OPEN, "").replace(CLOSE, "")
    at = body.replace("/", " ").find(plain)
    if "/" in body and at >= 0:
        # The snippet is a piece of the body read with "/" as spaces (db.search_pg.words):
        # each character of it, marks aside, is the body's own at the same place.
        characters, i = [], at
        for ch in snippet:
            if ch in (OPEN, CLOSE):
                characters.append(ch)
            else:
                characters.append(body[i])
                i += 1
        snippet, plain = "".join(characters), body[at : at + len(plain)]
    snippet = _HYPHENATED.sub(r"\1", snippet)
    return index.displayed(("" if body.startswith(plain) else "…") + snippet + ("" if body.endswith(plain) else "…"))


class PostgresIndex:
    """The text search tables of a shared library (db.search_pg)."""

    mark = "%s"

    def __init__(self) -> None:
        """An index asked about one search at a time."""
        self._read: tuple[Plan, _Match] | None = None

    def _match(self, conn: Connection, plan: Plan) -> _Match:
        """The plan's tsqueries, read once for all the questions of one search (each read is a round trip)."""
        if self._read is None or self._read[0] is not plan:
            self._read = (plan, _Match(conn, plan))
        return self._read[1]

    def conditions(self, conn: Connection, plan: Plan) -> tuple[str, list[Any]]:
        """The plan's conditions on highlights `h`, with the words a query of exclusions alone leaves out."""
        sql, params = plan.highlight_conditions(self.mark)
        if plan.query.excluded and not plan.query.groups:
            words = self._match(conn, plan).negative
            if words:
                sql += " AND h.id NOT IN (SELECT id FROM search_marks WHERE words @@ %s::tsquery)"
                params.append(words)
        return sql, params

    def text_hits(self, conn: Connection, plan: Plan, limit: int, counts: dict[int, int]) -> list[Scored]:
        """The best `limit` passages of text the words match; `counts` gets every match per document."""
        text = self._match(conn, plan).text
        if text is None:
            return []
        where, params = "", []
        if plan.text_documents is not None:
            where, params = " AND p.document_id = ANY(%s)", [plan.text_documents]
        rows = conn.exec_driver_sql(
            "SELECT best.id, best.document_id, d.title, best.start, best.score, "
            f"{headline('best.body')}, best.body FROM ("
            "SELECT p.id, p.document_id, p.start, p.body, -ts_rank(p.words, %s::tsquery) AS score "
            f"FROM search_passages p WHERE p.words @@ %s::tsquery{where} ORDER BY score, p.id LIMIT %s) AS best "
            "JOIN documents d ON d.id = best.document_id ORDER BY best.score, best.id",
            (text, _SNIPPET, text, text, *params, limit),
        ).all()
        count_matches(
            rows,
            limit,
            counts,
            lambda: conn.exec_driver_sql(
                f"SELECT p.document_id, count(*) FROM search_passages p WHERE p.words @@ %s::tsquery{where} GROUP BY 1",
                (text, *params),
            ),
        )
        return [
            (score, Hit(document_id, title, "text", _shown(snippet, body), start, start, passage=pid))
            for pid, document_id, title, start, score, snippet, body in rows
        ]

    def placed(self, conn: Connection, plan: Plan, hits: list[Hit]) -> list[Hit]:
        """Put each text hit's `start` and `end` on the first words it matched, read from ts_headline."""
        passages = [h.passage for h in hits if h.passage is not None]
        text = self._match(conn, plan).text if passages else None
        if text is None:
            return hits
        marked: dict[int, str] = {
            pid: _BETWEEN.sub(r"\1", whole)
            for pid, whole in conn.exec_driver_sql(
                f"SELECT id, {headline('body')} FROM search_passages WHERE id = ANY(%s)",
                (text, _WHOLE, passages),
            )
        }
        return placed_on(hits, marked)

    def mark_hits(self, conn: Connection, plan: Plan, limit: int, counts: dict[int, int]) -> list[Scored]:
        """The best `limit` highlights whose quote, note or themes the words match; `counts` gets them all."""
        match = self._match(conn, plan)
        if match.marks is None:
            return []
        where, params = self.conditions(conn, plan)
        found = conn.exec_driver_sql(
            "SELECT h.id, h.document_id, h.start_offset, h.end_offset, -ts_rank(m.words, %s::tsquery) "
            f"FROM search_marks m JOIN highlights h ON h.id = m.id WHERE m.words @@ %s::tsquery{where}",
            (match.marks, match.marks, *params),
        ).all()
        return mark_results(conn, found, limit, counts, lambda ids: self._snippets(conn, match.marks or "", ids))

    @staticmethod
    def _snippets(conn: Connection, query: str, ids: list[int]) -> dict[int, list[str]]:
        """Snippets of these highlights' quote, note and themes, shown as the text has them."""
        rows = conn.exec_driver_sql(
            "SELECT id, "
            + ", ".join(headline(c) for c in ("quote", "note", "themes"))
            + ", quote, note, themes FROM search_marks WHERE id = ANY(%s)",
            (*(query, _SNIPPET) * 3, ids),
        )
        return {hid: [_shown(s, b) for s, b in ((q, qb), (n, nb), (t, tb))] for hid, q, n, t, qb, nb, tb in rows}

    def matching_ids(self, conn: Connection, plan: Plan) -> set[int]:
        """Every highlight the plan's words (and filters) find."""
        match = self._match(conn, plan)
        if match.marks is None:
            return set()
        where, params = self.conditions(conn, plan)
        sql = f"SELECT h.id FROM search_marks m JOIN highlights h ON h.id = m.id WHERE m.words @@ %s::tsquery{where}"
        return set(conn.exec_driver_sql(sql, (match.marks, *params)).scalars())
