"""Highlights kept by e-readers: KOReader's sidecar files and Kobo's KoboReader.sqlite."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from app.domain.text import normalise
from app.importers.base import TextImportError, utc_moment
from app.importers.foreign import ForeignBook, ForeignHighlight
from app.importers.lua_data import loads

# KOReader ----------------------------------------------------------------------------

# What older KOReader wrote as a bookmark's text when the reader had added no note.
_AUTOMATIC_NOTE = re.compile(r"^(Page|Seite|Página|Pagina|Страница)\s+\S+\s.*@\s*\d{4}-\d{2}-\d{2}", re.DOTALL)


def _text(value: object) -> str:
    return normalise(value).strip() if isinstance(value, str) else ""


def _where(item: dict[Any, Any]) -> str:
    chapter = _text(item.get("chapter"))
    page = item.get("pageno", item.get("page"))
    page_text = f"page {page}" if isinstance(page, int) else ""
    return ", ".join(part for part in (chapter, page_text) if part)


def _koreader_highlight(item: dict[Any, Any], note: str = "") -> ForeignHighlight | None:
    quote = _text(item.get("text") if "pos0" in item or "drawer" in item else None)
    if not quote:
        return None
    return ForeignHighlight(
        quote,
        note or _text(item.get("note")),
        location=_where(item),
        created=utc_moment(str(item.get("datetime_updated") or item.get("datetime") or "").replace(" ", "T")),
        colour=_text(item.get("color")).lower(),
    )


def _table_values(value: object) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value[k] for k in sorted(value, key=str)]
    return []


def read_koreader(text: str) -> list[ForeignBook]:
    """Read a KOReader sidecar (`metadata.<ext>.lua`): newer `annotations`, or older `highlight` and `bookmarks`.

    Bookmarks without highlighted text are skipped. In the older layout the note lives in
    the bookmark of the same place (its `text`, unless KOReader wrote that itself).

    Raises:
        LuaDataError: If the file is not Lua data.
    """
    data = loads(text)
    if not isinstance(data, dict):
        return []
    props, stats = (value if isinstance(value := data.get(key), dict) else {} for key in ("doc_props", "stats"))
    title = _text(props.get("title")) or _text(stats.get("title"))
    author = ", ".join((_text(props.get("authors")) or _text(stats.get("authors"))).split("\n"))
    marks: list[ForeignHighlight] = []
    if "annotations" in data:
        for item in _table_values(data["annotations"]):
            if isinstance(item, dict) and (mark := _koreader_highlight(item)) is not None:
                marks.append(mark)
        return [ForeignBook(title, author, tuple(marks))]
    notes: dict[str, str] = {}
    for bookmark in _table_values(data.get("bookmarks")):
        if not isinstance(bookmark, dict):
            continue
        note = _text(bookmark.get("text"))
        if note and note != _text(bookmark.get("notes")) and not _AUTOMATIC_NOTE.match(note):
            notes[str(bookmark.get("pos0") or bookmark.get("notes"))] = note
    for page in _table_values(data.get("highlight")):
        for item in _table_values(page):
            if isinstance(item, dict):
                note = notes.get(str(item.get("pos0")), "") or notes.get(_text(item.get("text")), "")
                if (mark := _koreader_highlight(item, note)) is not None:
                    marks.append(mark)
    return [ForeignBook(title, author, tuple(marks))]


# Kobo --------------------------------------------------------------------------------

# The colours Kobo's firmware numbers its highlights with.
_KOBO_COLOURS = {0: "yellow", 1: "pink", 2: "blue", 3: "green"}


def _columns(con: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in con.execute(f"PRAGMA table_info({table})")}


def _kobo_rows(con: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    have = _columns(con, "Bookmark")
    if not {"VolumeID", "Text", "Annotation"} <= have:
        raise ValueError("it has no Kobo Bookmark table")
    colour = "b.Color" if "Color" in have else "NULL"
    kind = "b.Type" if "Type" in have else "'highlight'"
    hidden = "AND coalesce(b.Hidden, 'false') != 'true'" if "Hidden" in have else ""
    progress = "b.ChapterProgress" if "ChapterProgress" in have else "0"
    yield from con.execute(
        f"SELECT coalesce(c.Title, b.VolumeID), coalesce(c.Attribution, ''), b.Text, b.Annotation, "
        f"b.DateCreated, {colour}, {kind}, coalesce({progress}, 0) "
        "FROM Bookmark b LEFT JOIN content c ON c.ContentID = b.VolumeID "
        f"WHERE {kind} != 'dogear' {hidden} ORDER BY b.VolumeID, b.DateCreated"
    )


def read_kobo(path: Path) -> list[ForeignBook]:
    """Read the highlights and notes of every book in a Kobo's `KoboReader.sqlite`, without changing it.

    Raises:
        TextImportError: If it is not a Kobo database, or is damaged.
    """
    books: dict[tuple[str, str], list[ForeignHighlight]] = {}
    try:
        # Opened read-only and immutable: the reader's device file is never written.
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)) as con:
            con.execute("PRAGMA trusted_schema = OFF")
            for title, author, text, note, created, colour, _kind, progress in _kobo_rows(con):
                quote = _text(text)
                if not quote:
                    continue
                where = f"{round(float(progress) * 100)}% into the chapter" if progress else ""
                books.setdefault((_text(title), _text(author)), []).append(
                    ForeignHighlight(
                        quote,
                        _text(note),
                        location=where,
                        created=utc_moment(str(created or "")),
                        colour=_KOBO_COLOURS.get(colour, "") if isinstance(colour, int) else "",
                    )
                )
    except (sqlite3.Error, ValueError) as exc:
        raise TextImportError(path, f"it is not a Kobo e-reader database ({exc})") from exc
    return [ForeignBook(title, author, tuple(marks)) for (title, author), marks in books.items()]
