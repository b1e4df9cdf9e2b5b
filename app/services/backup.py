"""The whole library as JSON, and back: a portable, lossless backup."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.structure import Structure
from app.domain.text import sha256_hex, word_count
from db.models import DocumentRow, HighlightRow, HighlightTagRow, TagRow, VersionRow

FORMAT = "marginalia-library"
VERSION = 1


class RestoreError(ValueError):
    """A backup file cannot be restored; the message says why. Nothing was changed."""


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def dump_library(s: Session, exported_at: datetime) -> dict[str, Any]:
    """Return every document, version, theme and highlight of the library as JSON values."""
    documents = []
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
                "reading_position": doc.reading_position,
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


def _when(value: object, what: str) -> datetime:
    if not isinstance(value, str):
        raise RestoreError(f"{what} is not a date")
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise RestoreError(f"{what} is not a date: {value!r}") from exc


def _field(record: Mapping[str, Any], key: str, kind: type, what: str) -> Any:  # noqa: ANN401 - checked below
    value = record.get(key)
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise RestoreError(f"{what} has no valid {key!r}")
    return value


def _made_on(h: Mapping[str, Any], texts: Mapping[int, str], what: str) -> int:
    """The edition a highlight was made on; backups from before editions lack it."""
    value = h.get("made_on_version", h.get("version"))
    if not _is_id(value) or value not in texts:
        raise RestoreError(f"{what} refers to an edition that is not in the backup")
    return int(value)


def _pinned(t: Mapping[str, Any], what: str) -> int | None:
    """The number key a theme is pinned to; backups from before pinning lack it."""
    value = t.get("pinned")
    if value is None:
        return None
    if not _is_id(value) or not 1 <= value <= 9:
        raise RestoreError(f"{what} has no valid 'pinned'")
    return int(value)


def _optional_text(h: Mapping[str, Any], key: str, what: str) -> str:
    value = h.get(key, "")
    if not isinstance(value, str):
        raise RestoreError(f"{what} has no valid {key!r}")
    return value


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def load_library(s: Session, data: object) -> tuple[int, int, int]:
    """Insert a JSON backup into an empty library, keeping every id; return the counts.

    Raises:
        RestoreError: If the data is not a Marginalia backup, is damaged, or the library
            is not empty. The caller's transaction is then rolled back.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreError("it is not a Marginalia library backup")
    if data.get("version") != VERSION:
        raise RestoreError(f"it is a backup of version {data.get('version')!r}, and this Marginalia reads {VERSION}")
    if (
        s.execute(select(func.count()).select_from(DocumentRow)).scalar_one()
        or s.execute(select(func.count()).select_from(TagRow)).scalar_one()
    ):
        raise RestoreError("the library is not empty; restore into a new library (use --library NEW_FILE)")
    documents, themes, highlights = (data.get(k) for k in ("documents", "themes", "highlights"))
    if not all(isinstance(v, list) for v in (documents, themes, highlights)):
        raise RestoreError("it lacks its documents, themes or highlights")
    texts: dict[int, str] = {}
    for d in documents:  # type: ignore[union-attr]
        what = f"document {d.get('id')!r}" if isinstance(d, dict) else "a document"
        if not isinstance(d, dict):
            raise RestoreError(f"{what} is not an object")
        s.add(
            DocumentRow(
                id=_field(d, "id", int, what),
                title=_field(d, "title", str, what),
                author=_field(d, "author", str, what),
                source=_field(d, "source", str, what),
                # Backups from before document properties lack these three.
                format=_optional_text(d, "format", what) or "text",
                date=_optional_text(d, "date", what),
                language=_optional_text(d, "language", what),
                added_at=_when(d.get("added_at"), f"{what} added_at"),
                last_opened_at=None if d.get("last_opened_at") is None else _when(d["last_opened_at"], what),
                reading_position=_field(d, "reading_position", int, what),
            )
        )
        for v in _field(d, "versions", list, what):
            vwhat = f"a version of {what}"
            text = _field(v, "text", str, vwhat)
            if sha256_hex(text) != _field(v, "sha256", str, vwhat):
                raise RestoreError(f"the text of {vwhat} does not match its SHA-256 (the file is damaged)")
            version_id = _field(v, "id", int, vwhat)
            texts[version_id] = text
            structure = _optional_text(v, "structure", vwhat)
            try:
                fits = Structure.from_json(structure).fits(text)
            except ValueError:
                fits = False
            if not fits:
                raise RestoreError(f"the headings and pages of {vwhat} do not fit its text (the file is damaged)")
            s.add(
                VersionRow(
                    id=version_id,
                    document_id=d["id"],
                    number=_field(v, "number", int, vwhat),
                    text=text,
                    sha256=v["sha256"],
                    structure=structure,
                    word_count=word_count(text),
                    created_at=_when(v.get("created_at"), vwhat),
                )
            )
    s.flush()
    # Parents before children: a theme's parent id is always smaller only if created
    # first, so insert in passes until every theme has found its parent.
    pending = list(themes)  # type: ignore[arg-type]
    for t in pending:
        what = f"theme {t.get('name')!r}" if isinstance(t, dict) else "a theme"
        if not isinstance(t, dict) or not _is_id(t.get("id")) or not (t.get("parent") is None or _is_id(t["parent"])):
            raise RestoreError(f"{what} has no valid id or parent")
    placed: set[int] = set()
    while pending:
        ready = [t for t in pending if t.get("parent") is None or t.get("parent") in placed]
        if not ready:
            raise RestoreError("its themes refer to parents that are not in it")
        for t in ready:
            what = f"theme {t.get('name')!r}"
            s.add(
                TagRow(
                    id=_field(t, "id", int, what),
                    parent_id=t.get("parent"),
                    name=_field(t, "name", str, what),
                    colour=_field(t, "colour", str, what),
                    description=_field(t, "description", str, what),
                    created_at=_when(t.get("created_at"), what),
                    pinned=_pinned(t, what),
                )
            )
            placed.add(t["id"])
        s.flush()
        pending = [t for t in pending if t not in ready]
    for h in highlights:  # type: ignore[union-attr]
        what = f"highlight {h.get('id')!r}" if isinstance(h, dict) else "a highlight"
        if not isinstance(h, dict):
            raise RestoreError(f"{what} is not an object")
        start, end = _field(h, "start", int, what), _field(h, "end", int, what)
        text = texts.get(_field(h, "version", int, what))
        if text is None or not 0 <= start < end <= len(text) or text[start:end] != _field(h, "exact", str, what):
            raise RestoreError(f"{what} does not match its text (the file is damaged)")
        row = HighlightRow(
            id=_field(h, "id", int, what),
            document_id=_field(h, "document", int, what),
            version_id=h["version"],
            start_offset=start,
            end_offset=end,
            exact=h["exact"],
            prefix=_field(h, "prefix", str, what),
            suffix=_field(h, "suffix", str, what),
            note=_field(h, "note", str, what),
            made_on_version_id=_made_on(h, texts, what),
            review_from=_optional_text(h, "review_from", what),
            created_at=_when(h.get("created_at"), what),
            updated_at=_when(h.get("updated_at"), what),
        )
        theme_ids = _field(h, "themes", list, what)
        if not all(_is_id(tid) for tid in theme_ids) or len(set(theme_ids)) != len(theme_ids):
            raise RestoreError(f"{what} has a list of themes that is not a list of distinct ids")
        if any(tid not in placed for tid in theme_ids):
            raise RestoreError(f"{what} carries a theme that is not in the backup")
        row.tag_links = [HighlightTagRow(tag_id=tid, position=i) for i, tid in enumerate(theme_ids)]
        s.add(row)
    s.flush()
    return len(documents), len(themes), len(highlights)  # type: ignore[arg-type]
