"""The library's full-text index: SQLite FTS5 tables kept in step with the texts and highlights.

Two FTS5 tables hold what can be found. `search_text` holds every document's current
text, cut into passages (paragraphs, long ones split near `PASSAGE` characters), each
passage's place kept in `search_passages` under the same id (see `passage_range`);
`search_marks` holds every highlight's quote, note and theme paths, under the
highlight's id. Both use the unicode61 tokenizer with diacritics removed, so that case
and accents do not matter, and Porter stems, so that "soviet" finds "Soviets".

Chinese and Japanese are written without spaces, and unicode61 would make one token of a
whole run of ideographs. The indexed form puts a space after each such character, so
that each is a token: a word of any length, one or two characters included, is then a
phrase of its characters (`query_form`). The stored passage is in that form; `original`
maps its positions back to the text's code points.

A shared library on PostgreSQL has the same two tables with PostgreSQL's own text search
in place of FTS5 (db.search_pg); the functions here serve both.

The index is derived data: it is written in the transaction of the change it follows
(`refresh`), never journaled or undone itself, and `missing`/`build` bring a library up to
date whose index is absent or behind (a library from before the index, or one changed by
another program).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection

from db import search_pg

TOKENIZER = "porter unicode61 remove_diacritics 2"
# A passage longer than this is cut at the next space after it.
PASSAGE = 1000
# Han ideographs (with extensions and compatibility forms), hiragana and katakana.
_CJK_CLASS = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK = re.compile(f"([{_CJK_CLASS}])")
_IS_CJK = re.compile(f"[{_CJK_CLASS}]")
# What snippets and highlights put around a match: control characters texts do not use
# (app.domain.search spells them too).
MARKS = "\x02\x03"
_PARAGRAPHS = re.compile(r"[^\n]+")

DDL = (
    "CREATE TABLE IF NOT EXISTS search_passages ("
    "id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL, version_id INTEGER NOT NULL, start INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_search_passages_document ON search_passages (document_id)",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS search_text USING fts5(body, tokenize='{TOKENIZER}')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS search_marks USING fts5(quote, note, themes, tokenize='{TOKENIZER}')",
)
DROP = (
    "DROP TABLE IF EXISTS search_marks",
    "DROP TABLE IF EXISTS search_text",
    "DROP TABLE IF EXISTS search_passages",
)


def is_index_table(name: str) -> bool:
    """Return whether a table belongs to the index (FTS5 makes shadow tables of its own)."""
    return name.startswith("search_")


def indexed_form(text: str) -> str:
    """Return `text` as the index stores it: a space after each CJK character."""
    if _IS_CJK.search(text) is None:
        return text
    return _CJK.sub(r"\1 ", text)


def original(body: str, position: int) -> int:
    """Return the offset in the original passage of `position` in its indexed form `body`."""
    # The character after each CJK character was put there by `indexed_form`: those
    # before `position` are the CJK characters before `position - 1`.
    return position - sum(1 for _ in _IS_CJK.finditer(body, 0, max(0, position - 1)))


_INSERTED = re.compile(f"([{_CJK_CLASS}][{MARKS}]*) ")


def displayed(body: str) -> str:
    """Return an indexed passage (or a snippet of one, with `MARKS` in it) as the text has it."""
    if _IS_CJK.search(body) is None:
        return body
    return _INSERTED.sub(r"\1", body)


def passages(text: str) -> Iterator[tuple[int, str]]:
    """Yield the passages of a text: (code-point start, passage), each a paragraph or a part of one."""
    for m in _PARAGRAPHS.finditer(text):
        start, end = m.span()
        while end - start > PASSAGE * 3 // 2:
            cut = text.find(" ", start + PASSAGE, end)
            if cut < 0 or end - cut < PASSAGE // 2:
                break
            yield start, text[start:cut]
            start = cut + 1
        yield start, text[start:end]


# A passage's id is its document's id in the high bits and its number in the low ones:
# the document of every match is then known from FTS5's rowid alone (`rowid >> 32`),
# without a join, and a document's passages are one range of ids.
DOCUMENT_SHIFT = 32


def passage_range(document_id: int) -> tuple[int, int]:
    """Return the first and last passage id a document can have."""
    low = document_id << DOCUMENT_SHIFT
    return low, low + (1 << DOCUMENT_SHIFT) - 1


def create(conn: Connection) -> None:
    """Create the index's tables (empty) if they are not there."""
    for statement in DDL:
        conn.exec_driver_sql(statement)


def _postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


_CURRENT = "SELECT id, text FROM document_versions WHERE document_id = {0} ORDER BY number DESC LIMIT 1"


def index_document(conn: Connection, document_id: int) -> None:
    """Index the current text of a document in place of what was indexed for it (none if it is gone)."""
    low, high = passage_range(document_id)
    if not _postgres(conn):
        conn.exec_driver_sql("DELETE FROM search_text WHERE rowid BETWEEN ? AND ?", (low, high))
        conn.exec_driver_sql("DELETE FROM search_passages WHERE id BETWEEN ? AND ?", (low, high))
    row = conn.exec_driver_sql(_CURRENT.format("%s" if _postgres(conn) else "?"), (document_id,)).first()
    if row is None:
        if _postgres(conn):
            search_pg.index_document(conn, document_id, None, [])
        return
    version_id, text = row
    # An empty text still gets one (empty) passage: it says the version was indexed.
    parts = list(passages(text)) or [(0, "")]
    # Most texts have no CJK at all: one look at the whole spares a look at each passage.
    form = indexed_form if _IS_CJK.search(text) else str
    ids = range(low, low + len(parts))
    if _postgres(conn):
        formed = [(i, start, form(body)) for i, (start, body) in zip(ids, parts, strict=True)]
        search_pg.index_document(conn, document_id, version_id, formed)
        return
    conn.exec_driver_sql(
        "INSERT INTO search_passages (id, document_id, version_id, start) VALUES (?, ?, ?, ?)",
        [(i, document_id, version_id, start) for i, (start, _) in zip(ids, parts, strict=True)],
    )
    conn.exec_driver_sql(
        "INSERT INTO search_text (rowid, body) VALUES (?, ?)",
        [(i, form(body)) for i, (_, body) in zip(ids, parts, strict=True)],
    )


# A highlight's theme paths, space-separated, computed in SQL from the tag tree.
_MARK_ROWS = """
WITH RECURSIVE paths(id, path) AS (
    SELECT id, name FROM tags WHERE parent_id IS NULL
    UNION ALL
    SELECT t.id, p.path || '/' || t.name FROM tags t JOIN paths p ON t.parent_id = p.id
)
SELECT h.id, h.exact, h.note,
       coalesce((SELECT group_concat(p.path, ' ') FROM highlight_tags ht JOIN paths p ON p.id = ht.tag_id
                 WHERE ht.highlight_id = h.id), '')
FROM highlights h WHERE h.id IN ({ids})
"""
# Ids per statement: well under SQLite's bound-parameter limit.
_CHUNK = 500


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    chosen = sorted(set(ids))
    for at in range(0, len(chosen), _CHUNK):
        yield chosen[at : at + _CHUNK]


def index_highlights(conn: Connection, highlight_ids: Iterable[int]) -> None:
    """Index the quote, note and themes of these highlights afresh (dropping those that are gone)."""
    if _postgres(conn):
        search_pg.index_highlights(conn, highlight_ids, indexed_form)
        return
    # Ids above the greatest one indexed cannot be in the index (an import's new
    # highlights): looking for them there was a third of indexing an import.
    newest = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM search_marks_docsize").scalar_one()
    for chunk in _chunks(highlight_ids):
        marks = ", ".join("?" * len(chunk))
        if chunk[0] <= newest:
            conn.exec_driver_sql(f"DELETE FROM search_marks WHERE rowid IN ({marks})", tuple(chunk))
        rows = conn.exec_driver_sql(_MARK_ROWS.format(ids=marks), tuple(chunk)).all()
        if rows:
            conn.exec_driver_sql(
                "INSERT INTO search_marks (rowid, quote, note, themes) VALUES (?, ?, ?, ?)",
                [(i, indexed_form(q), indexed_form(n), indexed_form(t)) for i, q, n, t in rows],
            )


def tagged(conn: Connection, tag_ids: Iterable[int]) -> set[int]:
    """Return the highlights carrying these themes or any theme under them."""
    if _postgres(conn):
        return search_pg.tagged(conn, tag_ids)
    found: set[int] = set()
    for chunk in _chunks(tag_ids):
        marks = ", ".join("?" * len(chunk))
        found.update(
            conn.exec_driver_sql(
                "WITH RECURSIVE sub(id) AS ("
                f"SELECT id FROM tags WHERE id IN ({marks}) "
                "UNION SELECT t.id FROM tags t JOIN sub ON t.parent_id = sub.id) "
                "SELECT DISTINCT highlight_id FROM highlight_tags WHERE tag_id IN (SELECT id FROM sub)",
                tuple(chunk),
            ).scalars()
        )
    return found


def refresh(conn: Connection, documents: Iterable[int], highlights: Iterable[int], themes: Iterable[int]) -> None:
    """Bring the index in step with a change, inside its transaction.

    Args:
        conn: The connection of the change's transaction.
        documents: Documents whose texts may have changed (added, deleted, new editions).
        highlights: Highlights added, changed or removed.
        themes: Themes renamed or moved: the highlights under them carry new paths.
    """
    mark = "%s" if _postgres(conn) else "?"
    for document_id in set(documents):
        indexed = conn.exec_driver_sql(
            f"SELECT version_id FROM search_passages WHERE document_id = {mark} LIMIT 1", (document_id,)
        ).scalar_one_or_none()
        current = conn.exec_driver_sql(
            f"SELECT id FROM document_versions WHERE document_id = {mark} ORDER BY number DESC LIMIT 1", (document_id,)
        ).scalar_one_or_none()
        if indexed != current:
            index_document(conn, document_id)
    index_highlights(conn, set(highlights) | tagged(conn, themes))


@dataclass(frozen=True, slots=True)
class Missing:
    """What the index lacks or holds wrongly: documents to index again, highlights to index again."""

    documents: list[int]
    highlights: list[int]

    def __bool__(self) -> bool:
        return bool(self.documents or self.highlights)


def missing(conn: Connection) -> Missing:
    """Return what is not indexed as the library now is (quick: no text is read).

    It runs at every start, so it reads indexes only: documents whose current edition has
    no passages, passages of documents gone (one index seek per document indexed), and
    the highlights' set compared by count and greatest id first, row by row only when
    those differ (another program changed the library, or it predates the index).
    """
    if _postgres(conn):
        return Missing(sorted(set(search_pg.missing_documents(conn))), sorted(search_pg.missing_highlights(conn)))
    documents = conn.exec_driver_sql(
        "SELECT v.document_id FROM document_versions v "
        "WHERE v.number = (SELECT max(number) FROM document_versions WHERE document_id = v.document_id) "
        "AND NOT EXISTS (SELECT 1 FROM search_passages p WHERE p.document_id = v.document_id AND p.version_id = v.id) "
        "UNION SELECT id FROM ("
        "WITH RECURSIVE indexed(id) AS (SELECT min(document_id) FROM search_passages UNION ALL "
        "SELECT (SELECT min(document_id) FROM search_passages WHERE document_id > indexed.id) FROM indexed "
        "WHERE indexed.id IS NOT NULL) SELECT id FROM indexed) "
        "WHERE id IS NOT NULL AND id NOT IN (SELECT id FROM documents)"
    ).scalars()
    stored, indexed = conn.exec_driver_sql(
        "SELECT (SELECT count(*) || ':' || coalesce(max(id), 0) FROM highlights), "
        "(SELECT count(*) || ':' || coalesce(max(id), 0) FROM search_marks_docsize)"
    ).one()
    highlights: list[int] = []
    if stored != indexed:
        highlights = list(
            conn.exec_driver_sql(
                "SELECT id FROM highlights WHERE id NOT IN (SELECT rowid FROM search_marks) "
                "UNION ALL SELECT rowid FROM search_marks WHERE rowid NOT IN (SELECT id FROM highlights)"
            ).scalars()
        )
    return Missing(sorted(set(documents)), sorted(highlights))
