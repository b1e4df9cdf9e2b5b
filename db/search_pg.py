"""A shared library's full-text index: PostgreSQL's text search, kept in step as SQLite's FTS5 index is.

The same two tables as a library file's (db.search), as ordinary tables with a `tsvector`
and a GIN index: `search_passages` holds each passage of each current text (`body`, in
the index's form: a space after each CJK character), `search_marks` each highlight's
quote, note and theme paths. A highlight's three parts are one vector, each part's words
weighted (A, B, C) so that a query can look in some of them only.

The text search configuration `marginalia` reads words as FTS5's `porter unicode61
remove_diacritics 2` does: case and accents do not matter (unaccent), words are matched
by their English stems (Snowball), and no word is left out as a stop word (FTS5 keeps
"the" too, and a phrase such as "all power" must find what it says).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Connection

CONFIG = "marginalia"
WEIGHTS = {"quotes": "A", "notes": "B", "themes": "C"}

DDL = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH DICTIONARY marginalia_stem (TEMPLATE = snowball, Language = english)",
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, "
    "word, hword, hword_part, numword, numhword, hword_numpart WITH unaccent, marginalia_stem",
    "CREATE TABLE search_passages (id bigint PRIMARY KEY, document_id integer NOT NULL, "
    "version_id integer NOT NULL, start integer NOT NULL, body text NOT NULL, words tsvector NOT NULL)",
    "CREATE INDEX ix_search_passages_document ON search_passages (document_id)",
    "CREATE INDEX ix_search_passages_words ON search_passages USING gin (words)",
    "CREATE TABLE search_marks (id integer PRIMARY KEY, quote text NOT NULL, note text NOT NULL, "
    "themes text NOT NULL, words tsvector NOT NULL)",
    "CREATE INDEX ix_search_marks_words ON search_marks USING gin (words)",
)
DROP = (
    "DROP TABLE IF EXISTS search_marks",
    "DROP TABLE IF EXISTS search_passages",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS marginalia_stem",
)


def words(expression: str) -> str:
    """The SQL of the words of a text column or parameter, as the index keeps them.

    PostgreSQL's parser reads "agrarian/land" or "and/or" as one token (a file path);
    FTS5 reads two words, and so does the index, with each "/" read as a space.
    """
    return f"to_tsvector('{CONFIG}', translate({expression}, '/', ' '))"


def headline(expression: str) -> str:
    """The SQL of a snippet of a text column: ts_headline over the text as `words` reads it.

    Its parameters are the tsquery and ts_headline's options; the "/" it shows as spaces
    are put back by the caller (app.services.search_pg).
    """
    return f"ts_headline('{CONFIG}', translate({expression}, '/', ' '), %s::tsquery, %s)"


_MARK_ROWS = """
WITH RECURSIVE paths(id, path) AS (
    SELECT id, name::text FROM tags WHERE parent_id IS NULL
    UNION ALL
    SELECT t.id, p.path || '/' || t.name FROM tags t JOIN paths p ON t.parent_id = p.id
)
SELECT h.id, h.exact, h.note,
       coalesce((SELECT string_agg(p.path, ' ') FROM highlight_tags ht JOIN paths p ON p.id = ht.tag_id
                 WHERE ht.highlight_id = h.id), '')
FROM highlights h WHERE h.id = ANY(%s)
"""
_VECTOR = (
    f"setweight({words('%(quote)s')}, 'A') || setweight({words('%(note)s')}, 'B') "
    f"|| setweight({words('%(themes)s')}, 'C')"
)


def index_document(
    conn: Connection, document_id: int, version_id: int | None, parts: list[tuple[int, int, str]]
) -> None:
    """Index a document's passages, (id, start, body in the index's form), in place of what was indexed."""
    conn.exec_driver_sql("DELETE FROM search_passages WHERE document_id = %s", (document_id,))
    if version_id is None:
        return
    conn.exec_driver_sql(
        "INSERT INTO search_passages (id, document_id, version_id, start, body, words) "
        f"VALUES (%s, %s, %s, %s, %s, {words('%s')})",
        [(i, document_id, version_id, start, body, body) for i, start, body in parts],
    )


def index_highlights(conn: Connection, ids: Iterable[int], form: Callable[[str], str]) -> None:
    """Index the quote, note and themes of these highlights afresh (dropping those that are gone).

    `form` puts a text in the index's form (db.search.indexed_form).
    """
    chosen = sorted(set(ids))
    if not chosen:
        return
    conn.exec_driver_sql("DELETE FROM search_marks WHERE id = ANY(%s)", (chosen,))
    rows = conn.exec_driver_sql(_MARK_ROWS, (chosen,)).all()
    if rows:
        conn.exec_driver_sql(
            f"INSERT INTO search_marks (id, quote, note, themes, words) VALUES (%(id)s, %(quote)s, %(note)s, "
            f"%(themes)s, {_VECTOR})",
            [{"id": i, "quote": form(q), "note": form(n), "themes": form(t)} for i, q, n, t in rows],
        )


def missing_documents(conn: Connection) -> list[int]:
    """Documents whose current edition is not indexed, and documents gone whose passages are."""
    return list(
        conn.exec_driver_sql(
            "SELECT v.document_id FROM document_versions v "
            "WHERE v.number = (SELECT max(number) FROM document_versions WHERE document_id = v.document_id) "
            "AND NOT EXISTS (SELECT 1 FROM search_passages p WHERE p.document_id = v.document_id "
            "AND p.version_id = v.id) "
            "UNION SELECT DISTINCT document_id FROM search_passages "
            "WHERE document_id NOT IN (SELECT id FROM documents)"
        ).scalars()
    )


def missing_highlights(conn: Connection) -> list[int]:
    """Highlights not indexed, and index rows of highlights gone."""
    return list(
        conn.exec_driver_sql(
            "SELECT id FROM highlights WHERE id NOT IN (SELECT id FROM search_marks) "
            "UNION ALL SELECT id FROM search_marks WHERE id NOT IN (SELECT id FROM highlights)"
        ).scalars()
    )


def tagged(conn: Connection, tag_ids: Iterable[int]) -> set[int]:
    """Return the highlights carrying these themes or any theme under them."""
    chosen = sorted(set(tag_ids))
    if not chosen:
        return set()
    return set(
        conn.exec_driver_sql(
            "WITH RECURSIVE sub(id) AS (SELECT id FROM tags WHERE id = ANY(%s) "
            "UNION SELECT t.id FROM tags t JOIN sub ON t.parent_id = sub.id) "
            "SELECT DISTINCT highlight_id FROM highlight_tags WHERE tag_id IN (SELECT id FROM sub)",
            (chosen,),
        ).scalars()
    )
