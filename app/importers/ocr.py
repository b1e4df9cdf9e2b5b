"""Reading a scanned PDF with Tesseract OCR, page by page, when Tesseract is installed.

Tesseract is run as a program (Debian's `tesseract-ocr`), on each page rendered by PDFium
at 300 dpi in grey; nothing leaves the machine. Each page keeps its label for citations.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from app.domain.progress import Progress
from app.domain.structure import TextBuilder
from app.importers.base import ImportedText, TextImportError
from app.importers.files import read_file
from app.importers.pdf import join_lines, load_pdf, pdf_date
from app.importers.pdf_layout import TESSERACT_PACKAGES

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
    builder = TextBuilder()
    try:
        count = len(document)
        with tempfile.TemporaryDirectory(prefix="marginalia-ocr-") as work:
            for index in range(count):
                image = Path(work) / f"page-{index + 1}.pgm"
                _render(document, index, image)
                builder.page(document.get_page_label(index) or str(index + 1))
                for block in _tesseract(path, image, language).split("\n\n"):
                    if block.strip():
                        builder.paragraph(join_lines(block.splitlines()))
                image.unlink()
                if progress is not None:
                    progress(index + 1, count)
        metadata = document.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as exc:
        raise TextImportError(path, f"it is a damaged PDF ({exc})") from exc
    finally:
        document.close()
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


def _tesseract(path: Path, image: Path, language: str) -> str:
    """Return what Tesseract reads on one page image."""
    try:
        run = subprocess.run(
            [TESSERACT, str(image), "stdout", "-l", language],
            capture_output=True,
            text=True,
            check=False,
            timeout=PAGE_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise TextImportError(path, f"Tesseract took over {PAGE_TIMEOUT_S} s on {image.stem}") from exc
    if run.returncode != 0:
        reason = (run.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise TextImportError(path, f"Tesseract could not read {image.stem}: {reason}")
    return run.stdout
