"""Word documents (.docx): paragraphs, headings and footnotes, with core properties.

mammoth turns the document into clean HTML by paragraph style (Heading 1 -> <h1>) and
reads "Strict" Open XML files too, which python-docx refuses (compared on the same
files: README, "Bringing texts in"). Before mammoth sees the file, every XML part is
parsed with defusedxml, so a part declaring entities is refused, not expanded.
"""

from __future__ import annotations

import io
from pathlib import Path

import mammoth
from bs4 import BeautifulSoup, Tag

from app.domain.structure import TextBuilder
from app.importers.base import ImportedText, TextImportError
from app.importers.files import first_text, open_zip, parse_xml, read_file, read_member
from app.importers.html import html_blocks, parse_html

_CORE = "docProps/core.xml"
_BACK_LINKS = ("#footnote-ref", "#endnote-ref")


def _notes_heading(soup: BeautifulSoup) -> None:
    """Give the footnotes mammoth lists at the end a heading, and drop their back links."""
    for link in soup.find_all("a", href=True):
        if str(link["href"]).startswith(_BACK_LINKS):
            link.decompose()
    first = soup.find("li", id=lambda v: isinstance(v, str) and v.startswith(("footnote-", "endnote-")))
    if isinstance(first, Tag) and first.parent is not None:
        heading = soup.new_tag("h1")
        heading.string = "Notes"
        first.parent.insert_before(heading)


def read_docx(path: Path) -> ImportedText:
    """Import a Word document (Transitional or Strict Open XML).

    Raises:
        TextImportError: If the file is not a sound .docx, declares XML entities, or
            holds no text.
    """
    data = read_file(path)
    archive = open_zip(data, path, "DOCX")
    with archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names:
            raise TextImportError(path, "it is a zip archive but not a Word document")
        for name in names:
            if name.endswith((".xml", ".rels")):
                parse_xml(read_member(archive, name, path), path, name)
        core = parse_xml(read_member(archive, _CORE, path), path, _CORE) if _CORE in names else None
    try:
        result = mammoth.convert_to_html(io.BytesIO(data))
    # mammoth raises whatever its parsing meets on a damaged part (KeyError, ValueError,
    # AttributeError ...); each becomes the one clear message below.
    except Exception as exc:
        raise TextImportError(path, f"it is a damaged Word document ({type(exc).__name__}: {exc})") from None
    soup = parse_html(result.value, path)
    _notes_heading(soup)
    builder = TextBuilder()
    html_blocks(soup, builder)
    if builder.empty:
        raise TextImportError(path, "the document holds no text")
    return ImportedText.built(
        builder,
        title=(first_text(core, "title") if core is not None else "") or path.stem,
        author=first_text(core, "creator") if core is not None else "",
        date=(first_text(core, "created") if core is not None else "")[:10],
        language=first_text(core, "language") if core is not None else "",
        source=str(path),
        format="docx",
    )
