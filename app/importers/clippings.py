"""Highlights from Kindle's My Clippings.txt, and Hypothesis and W3C Web Annotation JSON."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any

from app.domain.text import normalise
from app.importers.base import utc_moment
from app.importers.foreign import ForeignBook, ForeignHighlight

# Kindle ------------------------------------------------------------------------------

SEPARATOR = "=========="
# The kind of a clipping, in the languages Kindles write their header lines in.
_KINDS = {
    "note": re.compile(r"\b(note|notiz|nota|notitie)\b|笔记|筆記|メモ|메모", re.IGNORECASE),
    "bookmark": re.compile(
        r"bookmark|lesezeichen|signet|marcador|segnalibro|bladwijzer|书签|書籤|ブックマーク|북마크", re.IGNORECASE
    ),
    "highlight": re.compile(
        r"highlight|markierung|surlignement|subrayado|evidenziazione|destaque|markering|标注|標註|ハイライト|하이라이트",
        re.IGNORECASE,
    ),
}
_BEYOND = 2**63
_RANGE = re.compile(r"(\d+)(?:\s*-\s*(\d+))?")


def _kind(meta: str) -> str:
    for kind in ("note", "bookmark", "highlight"):
        if _KINDS[kind].search(meta):
            return kind
    return "highlight"


def _span(meta: str) -> tuple[int, int] | None:
    """The last number range of a header line: the location (after any page number)."""
    found = _RANGE.findall(meta.split("|")[1] if meta.count("|") >= 2 else meta.split("|")[0])
    if not found:
        return None
    first, last = found[-1]
    return int(first), int(last or first)


def _book(line: str) -> tuple[str, str]:
    line = line.strip().lstrip("\ufeff").strip()
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", line)
    return (m.group(1).strip() or line, m.group(2).strip()) if m else (line, "")


def read_kindle(text: str) -> list[ForeignBook]:
    """Read a Kindle `My Clippings.txt` (any UI language, BOMs, CR LF).

    Bookmarks are skipped; a note is attached to the highlight at its location, whether
    it comes before or after it; a highlight extended or edited on the device (a later
    clipping overlapping an earlier one of the same book) replaces the earlier one.
    """
    books: dict[tuple[str, str], list[tuple[str, str, tuple[int, int] | None, str]]] = {}  # kind, body, span, meta
    for raw in normalise(text.replace("\ufeff", "")).split(SEPARATOR):
        lines = raw.strip("\n").split("\n")
        if len(lines) < 2 or not lines[0].strip():
            continue
        meta = lines[1].lstrip("- ").strip()
        body = "\n".join(lines[2:]).strip()
        kind = _kind(meta)
        if kind != "bookmark" and body:
            books.setdefault(_book(lines[0]), []).append((kind, body, _span(meta), meta))
    result: list[ForeignBook] = []
    for (title, author), entries in books.items():
        marks = _Marks()
        for kind, body, span, meta in entries:
            if kind == "highlight":
                marks.add(span, body, meta)
        for kind, body, span, _meta in entries:
            if kind == "note" and span is not None:
                marks.annotate(span[0], body)
        if marks.kept:
            result.append(ForeignBook(title, author, marks.highlights()))
    return result


class _Marks:
    """A book's highlights in file order, the later of two overlapping ones kept.

    The placed ones are kept as disjoint spans sorted by start, so that a clipping finds
    the ones it replaces, and a note its highlight, by bisection: a device's file can hold
    tens of thousands of clippings of one book.
    """

    def __init__(self) -> None:
        self.kept: dict[int, tuple[str, str]] = {}  # by order in the file: quote, meta
        self.notes: dict[int, list[str]] = {}
        self.spans: list[tuple[int, int, int]] = []  # start, end, order
        self.count = 0

    def add(self, span: tuple[int, int] | None, quote: str, meta: str) -> None:
        order = self.count
        self.count += 1
        if span is not None:
            first = bisect_left(self.spans, (span[0],))
            if first > 0 and self.spans[first - 1][1] >= span[0]:
                first -= 1
            last = bisect_right(self.spans, (span[1], _BEYOND, _BEYOND))
            for _start, _end, replaced in self.spans[first:last]:
                del self.kept[replaced]  # an edited or extended highlight: a later clipping over it
            self.spans[first:last] = [(span[0], span[1], order)]
        self.kept[order] = (quote, meta)

    def annotate(self, location: int, note: str) -> None:
        """Attach a note to the highlight whose span holds its location (or ends just before it)."""
        at = bisect_right(self.spans, (location, _BEYOND, _BEYOND)) - 1
        if at >= 0 and location <= self.spans[at][1] + 1:
            self.notes.setdefault(self.spans[at][2], []).append(note)

    def highlights(self) -> tuple[ForeignHighlight, ...]:
        return tuple(
            ForeignHighlight(quote, "\n\n".join(self.notes.get(order, [])), location=meta.split("|")[0].strip(" -"))
            for order, (quote, meta) in self.kept.items()
        )


# Hypothesis and W3C ------------------------------------------------------------------


def _selectors(target: object) -> list[dict[str, Any]]:
    targets = target if isinstance(target, list) else [target]
    found: list[dict[str, Any]] = []
    for t in targets:
        if isinstance(t, dict):
            selector = t.get("selector", [])
            found += [s for s in (selector if isinstance(selector, list) else [selector]) if isinstance(s, dict)]
    return found


def _source(target: object) -> str:
    first = target[0] if isinstance(target, list) and target else target
    if isinstance(first, dict):
        return str(first.get("source") or first.get("id") or "")
    return str(first or "")


def _annotation(item: dict[str, Any]) -> tuple[str, str, ForeignHighlight] | None:
    """One Hypothesis or W3C annotation: (source, title, highlight), or None without a quote."""
    quote_selector = next((s for s in _selectors(item.get("target")) if s.get("type") == "TextQuoteSelector"), None)
    if quote_selector is None or not str(quote_selector.get("exact", "")).strip():
        return None
    given = item.get("tags")
    note, tags = (
        str(item.get("text") or ""),
        [t for t in given if isinstance(t, str)] if isinstance(given, list) else [],
    )
    bodies = item.get("body") or []
    for body in bodies if isinstance(bodies, list) else [bodies]:
        if isinstance(body, dict) and isinstance(body.get("value"), str):
            if body.get("purpose") == "tagging":
                tags.append(body["value"])
            else:
                note = "\n\n".join(filter(None, [note, body["value"]]))
    document = item.get("document") if isinstance(item.get("document"), dict) else {}
    titles = document.get("title") if isinstance(document, dict) else None
    title = str(titles[0] if isinstance(titles, list) and titles else titles or "")
    highlight = ForeignHighlight(
        normalise(str(quote_selector["exact"])),
        normalise(note),
        tuple(dict.fromkeys(tags)),
        prefix=normalise(str(quote_selector.get("prefix", ""))),
        suffix=normalise(str(quote_selector.get("suffix", ""))),
        created=utc_moment(item.get("created")),
    )
    return _source(item.get("target")) or str(item.get("uri") or ""), title, highlight


def read_annotations(data: object) -> list[ForeignBook]:
    """Read Hypothesis API annotations or W3C Web Annotations (one, a list, a page or a collection)."""
    if isinstance(data, dict):
        if isinstance(data.get("rows"), list):  # a Hypothesis search result
            items = data["rows"]
        elif isinstance(data.get("first"), dict):  # a W3C collection with its first page
            items = data["first"].get("items") or []
        elif isinstance(data.get("items"), list):  # a W3C page
            items = data["items"]
        else:
            items = [data]
    elif isinstance(data, list):
        items = data
    else:
        return []
    books: dict[str, tuple[str, list[ForeignHighlight]]] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        read = _annotation(item)
        if read is None:
            continue
        source, title, highlight = read
        entry = books.setdefault(source, (title or source, []))
        entry[1].append(highlight)
    return [ForeignBook(title, "", tuple(marks)) for _source_, (title, marks) in books.items()]
