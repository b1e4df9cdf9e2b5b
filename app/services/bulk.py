"""Writing many highlights at once: rows with ids given here, inserted in one statement.

An import may bring a hundred thousand highlights; one ORM object and flush each would
take most of its time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.domain.anchors import Quote


def highlight_row(
    highlight_id: int, place: tuple[int, int, int, int], quote: Quote, note: str, review: str, when: datetime
) -> dict[str, object]:
    """A highlight's row: `place` is its document, edition, start and end."""
    document_id, version_id, start, end = place
    return {
        "id": highlight_id,
        "document_id": document_id,
        "version_id": version_id,
        "made_on_version_id": version_id,
        "start_offset": start,
        "end_offset": end,
        "exact": quote.exact,
        "prefix": quote.prefix,
        "suffix": quote.suffix,
        "note": note,
        "review_from": review,
        "created_at": when,
        "updated_at": when,
    }


def next_highlight_id(s: Session) -> int:
    """The id the next highlight takes: above every id used, deleted ones included (AUTOINCREMENT)."""
    used = s.execute(
        text(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'highlights'), 0), "
            "coalesce((SELECT max(id) FROM highlights), 0))"
        )
    ).scalar_one()
    return int(used) + 1
