"""Reading a scanned PDF with Tesseract OCR, page by page, when Tesseract is installed.

Tesseract is run as a program (Debian's `tesseract-ocr`), on each page rendered by PDFium
at 300 dpi in grey; nothing leaves the machine. Each page keeps its label for citations.
Tesseract writes what it read as hOCR: each line with its box, its baseline and its type
size. Those lines go through the same reading as a text layer's, so
that a scan too loses its running heads and page numbers, its sentences run on over page
breaks, its notes go under Notes and its headings come from the type.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from lxml import etree

from app.domain.progress import Progress
from app.importers.base import ImportedText, TextImportError
from app.importers.files import read_file
from app.importers.pdf import build_book, load_pdf, pdf_date
from app.importers.pdf_layout import TESSERACT_PACKAGES, Line

TESSERACT = "tesseract"
DPI = 300  # Tesseract reads body text best at 300 dpi
PAGE_TIMEOUT_S = 300  # one page; a dense page takes seconds
INSTALL = f"install Tesseract (Debian: {TESSERACT_PACKAGES}, one package per language)"


def ocr_available() -> bool:
    """Whether Tesseract is installed."""
    return shutil.which(TESSERACT) is not None


def ocr_languages() -> list[str]:
    """Return the languages Tesseract has installed (its codes: "eng", "deu", "fra"), the usual first.

    Tesseract's script detection data ("osd") is not a language and is left out.
    """
    if not ocr_available():
        return []
    listed = subprocess.run([TESSERACT, "--list-langs"], capture_output=True, text=True, check=False, timeout=60)
    languages = [line.strip() for line in listed.stdout.splitlines()[1:] if line.strip() and line.strip() != "osd"]
    return sorted(languages, key=lambda code: (code != "eng", code))


def read_pdf_with_ocr(path: Path, language: str, progress: Progress | None = None) -> ImportedText:
    """Import a scanned PDF's pages as Tesseract reads them in `language`.

    Raises:
        TextImportError: If Tesseract or the language is not installed, the PDF cannot be
            read, or Tesseract fails on a page.
    """
    if not ocr_available():
        raise TextImportError(path, f"reading a scan needs OCR: {INSTALL}")
    installed = ocr_languages()
    if language not in installed:
        raise TextImportError(
            path, f"Tesseract has no “{language}” installed (it has: {', '.join(installed) or 'none'}); {INSTALL}"
        )
    document = load_pdf(read_file(path), path)
    labels: list[str] = []
    pages: list[list[Line]] = []
    try:
        count = len(document)
        with tempfile.TemporaryDirectory(prefix="marginalia-ocr-") as work:
            for index in range(count):
                image = Path(work) / f"page-{index + 1}.pgm"
                _render(document, index, image)
                labels.append(document.get_page_label(index) or str(index + 1))
                pages.append(page_lines(_tesseract(path, image, language)))
                image.unlink()
                if progress is not None:
                    progress(index + 1, count)
        metadata = document.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as exc:
        raise TextImportError(path, f"it is a damaged PDF ({exc})") from exc
    finally:
        document.close()
    builder = build_book(labels, pages, {})
    if builder.empty:
        raise TextImportError(path, f"OCR found no text on its pages (language {language})")
    return ImportedText.built(
        builder,
        title=metadata.get("Title", "") or path.stem,
        author=metadata.get("Author", ""),
        date=pdf_date(metadata.get("CreationDate", "")),
        source=str(path),
        format="pdf",
    )


def _render(document: pdfium.PdfDocument, index: int, image: Path) -> None:
    """Write a page as a grey-scale PGM image at `DPI` (Tesseract reads PGM without Pillow)."""
    page = document[index]
    try:
        bitmap = page.render(scale=DPI / 72, grayscale=True)
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        pixels = bytes(bitmap.buffer)
        with image.open("wb") as out:
            out.write(f"P5 {width} {height} 255\n".encode("ascii"))
            for row in range(height):
                out.write(pixels[row * stride : row * stride + width])
    finally:
        page.close()


# The hOCR classes of a line of text: a body line, a heading, a caption, text beside a picture.
_LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
_POINTS_PER_PIXEL = 72 / DPI


def page_lines(hocr: bytes) -> list[Line]:
    """Return a page's lines as Tesseract read them, placed in points as a text layer's are.

    Where paragraphs start is left to the lines' geometry, as on a text layer: on a page of
    a few lines Tesseract's own paragraphs (and blocks) break inside sentences. A line's
    type size is the median of its paragraph's: Tesseract estimates each line's from the
    letters it has, so a line without descenders reads smaller than its neighbours.

    Args:
        hocr: Tesseract's hOCR for one page (XHTML, made here from our own image).
    """
    # Tesseract's own output: its document type is the XHTML one, and nothing is loaded.
    root = etree.fromstring(hocr, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    page = next((e for e in root.iter() if e.get("class") == "ocr_page"), None)
    frame = _numbers(page, "bbox") if page is not None else []
    if len(frame) != 4:
        return []
    height = frame[3]
    lines: list[Line] = []
    for paragraph in (e for e in root.iter() if e.get("class") == "ocr_par"):
        read: list[tuple[str, list[float], float]] = []
        sizes: list[float] = []
        for line in (e for e in paragraph.iter() if e.get("class") in _LINE_CLASSES):
            words = [w.text.strip() for w in line.iter() if w.get("class") == "ocrx_word" and w.text and w.text.strip()]
            box = _numbers(line, "bbox")
            if words and len(box) == 4:
                offset = _numbers(line, "baseline")[1:2] or [0.0]  # "baseline slope offset", from the box's foot
                read.append((" ".join(words), box, height - (box[3] + offset[0])))
                sizes += _numbers(line, "x_size")[:1]
        if not read:
            continue
        size = sorted(sizes)[len(sizes) // 2] * _POINTS_PER_PIXEL if sizes else 0.0
        for text, box, baseline in read:
            at = baseline * _POINTS_PER_PIXEL
            lines.append(Line(text, box[0] * _POINTS_PER_PIXEL, box[2] * _POINTS_PER_PIXEL, at, at, size))
    return lines


def _numbers(element: etree._Element, key: str) -> list[float]:
    """The numbers of one property of an hOCR title: "bbox 36 92 580 122; x_size 22" -> bbox [36, 92, 580, 122]."""
    for prop in (element.get("title") or "").split(";"):
        name, _, values = prop.strip().partition(" ")
        if name == key:
            try:
                return [float(v) for v in values.split()]
            except ValueError:
                return []
    return []


def _tesseract(path: Path, image: Path, language: str) -> bytes:
    """Return what Tesseract reads on one page image, as hOCR."""
    try:
        run = subprocess.run(
            [TESSERACT, str(image), "stdout", "-l", language, "hocr"],
            capture_output=True,
            check=False,
            timeout=PAGE_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise TextImportError(path, f"Tesseract took over {PAGE_TIMEOUT_S} s on {image.stem}") from exc
    if run.returncode != 0:
        reason = (run.stderr.decode("utf-8", "replace").strip().splitlines() or ["no reason given"])[-1]
        raise TextImportError(path, f"Tesseract could not read {image.stem}: {reason}")
    return run.stdout
