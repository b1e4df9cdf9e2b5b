"""The whole library as JSON, and back: a portable, lossless backup."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import fastjsonschema
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.domain.editions import UNPLACED_EDITION
from app.domain.structure import Structure
from app.domain.text import sha256_hex, word_count
from app.resources import BACKUP_SCHEMA
from db import places
from db.models import Base, DocumentRow, HighlightRow, HighlightTagRow, TagRow, VersionRow

FORMAT = "marginalia-library"
VERSION = 1


class RestoreError(ValueError):
    """A backup file cannot be restored; the message says why. Nothing was changed."""


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def dump_library(s: Session, exported_at: datetime) -> dict[str, Any]:
    """Return every document, version, theme and highlight of the library as JSON values."""
    documents = []
    conn = s.connection()
    # In a shared library, where this person reads is theirs (db.places), not the row's.
    shared = conn.dialect.name == "postgresql"
    for doc in s.execute(select(DocumentRow).order_by(DocumentRow.id)).scalars():
        documents.append(
            {
                "id": doc.id,
                "title": doc.title,
                "author": doc.author,
                "source": doc.source,
                "format": doc.format,
                "date": doc.date,
                "language": doc.language,
                "added_at": _iso(doc.added_at),
                "last_opened_at": _iso(doc.last_opened_at),
                "reading_position": places.place(conn, doc.id) if shared else doc.reading_position,
                "versions": [
                    {
                        "id": v.id,
                        "number": v.number,
                        "text": v.text,
                        "sha256": v.sha256,
                        "structure": v.structure,
                        "created_at": _iso(v.created_at),
                    }
                    for v in doc.versions
                ],
            }
        )
    tags = list(s.execute(select(TagRow).order_by(TagRow.id)).scalars())
    links: dict[int, list[int]] = {}
    for link in s.execute(
        select(HighlightTagRow).order_by(HighlightTagRow.highlight_id, HighlightTagRow.position)
    ).scalars():
        links.setdefault(link.highlight_id, []).append(link.tag_id)
    highlights = [
        {
            "id": h.id,
            "document": h.document_id,
            "version": h.version_id,
            "start": h.start_offset,
            "end": h.end_offset,
            "exact": h.exact,
            "prefix": h.prefix,
            "suffix": h.suffix,
            "note": h.note,
            "themes": links.get(h.id, []),
            "created_at": _iso(h.created_at),
            "updated_at": _iso(h.updated_at),
            "made_on_version": h.made_on_version_id,
            "review_from": h.review_from,
            "author": h.author,
        }
        for h in s.execute(select(HighlightRow).order_by(HighlightRow.id)).scalars()
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": exported_at.isoformat(),
        "documents": documents,
        "themes": [
            {
                "id": t.id,
                "parent": t.parent_id,
                "name": t.name,
                "colour": t.colour,
                "description": t.description,
                "created_at": _iso(t.created_at),
                "pinned": t.pinned,
            }
            for t in tags
        ],
        "highlights": highlights,
    }


class _Ids:
    """Ids seen so far of one kind of record, to refuse a second record with the same id."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.seen: set[int] = set()

    def add(self, value: int, where: str) -> None:
        if value in self.seen:
            raise RestoreError(f"at {where}: a second {self.kind} with the id {value}")
        self.seen.add(value)


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _is_moment(value: str) -> bool:
    try:
        _moment(value)
    except ValueError:
        return False
    return True


@functools.cache
def _validate() -> Callable[[object], object]:
    """The backup's JSON Schema, compiled once into Python code (14 times as fast as interpreting it)."""
    schema = json.loads(BACKUP_SCHEMA.read_text(encoding="utf-8"))
    return fastjsonschema.compile(schema, formats={"iso-datetime": _is_moment})


def _schema_problem(data: object) -> str | None:
    """Return the first place, in file order, where the backup departs from its JSON Schema."""
    try:
        _validate()(data)
    except fastjsonschema.JsonSchemaValueException as error:
        name = error.name or "data"
        where = "$" + name.removeprefix("data")
        what = error.definition.get("description") if isinstance(error.definition, dict) else None
        if what is None or error.rule in ("required", "additionalProperties"):
            return f"at {where}: {error.message.removeprefix(name).strip()}"
        seen = repr(error.value)
        return f"at {where}: {seen if len(seen) <= 60 else seen[:57] + '...'} is not {what}"
    return None


# JSON Schema counts 9.0 as the integer 9; Python does not slice with it. Every field
# that holds an id, an offset or a count must be a whole number, and is checked below.
_WHOLE = {
    "document": ("id", "reading_position"),
    "version": ("id", "number"),
    "theme": ("id", "parent", "pinned"),
    "highlight": ("id", "document", "version", "made_on_version", "start", "end"),
}


def _whole_numbers(record: dict[str, Any], kind: str, where: str) -> None:
    for key in _WHOLE[kind]:
        value = record.get(key)
        if value is not None and not isinstance(value, int):
            raise RestoreError(f"at {where}.{key}: {value!r} is not a whole number")


def check_backup(data: object) -> dict[str, Any]:
    """Check a whole JSON backup before anything of it is written.

    First its shape against the backup's JSON Schema (types, ranges, names, colours,
    dates, text without lone surrogates), then what the schema cannot say: ids are unique,
    every reference points at a record of the right document, each edition's text matches
    its SHA-256 and structure, and each quote is the text at its offsets.

    Raises:
        RestoreError: Naming the first problem and where it is in the file.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreError("it is not a Marginalia library backup")
    if data.get("version") != VERSION:
        raise RestoreError(f"it is a backup of version {data.get('version')!r}, and this Marginalia reads {VERSION}")
    problem = _schema_problem(data)
    if problem is not None:
        raise RestoreError(problem)
    document_ids, version_ids = _Ids("document"), _Ids("edition")
    texts: dict[int, tuple[int, str]] = {}  # edition id -> (document id, text)
    for i, d in enumerate(data["documents"]):
        where = f"$.documents[{i}]"
        _whole_numbers(d, "document", where)
        document_ids.add(d["id"], f"{where}.id")
        numbers: set[int] = set()
        for j, v in enumerate(d["versions"]):
            vwhere = f"{where}.versions[{j}]"
            _whole_numbers(v, "version", vwhere)
            version_ids.add(v["id"], f"{vwhere}.id")
            if v["number"] in numbers:
                raise RestoreError(f"at {vwhere}.number: a second edition numbered {v['number']} of one document")
            numbers.add(v["number"])
            if sha256_hex(v["text"]) != v["sha256"]:
                raise RestoreError(f"at {vwhere}.text: the text does not match its SHA-256 (the file is damaged)")
            try:
                fits = Structure.from_json(v.get("structure", "")).fits(v["text"])
            except ValueError:
                fits = False
            if not fits:
                raise RestoreError(f"at {vwhere}.structure: the headings and pages do not fit the text")
            texts[v["id"]] = (d["id"], v["text"])
        current = max(d["versions"], key=lambda v: v["number"])
        if current["number"] == UNPLACED_EDITION:  # that edition holds only quotes not found in the text
            raise RestoreError(f"at {where}.versions: no edition numbered from 1 (the document's text)")
        if d["reading_position"] > len(current["text"]):
            raise RestoreError(f"at {where}.reading_position: {d['reading_position']} is past the end of the text")
    theme_ids, names, keys = _Ids("theme"), set(), set()
    for i, t in enumerate(data["themes"]):
        _whole_numbers(t, "theme", f"$.themes[{i}]")
        theme_ids.add(t["id"], f"$.themes[{i}].id")
        if (t["parent"], t["name"]) in names:
            raise RestoreError(f"at $.themes[{i}].name: a second theme {t['name']!r} under one parent")
        names.add((t["parent"], t["name"]))
        if t.get("pinned") is not None and t["pinned"] in keys:
            raise RestoreError(f"at $.themes[{i}].pinned: a second theme pinned to the key {t['pinned']}")
        keys.add(t.get("pinned"))
    parents = {t["id"]: t["parent"] for t in data["themes"]}
    for i, t in enumerate(data["themes"]):
        seen, node = {t["id"]}, t["parent"]
        while node is not None:
            if node not in parents or node in seen:
                problem = "is not in the backup" if node not in parents else "makes a circle of themes"
                raise RestoreError(f"at $.themes[{i}].parent: the parent theme {node} {problem}")
            seen.add(node)
            node = parents[node]
    highlight_ids = _Ids("highlight")
    for i, h in enumerate(data["highlights"]):
        where = f"$.highlights[{i}]"
        _whole_numbers(h, "highlight", where)
        if not all(isinstance(tid, int) for tid in h["themes"]):
            raise RestoreError(f"at {where}.themes: {h['themes']!r} is not a list of whole numbers")
        highlight_ids.add(h["id"], f"{where}.id")
        if h["document"] not in document_ids.seen:
            raise RestoreError(f"at {where}.document: the document {h['document']} is not in the backup")
        for key in ("version", "made_on_version"):
            edition = h.get(key, h["version"])
            if edition not in texts or texts[edition][0] != h["document"]:
                raise RestoreError(f"at {where}.{key}: the edition {edition} is not one of the highlight's document")
        text = texts[h["version"]][1]
        if not h["start"] < h["end"] <= len(text) or text[h["start"] : h["end"]] != h["exact"]:
            raise RestoreError(f"at {where}: the quote is not the text at its offsets (the file is damaged)")
        for j, tid in enumerate(h["themes"]):
            if tid not in theme_ids.seen:
                raise RestoreError(f"at {where}.themes[{j}]: the theme {tid} is not in the backup")
    return data


def _insert(s: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    if rows:
        s.execute(insert(model), rows)


def _depth(theme_id: int, parents: dict[int, int | None]) -> int:
    """How many ancestors a theme has (the backup was checked: no circles, no missing parent)."""
    depth, node = 0, parents[theme_id]
    while node is not None:
        depth, node = depth + 1, parents[node]
    return depth


def load_library(s: Session, data: object) -> tuple[int, int, int]:
    """Insert a JSON backup into an empty library, keeping every id; return the counts.

    The whole backup is checked first (`check_backup`): a library restored from it holds
    every invariant a library made by hand does.

    Raises:
        RestoreError: If the data is not a sound Marginalia backup, or the library is not
            empty. Nothing was written.
    """
    data = check_backup(data)
    parents = {t["id"]: t["parent"] for t in data["themes"]}
    if (
        s.execute(select(func.count()).select_from(DocumentRow)).scalar_one()
        or s.execute(select(func.count()).select_from(TagRow)).scalar_one()
    ):
        raise RestoreError("the library is not empty; restore into a new library (use --library NEW_FILE)")
    # Bulk inserts (executemany): 100,000 highlights as ORM objects took most of a minute.
    documents = data["documents"]
    _insert(
        s,
        DocumentRow,
        [
            {
                "id": d["id"],
                "title": d["title"],
                "author": d["author"],
                "source": d["source"],
                # Backups from before document properties lack these three.
                "format": d.get("format") or "text",
                "date": d.get("date", ""),
                "language": d.get("language", ""),
                "added_at": _moment(d["added_at"]),
                "last_opened_at": None if d.get("last_opened_at") is None else _moment(d["last_opened_at"]),
                "reading_position": d["reading_position"],
            }
            for d in documents
        ],
    )
    if s.connection().dialect.name == "postgresql":
        for d in documents:
            places.set_place(s.connection(), d["id"], d["reading_position"])
    _insert(
        s,
        VersionRow,
        [
            {
                "id": v["id"],
                "document_id": d["id"],
                "number": v["number"],
                "text": v["text"],
                "sha256": v["sha256"],
                "structure": v.get("structure", ""),
                "word_count": word_count(v["text"]),
                "created_at": _moment(v["created_at"]),
            }
            for d in documents
            for v in d["versions"]
        ],
    )
    # Parents before children, so that each theme's parent exists when it is written.
    _insert(
        s,
        TagRow,
        [
            {
                "id": t["id"],
                "parent_id": t["parent"],
                "name": t["name"],
                "colour": t["colour"],
                "description": t["description"],
                "created_at": _moment(t["created_at"]),
                "pinned": t.get("pinned"),
            }
            for t in sorted(data["themes"], key=lambda t: _depth(t["id"], parents))
        ],
    )
    highlights = data["highlights"]
    _insert(
        s,
        HighlightRow,
        [
            {
                "id": h["id"],
                "document_id": h["document"],
                "version_id": h["version"],
                "start_offset": h["start"],
                "end_offset": h["end"],
                "exact": h["exact"],
                "prefix": h["prefix"],
                "suffix": h["suffix"],
                "note": h["note"],
                # Backups from before editions lack it: the highlight was made where it is.
                "made_on_version_id": h.get("made_on_version", h["version"]),
                "review_from": h.get("review_from", ""),
                "author": h.get("author", ""),  # backups from before authorship lack it
                "created_at": _moment(h["created_at"]),
                "updated_at": _moment(h["updated_at"]),
            }
            for h in highlights
        ],
    )
    _insert(
        s,
        HighlightTagRow,
        [
            {"highlight_id": h["id"], "tag_id": tid, "position": i}
            for h in highlights
            for i, tid in enumerate(h["themes"])
        ],
    )
    return len(data["documents"]), len(data["themes"]), len(data["highlights"])
