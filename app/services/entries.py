"""What an operation keeps of the rows it touched, and what those rows mean to the views."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from typing import Any

from app.domain.changes import Changes
from app.domain.editions import UNPLACED_EDITION
from db import journal


def digest(image: str | None) -> str | None:
    """A row image's fingerprint: what undo checks a row still is, without keeping the image."""
    return None if image is None else hashlib.blake2b(image.encode(), digest_size=16).hexdigest()


def pack(items: Sequence[Any]) -> bytes:
    """Store a list of row steps compactly (JSON, compressed)."""
    return zlib.compress(json.dumps(items, separators=(",", ":")).encode(), 1)


def unpack(blob: bytes) -> list[Any]:
    """Read back what `pack` stored."""
    items: list[Any] = json.loads(zlib.decompress(blob))
    return items


def changes_of(entries: Sequence[journal.Entry]) -> Changes:
    """Say what a list of touched rows means to the views."""
    kinds: dict[str, set[int]] = {
        name: set()
        for name in (
            "documents",
            "texts",
            "highlights_added",
            "highlights_changed",
            "highlights_removed",
            "counted",
            "themes",
            "orphans",
        )
    }
    for entry in entries:
        row = entry.row
        if entry.table == "documents":
            kinds["documents"].add(row["id"])
            if entry.before is None or entry.after is None:
                kinds["counted"].add(row["id"])
        elif entry.table == "document_versions":
            if row["number"] != UNPLACED_EDITION:  # that edition holds orphans' words, not the text
                kinds["texts"].add(row["document_id"])
            kinds["orphans"].add(row["document_id"])
        elif entry.table == "tags":
            kinds["themes"].add(row["id"])
        elif entry.table in ("highlight_tags", "private_notes"):
            kinds["highlights_changed"].add(row["highlight_id"])
        elif entry.before is None:
            kinds["highlights_added"].add(row["id"])
            kinds["counted"].add(row["document_id"])
        elif entry.after is None:
            kinds["highlights_removed"].add(row["id"])
            kinds["counted"].add(row["document_id"])
        else:
            kinds["highlights_changed"].add(row["id"])
            if json.loads(entry.before)["version_id"] != row["version_id"]:
                kinds["orphans"].add(row["document_id"])
    born_or_gone = kinds["highlights_added"] | kinds["highlights_removed"]
    kinds["highlights_changed"] -= born_or_gone
    return Changes(**{name: frozenset(ids) for name, ids in kinds.items()})
