"""PDF files: the text layer page by page, with page numbers for citations.

pypdfium2 (Chrome's PDFium) was chosen after comparing it with pypdf and pdfminer.six on
the same files (README, "Bringing texts in"): on a 300-page justified PDF it was 3 and 40
times faster and the only one to double no space; it reads bookmarks and page labels,
and tells a password-protected file apart from a damaged one.
PDFium never runs a document's JavaScript unless forms are initialised, which they
are not here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium

from app.domain.structure import TextBuilder
from app.importers.base import ImportedText, Progress, TextImportError
from app.importers.files import read_file

# A page whose lines end before this share of the page's usual line length ends its
# paragraph there; text layers have no paragraph marks of their own.
_SHORT_LINE = 0.75
_SOFT_HYPHEN = re.compile(r"[\u00ad\u0002\ufffe]\n?|(?<=[a-z])-\n(?=[a-z])")
_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?")


def _load(data: bytes, path: Path) -> pdfium.PdfDocument:
    if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise TextImportError(path, "it is not a PDF file")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise TextImportError(path, "it is protected by a password; save an unprotected copy first") from exc
        raise TextImportError(path, f"it is a damaged or incomplete PDF ({str(exc).rstrip('.')})") from exc


def _paragraphs(page_text: str) -> list[str]:
    """Rebuild paragraphs from a page's lines (the text layer only has lines)."""
    text = _SOFT_HYPHEN.sub("", page_text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    widths = sorted(len(line) for line in lines if line)
    if not widths:
        return []
    usual = widths[int(len(widths) * 0.8)]
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append(line)
        if len(line) < usual * _SHORT_LINE:
            paragraphs.append([])
    return [" ".join(p) for p in paragraphs if p]


def _date(raw: str) -> str:
    match = _DATE.match(raw)
    if not match:
        return ""
    return "-".join(part for part in match.groups() if part)


def read_pdf(path: Path, progress: Progress | None = None) -> ImportedText:
    """Import a PDF's text layer with page numbers, its bookmarks as headings, and metadata.

    Raises:
        TextImportError: If the file is not a PDF, is damaged, needs a password, or has
            no text layer (a scan that needs OCR first).
    """
    document = _load(read_file(path), path)
    try:
        builder = TextBuilder()
        bookmarks: dict[int, list[tuple[int, str]]] = {}
        for item in document.get_toc():
            destination = item.get_dest()
            index = destination.get_index() if destination is not None else None
            if index is not None and item.get_title().strip():
                bookmarks.setdefault(index, []).append((item.level + 1, item.get_title()))
        count = len(document)
        found_text = False
        for index in range(count):
            page = document[index]
            try:
                textpage = page.get_textpage()
                page_text = textpage.get_text_range()
                textpage.close()
            finally:
                page.close()
            found_text = found_text or bool(page_text.strip())
            builder.page(document.get_page_label(index) or str(index + 1))
            for level, title in bookmarks.get(index, ()):
                builder.heading(level, title)
            for paragraph in _paragraphs(page_text):
                builder.paragraph(paragraph)
            if progress is not None:
                progress(index + 1, count)
        metadata = document.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as exc:
        raise TextImportError(path, f"it is a damaged PDF ({exc})") from exc
    finally:
        document.close()
    if not found_text:
        reason = "it has no text layer (a scan or an image) and needs OCR first, e.g. with OCRmyPDF"
        raise TextImportError(path, reason)
    return ImportedText.built(
        builder,
        title=metadata.get("Title", "") or path.stem,
        author=metadata.get("Author", ""),
        date=_date(metadata.get("CreationDate", "")),
        source=str(path),
        format="pdf",
    )
