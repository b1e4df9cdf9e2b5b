"""OpenDocument text (.odt): headings, paragraphs, lists and notes, with its metadata.

The content is a short, documented XML vocabulary (text:h, text:p, text:list, text:s
...), read here with defusedxml: the Python ODF libraries parse it with xml.sax and its
defaults, and an .odt is untrusted input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from app.domain.structure import TextBuilder
from app.importers.base import ImportedText, TextImportError
from app.importers.files import first_text, local, open_zip, parse_xml, read_file, read_member

_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_ODT_MIME = b"application/vnd.oasis.opendocument.text"
# Counts the file gives are kept sane: a run of spaces written as <text:s text:c="10^12"/>
# would otherwise ask for a terabyte.
_MAX_SPACES = 1000
_MAX_LEVEL = 10


def _number(raw: str | None, most: int) -> int:
    """Read a count or level attribute: 1 when missing or not a number, at most `most`."""
    if not raw or not raw.isdecimal():
        return 1
    return max(1, min(int(raw) if len(raw) <= len(str(most)) else most, most))


@dataclass
class _Notes:
    """Footnotes and endnotes met in the body, written after it under "Notes"."""

    bodies: list[str] = field(default_factory=list)


def _inline(element: Element, notes: _Notes) -> str:
    """Return the text of a paragraph as a reader sees it (spaces, tabs, breaks, note marks)."""
    parts = [element.text or ""]
    for child in element:
        name = local(child.tag)
        if name == "s":
            parts.append(" " * _number(child.get(f"{{{_TEXT_NS}}}c"), _MAX_SPACES))
        elif name == "tab":
            parts.append("\t")
        elif name == "line-break":
            parts.append("\n")
        elif name == "note":
            citation = next((c for c in child if local(c.tag) == "note-citation"), None)
            mark = "".join(citation.itertext()) if citation is not None else str(len(notes.bodies) + 1)
            body = next((c for c in child if local(c.tag) == "note-body"), None)
            if body is not None:
                text = "\n".join(_inline(p, notes) for p in body.iter() if local(p.tag) in ("p", "h"))
                notes.bodies.append(f"[{mark}] {text.strip()}")
            parts.append(f"[{mark}]")
        elif name not in ("bookmark", "bookmark-start", "bookmark-end", "soft-page-break", "annotation"):
            parts.append(_inline(child, notes))
        parts.append(child.tail or "")
    return "".join(parts)


@dataclass(frozen=True)
class _Lists:
    """The list styles of a document: for each style and level, its number suffix.

    A level missing from a style's entry is a bullet level.
    """

    numbered: dict[str, dict[int, str]]

    @classmethod
    def of(cls, *roots: Element) -> _Lists:
        numbered: dict[str, dict[int, str]] = {}
        for root in roots:
            for style in root.iter(f"{{{_TEXT_NS}}}list-style"):
                name = style.get(f"{{{_STYLE_NS}}}name", "")
                for level in style:
                    if local(level.tag) == "list-level-style-number":
                        depth = _number(level.get(f"{{{_TEXT_NS}}}level"), _MAX_LEVEL)
                        # A format of "" numbers nothing (an outline without labels).
                        if level.get(f"{{{_STYLE_NS}}}num-format", "1"):
                            numbered.setdefault(name, {})[depth] = level.get(f"{{{_STYLE_NS}}}num-suffix", ".")
        return cls(numbered)

    def marker(self, style: str, depth: int, number: int) -> str:
        suffix = self.numbered.get(style, {}).get(depth)
        return "• " if suffix is None else f"{number}{suffix} "


def _blocks(element: Element, builder: TextBuilder, notes: _Notes, lists: _Lists, bullet: str = "") -> None:
    for child in element:
        _block(child, builder, notes, lists, bullet)


def _block(element: Element, builder: TextBuilder, notes: _Notes, lists: _Lists, bullet: str) -> None:
    name = local(element.tag)
    if name == "h":
        level = _number(element.get(f"{{{_TEXT_NS}}}outline-level"), _MAX_LEVEL)
        builder.heading(level, _inline(element, notes))
    elif name == "p":
        text = _inline(element, notes)
        builder.paragraph(f"{bullet}{text}" if text.strip() else text)
    elif name == "list":
        _list(element, builder, notes, lists, "", 1)
    elif name in ("section", "table", "table-row", "table-cell", "table-header-rows", "list-header", "list-item"):
        _blocks(element, builder, notes, lists, bullet)


def _list(element: Element, builder: TextBuilder, notes: _Notes, lists: _Lists, style: str, depth: int) -> None:
    """Add a list's items, numbered as its style says (a nested list takes the next level)."""
    style = element.get(f"{{{_TEXT_NS}}}style-name", style)
    number = 0
    for item in element:
        if local(item.tag) not in ("list-item", "list-header"):
            continue
        number += 1
        marker = lists.marker(style, depth, number)
        for part in item:
            if local(part.tag) == "list":
                _list(part, builder, notes, lists, style, depth + 1)
            else:
                _block(part, builder, notes, lists, marker)


def read_odt(path: Path) -> ImportedText:
    """Import an OpenDocument text.

    Raises:
        TextImportError: If the file is not a sound .odt, declares XML entities, or holds
            no text.
    """
    archive = open_zip(read_file(path), path, "ODT")
    with archive:
        names = set(archive.namelist())
        if "content.xml" not in names:
            raise TextImportError(path, "it is a zip archive but not an OpenDocument text (it has no content.xml)")
        if "mimetype" in names and read_member(archive, "mimetype", path).strip() != _ODT_MIME:
            raise TextImportError(path, "it is an OpenDocument file, but not a text document")
        content, meta, styles = (
            parse_xml(read_member(archive, part, path), path, part) if part in names else None
            for part in ("content.xml", "meta.xml", "styles.xml")
        )
    assert content is not None  # checked above
    lists = _Lists.of(*(root for root in (content, styles) if root is not None))
    builder = TextBuilder()
    notes = _Notes()
    for body in content.iter(f"{{{_OFFICE_NS}}}text"):
        _blocks(body, builder, notes, lists)
    if notes.bodies:
        builder.heading(1, "Notes")
        for note in notes.bodies:
            builder.paragraph(note)
    if builder.empty:
        raise TextImportError(path, "the document holds no text")
    return ImportedText.built(
        builder,
        title=(first_text(meta, "title") if meta is not None else "") or path.stem,
        author=first_text(meta, "creator", "initial-creator") if meta is not None else "",
        date=(first_text(meta, "date", "creation-date") if meta is not None else "")[:10],
        language=first_text(meta, "language") if meta is not None else "",
        source=str(path),
        format="odt",
    )
