"""Where each member of a group is in each text: their own reading places in a shared library.

In a library file, a document's row holds where its one reader is (`reading_position`)
and when it was last opened. In a shared library that row is the group's, and only its
owners may write it; where a person is reading is theirs alone, kept in `reading_places`
under their role (row-level security lets each see and write only their own, db.group).
It is bookkeeping, as in a file: never journaled, never undone.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

DDL = (
    "CREATE TABLE reading_places (reader text NOT NULL DEFAULT current_user, "
    "document_id integer NOT NULL REFERENCES documents (id) ON DELETE CASCADE, "
    "position integer NOT NULL DEFAULT 0, opened_at timestamp, PRIMARY KEY (reader, document_id))",
)
DROP = ("DROP TABLE IF EXISTS reading_places",)

_OPENED = text(
    "INSERT INTO reading_places (reader, document_id, opened_at) VALUES (current_user, :d, now() AT TIME ZONE 'UTC') "
    "ON CONFLICT (reader, document_id) DO UPDATE SET opened_at = excluded.opened_at"
)
_PLACE = text("SELECT position FROM reading_places WHERE reader = current_user AND document_id = :d")
_SET = text(
    "INSERT INTO reading_places (reader, document_id, position) VALUES (current_user, :d, :p) "
    "ON CONFLICT (reader, document_id) DO UPDATE SET position = excluded.position"
)
_LAST = text(
    "SELECT d.id FROM documents d LEFT JOIN reading_places r ON r.document_id = d.id AND r.reader = current_user "
    "ORDER BY r.opened_at IS NULL, r.opened_at DESC, d.id LIMIT 1"
)


def opened(conn: Connection, document_id: int) -> int:
    """Note that the connected person opened a document now; return where they are in it."""
    conn.execute(_OPENED, {"d": document_id})
    return int(conn.execute(_PLACE, {"d": document_id}).scalar_one())


def place(conn: Connection, document_id: int) -> int:
    """Where the connected person is in a document (0: not begun)."""
    found = conn.execute(_PLACE, {"d": document_id}).scalar_one_or_none()
    return 0 if found is None else int(found)


def set_place(conn: Connection, document_id: int, position: int) -> None:
    """Remember where the connected person is in a document."""
    conn.execute(_SET, {"d": document_id, "p": position})


def last_opened(conn: Connection) -> int | None:
    """The document the connected person opened last, or the first one, or None in an empty library."""
    found = conn.execute(_LAST).scalar_one_or_none()
    return None if found is None else int(found)
