"""Files of every import format, made by the tests: with fpdf2 and python-docx where
those write the feature, and as the formats' own zip-of-XML layout where they do not
(EPUB, ODT, DOCX footnotes and Strict Open XML)."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

import docx
from fpdf import FPDF

CHAPTER_ONE = "The Conference has discussed the reports of comrades working in the Soviets."
CHAPTER_TWO = "All lands are being transferred to the peasants; workers’ control is set up."
# The PDF core fonts cover Latin-1 only (a Unicode font would have to be shipped).
PDF_TEXT = "The naïve café of the Soviets: all lands are being transferred to the peasants."


def pdf_file(path: Path, pages: int = 3, *, title: str = "Resolution", author: str = "The Conference") -> Path:
    """A PDF with a text layer: each page one paragraph, bookmarks on pages 1 and 2, metadata."""
    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_font("Times", size=12)
    for n in range(1, pages + 1):
        pdf.add_page()
        if n <= 2:
            pdf.start_section(f"Part {n}")
        pdf.multi_cell(0, 6, f"Page {n} says: {CHAPTER_ONE} {PDF_TEXT}", align="J")
    pdf.output(str(path))
    return path


def positioned_words_pdf(path: Path, words: list[str]) -> Path:
    """A PDF whose words are placed one by one with no space characters (as TeX does)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    x = 20.0
    for word in words:
        pdf.text(x, 30, word)
        x += pdf.get_string_width(word) + 2.0
    pdf.output(str(path))
    return path


def laid_out_pdf(
    path: Path, lines: Sequence[tuple[float, float, str]], bookmarks: Sequence[str | tuple[str, int]] = ()
) -> Path:
    """A one-page PDF with each line placed at (x, y) millimetres, as a typesetter places them.

    Bookmarks are titles, or (title, level) with level 0 at the top.
    """
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Times", size=11)
    for bookmark in bookmarks:
        title, level = bookmark if isinstance(bookmark, tuple) else (bookmark, 0)
        pdf.start_section(title, level=level)
    for x, y, text in lines:
        pdf.text(x, y, text)
    pdf.output(str(path))
    return path


def scanned_pdf(path: Path) -> Path:
    """A PDF with a picture-like page and no text layer."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 150, 200, style="F")
    pdf.output(str(path))
    return path


def scanned_book_pdf(path: Path, pages: int, words_per_page: Sequence[str]) -> Path:
    """A scan's PDF: each page a picture, its only text layer `words_per_page` (a footer, bad OCR)."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=9)
    for n in range(pages):
        pdf.add_page()
        pdf.rect(20, 20, 150, 200, style="F")
        pdf.text(20, 285, words_per_page[n % len(words_per_page)])
    pdf.output(str(path))
    return path


class _RunningHeads(FPDF):
    """Prints a running head and a page number on every page, as a book does."""

    def header(self) -> None:
        self.set_font("Times", "I", 9)
        self.cell(0, 8, f"Resolution on the Soviets - {self.page_no()}", align="R")
        self.ln(14)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Times", size=9)
        self.cell(0, 8, str(self.page_no()), align="C")


def running_heads_pdf(path: Path, paragraphs: Sequence[str]) -> Path:
    """A PDF made with fpdf2 whose paragraphs flow over pages under running heads and page numbers."""
    pdf = _RunningHeads()
    pdf.set_font("Times", size=12)
    pdf.add_page()
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph, align="J")
        pdf.ln(4)
    pdf.output(str(path))
    return path


def locked_pdf(path: Path) -> Path:
    """A PDF that needs a password to open."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Times", size=12)
    pdf.text(20, 20, "secret words")
    pdf.set_encryption(owner_password="owner", user_password="reader")
    pdf.output(str(path))
    return path


def docx_file(path: Path) -> Path:
    """A Word document with two headings, a bold run and core properties."""
    document = docx.Document()
    document.core_properties.title = "Transcript"
    document.core_properties.author = "A. Historian"
    document.add_heading("Chapter One", level=1)
    paragraph = document.add_paragraph(CHAPTER_ONE + " ")
    paragraph.add_run("Bold words.").bold = True
    document.add_heading("Chapter Two", level=1)
    document.add_paragraph(CHAPTER_TWO)
    document.save(str(path))
    return path


_TRANSITIONAL_TO_STRICT = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "http://purl.oclc.org/ooxml/wordprocessingml/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
        "http://purl.oclc.org/ooxml/officeDocument/relationships"
    ),
}


def strict_docx(source: Path, path: Path) -> Path:
    """Rewrite a Transitional .docx in the Strict Open XML namespaces (as Word's "Strict" save does)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith((".xml", ".rels")):
                text = data.decode("utf-8")
                for old, new in _TRANSITIONAL_TO_STRICT.items():
                    text = text.replace(old, new)
                data = text.encode("utf-8")
            zout.writestr(info, data)
    return path


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def footnoted_docx(path: Path, *, doctype: str = "") -> Path:
    """A minimal .docx with a footnote, written part by part; `doctype` goes before document.xml's root."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            '<Override PartName="/word/footnotes.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="r1" Type="{_R}/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/_rels/document.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="r2" Type="{_R}/footnotes" Target="footnotes.xml"/></Relationships>'
        ),
        "word/document.xml": (
            f'<?xml version="1.0"?>{doctype}<w:document xmlns:w="{_W}"><w:body>'
            "<w:p><w:r><w:t>The land question.</w:t></w:r>"
            '<w:r><w:footnoteReference w:id="1"/></w:r></w:p></w:body></w:document>'
        ),
        "word/footnotes.xml": (
            f'<w:footnotes xmlns:w="{_W}"><w:footnote w:id="1"><w:p><w:r>'
            "<w:t>Decided at the April Conference.</w:t></w:r></w:p></w:footnote></w:footnotes>"
        ),
    }
    return _zip(path, parts)


def epub_file(path: Path, *, spine_missing: bool = False, container_doctype: str = "") -> Path:
    """An EPUB 3 with two chapters (the second without a heading: its title is in the nav)."""
    spine = '<itemref idref="c1"/><itemref idref="c2"/>' + ('<itemref idref="gone"/>' if spine_missing else "")
    parts = {
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": (
            f'<?xml version="1.0"?>{container_doctype}'
            '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>"
        ),
        "OEBPS/content.opf": (
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">x</dc:identifier>'
            "<dc:title>April Theses</dc:title><dc:creator>V. I. Lenin</dc:creator>"
            "<dc:language>en</dc:language><dc:date>1917-04-07</dc:date></metadata><manifest>"
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
            '<item id="c1" href="text/one.xhtml" media-type="application/xhtml+xml"/>'
            '<item id="c2" href="text/two%20b.xhtml" media-type="application/xhtml+xml"/>'
            '<item id="gone" href="text/missing.xhtml" media-type="application/xhtml+xml"/>'
            '<item id="css" href="style.css" media-type="text/css"/>'
            f"</manifest><spine>{spine}</spine></package>"
        ),
        "OEBPS/nav.xhtml": (
            '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>'
            '<nav epub:type="toc"><ol><li><a href="text/one.xhtml">One</a></li>'
            '<li><a href="text/two%20b.xhtml">The Second Chapter</a></li></ol></nav></body></html>'
        ),
        "OEBPS/text/one.xhtml": (
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title><style>p{color:red}</style></head>'
            f"<body><h1>Chapter One</h1><p>{CHAPTER_ONE}</p><script>alert('x')</script></body></html>"
        ),
        "OEBPS/text/two b.xhtml": (
            f'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>{CHAPTER_TWO}</p></body></html>'
        ),
        "OEBPS/style.css": "p { margin: 0 }",
    }
    return _zip(path, parts)


_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)


def odt_file(path: Path, *, doctype: str = "", body: str = "", automatic_styles: str = "", styles: str = "") -> Path:
    """An OpenDocument text with a heading, spaced text, a list, a footnote and metadata.

    `automatic_styles` goes into content.xml's automatic styles; `styles`, when given, into
    a styles.xml of its own (where a word processor keeps named list styles).
    """
    body = body or (
        '<text:h text:outline-level="1">Chapter One</text:h>'
        f'<text:p>{CHAPTER_ONE}<text:s text:c="2"/>Spaced.<text:note><text:note-citation>1</text:note-citation>'
        "<text:note-body><text:p>A note.</text:p></text:note-body></text:note></text:p>"
        "<text:list><text:list-item><text:p>First item</text:p></text:list-item></text:list>"
        '<text:h text:outline-level="2">Section</text:h><text:p>Line<text:line-break/>break</text:p>'
    )
    parts = {
        "mimetype": "application/vnd.oasis.opendocument.text",
        "content.xml": (
            f'<?xml version="1.0"?>{doctype}<office:document-content {_ODT_NS}>'
            f"<office:automatic-styles>{automatic_styles}</office:automatic-styles>"
            f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
        ),
        "meta.xml": (
            f"<office:document-meta {_ODT_NS}><office:meta><dc:title>Minutes</dc:title>"
            "<dc:creator>Secretary</dc:creator><dc:date>1917-04-29T10:00:00</dc:date>"
            "</office:meta></office:document-meta>"
        ),
    }
    if styles:
        parts["styles.xml"] = (
            f"<office:document-styles {_ODT_NS}><office:styles>{styles}</office:styles></office:document-styles>"
        )
    return _zip(path, parts)


def _zip(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


XXE_DOCTYPE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS_DOCTYPE = (
    '<!DOCTYPE r [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)


def zip_bomb(path: Path) -> Path:
    """A small zip (named as any zip format) whose one member inflates 50 MB of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", b"\0" * (50 * 1024 * 1024))
    return path
