"""The operations table itself: writing a change's row, and reading summaries of rows.

Written and read through the core, not as mapped objects: every change writes one row
and the window asks what Ctrl+Z would undo after each, and the unit of work cost a
change more than its own SQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, delete, func, insert, or_, select, text

from app.domain.changes import Changes, OperationSummary
from db.models import Base, OperationRow

_OPERATIONS = Base.metadata.tables["operations"]
_INSERT = insert(_OPERATIONS).returning(_OPERATIONS.c.id)
# A new change ends what its author could redo, and lets the oldest history go (the
# row with the highest stamp stays, so that stamps never run backwards).
_PRUNE = delete(_OPERATIONS).where(
    or_(
        and_(_OPERATIONS.c.state == 1, _OPERATIONS.c.author == bindparam("author")),
        and_(_OPERATIONS.c.id <= bindparam("oldest"), _OPERATIONS.c.stamp < bindparam("stamp")),
    )
)
# An author's newest or oldest operation in a state: the columns a summary shows, not the
# row (its images are most of its bytes).
_IN_STATE = select(
    _OPERATIONS.c.id,
    _OPERATIONS.c.label,
    _OPERATIONS.c.at,
    _OPERATIONS.c.document_id,
    func.length(_OPERATIONS.c.entries).label("size"),
).where(_OPERATIONS.c.state == bindparam("state"), _OPERATIONS.c.author == bindparam("author"))
_NEWEST = _IN_STATE.order_by(_OPERATIONS.c.id.desc()).limit(1)
_OLDEST = _IN_STATE.order_by(_OPERATIONS.c.id).limit(1)
# Everyone's changes, read through the view without their rows' images: in a shared
# library each person reads only their own operations' rows (db.group).
_NEWEST_STAMP = text("SELECT coalesce(max(stamp), 0) FROM operation_log")
_NEWEST_ID = text("SELECT max(id) FROM operation_log")
_SINCE = text("SELECT stamp, changes, origin FROM operation_log WHERE stamp > :stamp")
_LATER = text("SELECT label, author FROM operation_log WHERE id > :id AND state = 0 ORDER BY id DESC LIMIT 1")
_TITLE = text("SELECT title FROM documents WHERE id = :d")


def next_stamp(conn: Connection) -> int:
    """Return the stamp the next do, undo or redo in the library takes."""
    return int(conn.execute(_NEWEST_STAMP).scalar_one()) + 1


def newest_id(conn: Connection) -> int | None:
    """Return the id of the library's newest operation, whoever made it (None: no history)."""
    found = conn.execute(_NEWEST_ID).scalar_one_or_none()
    return None if found is None else int(found)


def since(conn: Connection, stamp: int) -> list[Row[Any]]:
    """Return the stamp, changes and origin of every operation done, undone or redone after `stamp`."""
    return list(conn.execute(_SINCE, {"stamp": stamp}).all())


def later(conn: Connection, op_id: int) -> Row[Any] | None:
    """Return the label and author of the newest change still done after operation `op_id`, whoever made it."""
    return conn.execute(_LATER, {"id": op_id}).first()


def title(conn: Connection, document_id: int | None) -> str:
    """Return the title of the document a change was made in ("" when there is none, or it is gone)."""
    if document_id is None:
        return ""
    found = conn.execute(_TITLE, {"d": document_id}).scalar_one_or_none()
    return found or ""


def _summarised(
    conn: Connection,
    op_id: int,
    label: str,
    at: datetime,
    author: str,
    document_id: int | None,
    *,
    undone: bool,
    size: int,
) -> OperationSummary:
    return OperationSummary(
        id=op_id,
        label=label,
        at=at,
        author=author,
        document_id=document_id,
        document_title=title(conn, document_id),
        undone=undone,
        size=size,
    )


def summary(conn: Connection, op: OperationRow) -> OperationSummary:
    """Return what the history shows of an operation row."""
    return _summarised(
        conn, op.id, op.label, op.at, op.author, op.document_id, undone=op.state == 1, size=len(op.entries)
    )


def append(
    conn: Connection,
    *,
    label: str,
    author: str,
    origin: str,
    at: datetime,
    document_id: int | None,
    changes: Changes,
    entries: bytes,
    merge_key: str,
    keep: int,
) -> OperationSummary:
    """Write a new change's row, end what its author could redo and prune all but the last `keep`."""
    stamp = next_stamp(conn)
    values = {
        "label": label,
        "author": author,
        "origin": origin,
        "at": at,
        "document_id": document_id,
        "changes": changes.to_json(),
        "merge_key": merge_key,
        "entries": entries,
        "state": 0,
        "stamp": stamp,
    }
    op_id: int = conn.execute(_INSERT, values).scalar_one()
    conn.execute(_PRUNE, {"author": author, "oldest": op_id - keep, "stamp": stamp})
    return _summarised(conn, op_id, label, at, author, document_id, undone=False, size=len(entries))


def next_of(conn: Connection, author: str, state: int, *, newest: bool) -> OperationSummary | None:
    """Return the newest (or oldest) of an author's operations in `state` (0 done, 1 undone)."""
    op = conn.execute(_NEWEST if newest else _OLDEST, {"state": state, "author": author}).first()
    if op is None:
        return None
    return _summarised(conn, op.id, op.label, op.at, author, op.document_id, undone=state == 1, size=op.size)
