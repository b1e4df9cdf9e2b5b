"""Import throughput: a 5 MB text, a 300-page PDF and a 2 MB EPUB, read and stored.

Run: .venv/bin/python -m benchmarks.imports
Each figure is the whole import (read, decode or convert, normalise, store in a new
library and index it for search) against a bare baseline measured in the same run:
- text: reading the file, decoding UTF-8, one bare sqlite3 INSERT of the text and its
  paragraphs into a bare FTS5 table with the library's tokenizer;
- PDF: pypdfium2 alone pulling the text of every page (the library we build on), plus
  the same bare INSERT and FTS5 index;
- EPUB: zipfile reading every member, and the same bare INSERT and FTS5 index.
Reading the PDF alone (what the PDF importer does, nothing stored) is also measured against
pypdfium2 alone pulling the text: the importer's own cost, to stay within 1.5x.
The PDF is written with fpdf2 (a test extra), the EPUB with zipfile.
"""

from __future__ import annotations

import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from fpdf import FPDF

from app.importers import import_file
from app.importers.ocr import DPI, ocr_available
from app.services import open_service
from benchmarks.common import book_text, report, row, timed
from db.search import TOKENIZER

REPEATS = 3
READ_REPEATS = 9
PDF_PAGES = 300
OCR_PAGES = 3  # Tesseract takes seconds a page: a few pages tell its rate
OCR_HEIGHT = 1.0  # how much of each page, from its top, is scanned (less only for the smoke test)


def make_pdf(path: Path, text: str) -> Path:
    """A 300-page PDF of justified prose (Latin-1: the PDF core fonts have no more)."""
    pdf = FPDF()
    pdf.set_font("Times", size=11)
    paragraphs = [p for p in text.encode("latin-1", "replace").decode("latin-1").split("\n\n") if p.strip()]
    i = 0
    while pdf.page_no() < PDF_PAGES:
        if pdf.page_no() == 0 or pdf.get_y() > 250:
            pdf.add_page()
        pdf.multi_cell(0, 5, paragraphs[i % len(paragraphs)], align="J")
        pdf.ln(2)
        i += 1
    pdf.output(str(path))
    return path


def make_epub(path: Path, text: str, chapters: int = 40) -> Path:
    """An EPUB of `text` cut into chapters, each an XHTML file with a heading."""
    paragraphs = text.split("\n\n")
    per = len(paragraphs) // chapters + 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="content.opf"/></rootfiles></container>',
        )
        items, refs = [], []
        for c in range(chapters):
            body = "".join(f"<p>{p}</p>" for p in paragraphs[c * per : (c + 1) * per])
            archive.writestr(f"c{c}.xhtml", f"<html><body><h1>Chapter {c + 1}</h1>{body}</body></html>")
            items.append(f'<item id="c{c}" href="c{c}.xhtml" media-type="application/xhtml+xml"/>')
            refs.append(f'<itemref idref="c{c}"/>')
        archive.writestr(
            "content.opf",
            '<package xmlns="http://www.idpf.org/2007/opf"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>Book</dc:title></metadata><manifest>{''.join(items)}</manifest>"
            f"<spine>{''.join(refs)}</spine></package>",
        )
    return path


def bare_insert(folder: Path, text: str) -> None:
    """Store a text and index its paragraphs for search with bare sqlite3, as the baseline's last step."""
    path = folder / "bare.sqlite"
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (text TEXT)")
    con.execute(f"CREATE VIRTUAL TABLE f USING fts5(body, tokenize='{TOKENIZER}')")
    with con:
        con.execute("INSERT INTO t VALUES (?)", (text,))
        con.executemany("INSERT INTO f (body) VALUES (?)", ((p,) for p in text.split("\n\n")))
    con.close()


def ours(folder: Path, source: Path) -> float:
    """Seconds to import `source` into a new library (read, convert, store)."""
    library = folder / "library.sqlite"
    for leftover in folder.glob("library.sqlite*"):
        leftover.unlink()
    service = open_service(library)
    try:
        return timed(lambda: service.add_document(import_file(source)).value)
    finally:
        service.close()


def pdf_text(path: Path) -> str:
    """The bare library call: every page's text layer with pypdfium2."""
    document = pdfium.PdfDocument(path)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def epub_text(path: Path) -> str:
    """The bare read: every member of the archive, decoded."""
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(name).decode("utf-8") for name in archive.namelist())


def main() -> None:
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text_file = folder / "book.txt"
        text_file.write_text(book_text(5 * 1024 * 1024), encoding="utf-8")
        pdf = make_pdf(folder / "book.pdf", book_text(2 * 1024 * 1024))
        epub = make_epub(folder / "book.epub", book_text(2 * 1024 * 1024))
        bare: dict[str, Callable[[], str]] = {
            "text": lambda: text_file.read_bytes().decode("utf-8"),
            "pdf": lambda: pdf_text(pdf),
            "epub": lambda: epub_text(epub),
        }

        def baseline(read: Callable[[], str]) -> float:
            return timed(lambda: bare_insert(folder, read()))

        for label, source, key in (
            (f"import a 5 MB text ({text_file.stat().st_size / 1e6:.1f} MB)", text_file, "text"),
            (f"import a {PDF_PAGES}-page PDF ({pdf.stat().st_size / 1e6:.1f} MB)", pdf, "pdf"),
            (f"import an EPUB of 2 MB of text ({epub.stat().st_size / 1e6:.1f} MB zipped)", epub, "epub"),
        ):
            mine = [ours(folder, source) for _ in range(REPEATS)]
            base = [baseline(bare[key]) for _ in range(REPEATS)]
            rows.append(row(label, mine, base, "throughput, no target"))
        # Turn about, more times: on a shared machine the two sides then see the same load.
        mine, base = [], []
        for _ in range(READ_REPEATS):
            mine.append(timed(lambda: import_file(pdf)))
            base.append(timed(lambda: pdf_text(pdf)))
        rows.append(row(f"read the {PDF_PAGES}-page PDF, nothing stored", mine, base, "<= 1.5x"))
        if ocr_available():
            rows.append(ocr_row(folder, pdf))
        else:
            print("OCR not measured: Tesseract is not installed (apt install tesseract-ocr tesseract-ocr-eng)")
    report("imports", rows)


def ocr_row(folder: Path, pdf: Path) -> dict[str, object]:
    """Seconds per page to import a scan with OCR, against bare Tesseract on the same page images."""
    document = pdfium.PdfDocument(pdf)
    pages = [document[i].render(scale=DPI / 72, grayscale=True).to_pil() for i in range(OCR_PAGES)]
    pages = [page.crop((0, 0, page.width, round(page.height * OCR_HEIGHT))) for page in pages]
    document.close()
    scan = folder / "scan.pdf"
    pages[0].save(scan, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    images = []
    for n, page in enumerate(pages):
        images.append(folder / f"page-{n}.png")
        page.save(images[-1])

    def bare_ocr() -> None:
        for image in images:
            subprocess.run(["tesseract", str(image), "stdout", "-l", "eng"], capture_output=True, check=True)

    service = open_service(folder / "ocr.sqlite")
    try:
        mine = [
            timed(lambda: service.add_document(import_file(scan, ocr="eng")).value) / OCR_PAGES for _ in range(REPEATS)
        ]
    finally:
        service.close()
    base = [timed(bare_ocr) / OCR_PAGES for _ in range(REPEATS)]
    per_page = sorted(mine)[len(mine) // 2]
    label = f"OCR a scanned page at {DPI} dpi ({1 / per_page:.2f} pages/s)"
    return row(label, mine, base, "throughput, no target")


if __name__ == "__main__":
    main()
