"""Highlights exported by reading tools: calibre's viewer (JSON), Readwise (CSV), Zotero (JSON)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from app.domain.text import normalise
from app.importers.base import utc_moment
from app.importers.foreign import ForeignBook, ForeignHighlight


def _text(value: object) -> str:
    return normalise(value).strip() if isinstance(value, str) else ""


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


# calibre -----------------------------------------------------------------------------


def is_calibre(data: object) -> bool:
    """Whether JSON data is calibre's exported annotations."""
    if isinstance(data, dict):
        return data.get("type") == "calibre_annotation_collection"
    return any("highlighted_text" in item or "start_cfi" in item for item in _dicts(data))


def read_calibre(data: object) -> list[ForeignBook]:
    """Read calibre's viewer annotations, as its Export button writes them.

    The export does not name the book, so the highlights come as one untitled book for
    the reader to place on a document. A highlight's colour is its built-in style name;
    its chapter (the table of contents around it) is where it stood.
    """
    items = _dicts(data.get("annotations") if isinstance(data, dict) else data)
    marks = []
    for item in items:
        quote = _text(item.get("highlighted_text"))
        if item.get("type", "highlight") != "highlight" or not quote or item.get("removed"):
            continue
        style = value if isinstance(value := item.get("style"), dict) else {}
        chapters = [_text(t) for t in item.get("toc_family_titles") or [] if isinstance(t, str)]
        marks.append(
            ForeignHighlight(
                quote,
                _text(item.get("notes")),
                location=" › ".join(chapters),
                created=utc_moment(str(item.get("timestamp") or "")),
                colour=_text(style.get("which")).lower() if style.get("kind") == "color" else "",
            )
        )
    return [ForeignBook("", "", tuple(marks))]


# Readwise ----------------------------------------------------------------------------

# Readwise keeps a highlight's emphasis as Markdown; the text the book holds has none.
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1", re.DOTALL)


def is_readwise(text: str) -> bool:
    """Whether text is a Readwise CSV export (its header row)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    return header.startswith("Highlight,") and ("Book Title" in header or "Title" in header)


def read_readwise(text: str) -> list[ForeignBook]:
    """Read a Readwise CSV export, with the current columns or the older ones.

    Current: Highlight, Book Title, Book Author, Amazon Book ID, Note, Color, Tags,
    Location Type, Location, Highlighted at, Document tags. Older exports name the book
    `Title` and `Author` and the date `Date`. Tags are comma-separated; Readwise's own
    heading tags (`.h1`, `.h2`, …) are not themes.
    """
    books: dict[tuple[str, str], list[ForeignHighlight]] = {}
    for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")):
        quote = _text(_EMPHASIS.sub(r"\2", row.get("Highlight") or ""))
        if not quote:
            continue
        title = _text(row.get("Book Title") or row.get("Title"))
        author = _text(row.get("Book Author") or row.get("Author"))
        tags = [t.strip() for t in (row.get("Tags") or "").split(",")]
        kind, where = _text(row.get("Location Type")), _text(row.get("Location"))
        books.setdefault((title, author), []).append(
            ForeignHighlight(
                quote,
                _text(row.get("Note")),
                tuple(t for t in tags if t and not t.startswith(".")),
                location=f"{kind} {where}".strip() if where else "",
                created=utc_moment((row.get("Highlighted at") or row.get("Date") or "").strip()),
                colour=_text(row.get("Color")).lower(),
            )
        )
    return [ForeignBook(title, author, tuple(marks)) for (title, author), marks in books.items()]


# Zotero ------------------------------------------------------------------------------

# Zotero's highlight colours, by the names its colour menu gives them.
_ZOTERO_COLOURS = {
    "#ffd400": "yellow",
    "#ff6666": "red",
    "#5fb236": "green",
    "#2ea8e5": "blue",
    "#a28ae5": "purple",
    "#e56eee": "magenta",
    "#f19837": "orange",
    "#aaaaaa": "gray",
}


def _zotero_items(data: object) -> list[dict[str, Any]]:
    """Zotero annotation items, whether as its Web API writes them (with `data`) or bare."""
    items = data.get("items") if isinstance(data, dict) and "items" in data else data
    found = []
    for item in _dicts(items if isinstance(items, list) else [items]):
        inner = value if isinstance(value := item.get("data"), dict) else item
        if inner.get("itemType") == "annotation" or "annotationType" in inner:
            found.append(inner)
    return found


def is_zotero(data: object) -> bool:
    """Whether JSON data holds Zotero annotation items."""
    return bool(_zotero_items(data))


def read_zotero(data: object) -> list[ForeignBook]:
    """Read Zotero annotations (highlights and underlines, with comments, tags, colours and page labels).

    Zotero names the attachment an annotation belongs to by key alone, so each
    attachment's highlights come as one book named by that key, to be placed on a document.
    """
    books: dict[str, list[ForeignHighlight]] = {}
    for item in _zotero_items(data):
        quote = _text(item.get("annotationText"))
        if item.get("annotationType") not in ("highlight", "underline") or not quote:
            continue
        page = _text(item.get("annotationPageLabel"))
        tags = tuple(_text(t.get("tag")) for t in _dicts(item.get("tags")) if _text(t.get("tag")))
        books.setdefault(_text(item.get("parentItem")), []).append(
            ForeignHighlight(
                quote,
                _text(item.get("annotationComment")),
                tags,
                location=f"page {page}" if page else "",
                created=utc_moment(str(item.get("dateAdded") or "")),
                colour=_ZOTERO_COLOURS.get(_text(item.get("annotationColor")).lower(), ""),
            )
        )
    return [ForeignBook("", "", tuple(marks)) for marks in books.values()]
