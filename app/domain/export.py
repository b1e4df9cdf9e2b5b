"""Exports of highlights: what goes in them, and the renderers for each format.

Everything here is pure: the services gather the values, these functions write text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from app.domain.markdown import escape_inline, hashtag, hashtags, note_markdown, quote_block, yaml_string
from app.domain.structure import Structure
from app.domain.values import Highlight

if TYPE_CHECKING:
    from jinja2 import Environment

UNTAGGED = "Untagged"


class ExportFormat(StrEnum):
    """The export formats."""

    MARKDOWN = "markdown"
    CSV = "csv"
    JSON = "json"
    W3C = "w3c"


class ExportOrder(StrEnum):
    """How highlights are arranged in an export."""

    TEXT = "text"  # documents one after another, highlights in text order
    THEME = "theme"  # under each theme they carry
    DOCUMENT = "document"  # under a heading per document


class ExportTemplateError(ValueError):
    """A user's export template could not be compiled or rendered."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a highlight starts, as a reader can find it: chapter, section, page, paragraph.

    `paragraph` counts from 1 within the section (from the nearest heading above, or the
    start of a text without headings); 0 is the heading itself. `chapter` is the
    top-level heading above it, `section` the nearest deeper one, `page` the printed
    page's label; each is "" where the text has none.
    """

    paragraph: int
    chapter: str = ""
    section: str = ""
    page: str = ""

    def cite(self) -> str:
        """Return the location as a reader cites it: "Chapter I, 1.2 Scope, p. 12, ¶ 4"."""
        parts = [part for part in (self.chapter, self.section) if part]
        if self.page:
            parts.append(f"p. {self.page}")
        if self.paragraph:
            parts.append(f"¶ {self.paragraph}")
        return ", ".join(parts) or "¶ 1"


class Locator:
    """Finds the chapter, section, page and paragraph of offsets in one text (indexed once).

    A paragraph is a run of non-blank lines; blank lines separate paragraphs. Paragraphs
    are counted from the nearest heading, as the reader's paragraph margin shows them:
    counted from the start of a book they run into the thousands, which nobody can find.
    """

    _PARAGRAPH_START = re.compile(r"(?:\A|\n[ \t\f\v\u00a0]*\n)\s*(?=\S)")

    def __init__(self, text: str, structure: Structure | None = None) -> None:
        """Index the paragraph starts of `text`; `structure` gives headings and pages."""
        self._paragraphs = [m.end() for m in self._PARAGRAPH_START.finditer(text)]
        self._structure = structure or Structure()

    def paragraph_starts(self) -> list[int]:
        """Return where every paragraph (headings included) starts, in text order."""
        return list(self._paragraphs)

    def paragraph_number(self, offset: int) -> int:
        """Return the number of the paragraph holding `offset` within its section (0: the heading)."""
        heading = self._structure.heading_at(offset)
        before = bisect_right(self._paragraphs, heading.start) if heading else 0
        number = bisect_right(self._paragraphs, offset) - before
        return number if heading else max(1, number)

    def locate(self, offset: int) -> Location:
        """Return the location of a code-point offset."""
        chapter = self._structure.chapter_at(offset)
        heading = self._structure.heading_at(offset)
        section = heading.title if heading and chapter and heading.level > chapter.level else ""
        return Location(
            paragraph=self.paragraph_number(offset),
            chapter=chapter.title if chapter else "",
            section=section,
            page=self._structure.page_at(offset),
        )


@dataclass(frozen=True, slots=True)
class ExportDocument:
    """A document's metadata and the highlights exported from it, in text order."""

    id: int
    title: str
    author: str
    source: str
    highlights: tuple[Highlight, ...]
    locations: tuple[Location, ...]
    language: str = ""


@dataclass(frozen=True, slots=True)
class ExportSet:
    """Everything one export writes."""

    documents: tuple[ExportDocument, ...]
    exported_at: datetime
    include_notes: bool = True
    order: ExportOrder = ExportOrder.TEXT
    creator: str = ""  # who made the highlights (the library's author name)


class Entry(NamedTuple):
    """One highlight as a template sees it (a tuple: cheap to make 100,000 of)."""

    id: int
    quote: str
    note: str
    tags: tuple[str, ...]
    themes: tuple[str, ...]
    citation: str  # Markdown: the title in it is escaped
    document: str
    chapter: str
    section: str
    page: str
    paragraph: int
    start: int
    end: int
    block_id: str
    made_by: str  # who made it ("" when not recorded)


@dataclass(frozen=True, slots=True)
class Section:
    """A group of entries under an optional heading."""

    heading: str | None
    entries: list[Entry] = field(default_factory=list)


def _citation(doc: ExportDocument, location: Location, many_documents: bool) -> str:
    where = escape_inline(location.cite())
    return f"{escape_inline(doc.title)}, {where}" if many_documents else where


_Item = tuple[ExportDocument, Highlight, Location]


def sections(export: ExportSet) -> list[Section]:
    """Arrange the entries of an export by its order.

    Under theme order a highlight stands under every theme it carries (untagged ones
    under "Untagged"); its block id is written at its first place in the output only,
    so that ids stay unique in a vault.
    """
    many = len(export.documents) > 1

    def items(doc: ExportDocument) -> list[_Item]:
        return [(doc, h, loc) for h, loc in zip(doc.highlights, doc.locations, strict=True)]

    arranged: list[tuple[str | None, list[_Item]]]
    if export.order is ExportOrder.THEME:
        by_theme: dict[str, list[_Item]] = {}
        for doc in export.documents:
            for item in items(doc):
                for tag in item[1].tags or ():
                    by_theme.setdefault(tag.path, []).append(item)
                if not item[1].tags:
                    by_theme.setdefault(UNTAGGED, []).append(item)
        arranged = sorted(by_theme.items(), key=lambda kv: (kv[0] == UNTAGGED, str(kv[0]).casefold()))
    elif export.order is ExportOrder.DOCUMENT or many:
        arranged = [(doc.title, items(doc)) for doc in export.documents]
    else:
        arranged = [(None, [item for doc in export.documents for item in items(doc)])]

    tags = hashtags(themes_of(export))
    seen: set[int] = set()
    result: list[Section] = []
    for heading, members in arranged:
        section = Section(heading)
        for doc, h, location in members:
            first = h.id not in seen
            seen.add(h.id)
            section.entries.append(
                Entry(
                    id=h.id,
                    quote=h.exact,
                    note=h.note,
                    tags=tuple(tags[t.path] for t in h.tags),
                    themes=tuple(t.path for t in h.tags),
                    citation=_citation(doc, location, many),
                    document=doc.title,
                    chapter=location.chapter,
                    section=location.section,
                    page=location.page,
                    paragraph=location.paragraph,
                    start=h.start,
                    end=h.end,
                    block_id=f"hl-{h.id}" if first else "",
                    made_by=h.author,
                )
            )
        result.append(section)
    return result


def themes_of(export: ExportSet) -> list[str]:
    """Return the theme paths present in an export, sorted."""
    return sorted({t.path for doc in export.documents for h in doc.highlights for t in h.tags}, key=str.casefold)


def _environment(*, sandboxed: bool) -> Environment:
    """A Jinja2 environment with Marginalia's filters.

    A user's template runs sandboxed: it cannot reach files, the network or Python
    internals. The bundled template is Marginalia's own code and runs without the
    sandbox, whose check on every attribute took most of the time of a large export.
    Jinja2 is imported here, by the exports that need it: it slowed every command's start.
    """
    from jinja2 import Environment, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    kind = SandboxedEnvironment if sandboxed else Environment
    env = kind(
        autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined
    )
    env.filters["blockquote"] = quote_block
    env.filters["hashtag"] = hashtag
    env.filters["yaml"] = yaml_string
    env.filters["md"] = escape_inline
    env.filters["note"] = note_markdown
    return env


def render_markdown(export: ExportSet, template_source: str, *, trusted: bool = False) -> str:
    """Render an export with a Jinja2 template.

    Args:
        export: What to write.
        template_source: The template's text.
        trusted: True only for the template bundled with Marginalia; any other runs in
            Jinja2's sandbox.

    Raises:
        ExportTemplateError: If the template does not compile or fails while rendering.
    """
    single = export.documents[0] if len(export.documents) == 1 else None
    context: dict[str, Any] = {
        "title": single.title if single else "Marginalia export",
        "author": single.author if single else "",
        "source": single.source if single else "",
        "exported": export.exported_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "themes": themes_of(export),
        "tags": [tag.removeprefix("#") for tag in hashtags(themes_of(export)).values()],
        "sections": sections(export),
        "include_notes": export.include_notes,
        "documents": export.documents,
        "makers": sorted({h.author for doc in export.documents for h in doc.highlights if h.author}),
    }
    from jinja2 import TemplateError

    try:
        return _environment(sandboxed=not trusted).from_string(template_source).render(context)
    except TemplateError as exc:
        raise ExportTemplateError(f"The export template failed: {exc}") from exc


CSV_COLUMNS = (
    "id",
    "document",
    "author",
    "chapter",
    "section",
    "page",
    "paragraph",
    "start",
    "end",
    "quote",
    "themes",
    "note",
    "created",
    "updated",
    "made by",
)


def render_csv(export: ExportSet) -> str:
    """One row per highlight; themes joined with "; ". Quotes keep their line breaks."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for doc in export.documents:
        for h, loc in zip(doc.highlights, doc.locations, strict=True):
            writer.writerow(
                [
                    h.id,
                    doc.title,
                    doc.author,
                    loc.chapter,
                    loc.section,
                    loc.page,
                    loc.paragraph,
                    h.start,
                    h.end,
                    h.exact,
                    "; ".join(t.path for t in h.tags),
                    h.note if export.include_notes else "",
                    iso(h.created_at),
                    iso(h.updated_at),
                    h.author,
                ]
            )
    return out.getvalue()


def iso(moment: datetime) -> str:
    """A moment (UTC) as the exports write it: ISO 8601 with microseconds and a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def highlight_json(h: Highlight, include_notes: bool = True) -> dict[str, Any]:
    """Every field of a highlight, as JSON values."""
    return {
        "id": h.id,
        "document": h.document_id,
        "version": h.version_id,
        "start": h.start,
        "end": h.end,
        "exact": h.exact,
        "prefix": h.prefix,
        "suffix": h.suffix,
        "note": h.note if include_notes else "",
        "themes": [t.path for t in h.tags],
        "created": iso(h.created_at),
        "updated": iso(h.updated_at),
        "made_by": h.author,
    }


def render_json(export: ExportSet, themes: Iterable[dict[str, Any]]) -> str:
    """A lossless JSON export of the chosen highlights, with the themes' tree and colours."""
    return dump_json(
        {
            "format": "marginalia-highlights",
            "version": 1,
            "exported": iso(export.exported_at),
            "themes": list(themes),
            "documents": [
                {
                    "id": doc.id,
                    "title": doc.title,
                    "author": doc.author,
                    "source": doc.source,
                    "highlights": [
                        {
                            **highlight_json(h, export.include_notes),
                            "chapter": loc.chapter,
                            "section": loc.section,
                            "page": loc.page,
                            "paragraph": loc.paragraph,
                        }
                        for h, loc in zip(doc.highlights, doc.locations, strict=True)
                    ],
                }
                for doc in export.documents
            ],
        }
    )


def dump_json(value: Any) -> str:  # noqa: ANN401 - any JSON value
    """A JSON value as the exports write it: indented, characters as they are, a final newline."""
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def snippet(h: Highlight, location: Location, title: str, include_note: bool = True) -> str:
    """One highlight as a Markdown snippet, as Ctrl+Shift+C copies it."""
    lines = [
        quote_block(h.exact),
        "",
        f"^hl-{h.id}",
        "",
        f"— {title}, {location.cite()}" + (" · " + " ".join(hashtag(t.path) for t in h.tags) if h.tags else ""),
    ]
    if include_note and h.note:
        lines += ["", note_markdown(h.note)]
    return "\n".join(lines) + "\n"
