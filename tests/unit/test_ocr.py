"""Scanned PDFs read with Tesseract OCR, page by page, where Tesseract is installed (.ci/run installs it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from app.importers import Cancelled, ScanError, TextImportError, import_file
from app.importers import ocr as ocr_module

TESSERACT = shutil.which("tesseract") is not None
needs_tesseract = pytest.mark.skipif(not TESSERACT, reason="Tesseract is not installed (.ci/run installs it)")
LINES = ["CONTROL FILES AND THEIR FIELDS", "The package management system manipulates data", "stored in control files."]


def scan_of(path: Path, pages: int = 2) -> Path:
    """A scan's PDF: each page a picture of printed lines, with no text layer."""
    return scanned(path, [[(16, 30 + 10 * n, line) for n, line in enumerate(LINES)]] * pages)


def scanned(path: Path, pages: list[list[tuple[int, float, str]]]) -> Path:
    """A scan's PDF of pages of (type size, height in mm, text) lines: pictures, no text layer."""
    printed = FPDF()
    for lines in pages:
        printed.add_page()
        for size, y, line in lines:
            printed.set_font("Times", size=size)
            printed.text(20, y, line)
    source = path.with_suffix(".printed.pdf")
    printed.output(str(source))
    document = pdfium.PdfDocument(str(source))
    images = [document[i].render(scale=200 / 72).to_pil().convert("L") for i in range(len(pages))]
    images[0].save(path, "PDF", resolution=200, save_all=True, append_images=images[1:])
    document.close()
    source.unlink()
    return path


def test_a_scan_is_refused_as_a_scan_naming_what_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scan = scan_of(tmp_path / "scan.pdf")
    with pytest.raises(ScanError, match=r"no text layer .*apt install tesseract-ocr"):
        import_file(scan)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(TextImportError, match=r"reading a scan needs OCR: install Tesseract \(Debian: apt install"):
        import_file(scan, ocr="eng")
    with pytest.raises(TextImportError, match="OCR reads scanned PDFs only"):
        import_file(tmp_path / "notes.txt", ocr="eng")


@needs_tesseract
def test_a_scan_is_read_with_ocr_page_by_page_keeping_its_pages(tmp_path: Path) -> None:
    scan = scan_of(tmp_path / "scan.pdf", pages=2)
    seen: list[tuple[int, int]] = []
    imported = import_file(scan, lambda done, total: seen.append((done, total)), ocr="eng")
    assert imported.text.count("CONTROL FILES AND THEIR FIELDS") == 2
    words = " ".join(imported.text.split())
    assert words.count("The package management system manipulates data stored in control files.") == 2
    assert [p.label for p in imported.structure.pages] == ["1", "2"]
    assert imported.text[imported.structure.pages[1].start :].startswith("CONTROL FILES")
    assert seen == [(1, 2), (2, 2)]


@needs_tesseract
def test_ocr_can_be_cancelled_and_names_the_languages_it_has(tmp_path: Path) -> None:
    scan = scan_of(tmp_path / "scan.pdf", pages=2)

    def cancel(done: int, _total: int) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        import_file(scan, cancel, ocr="eng")
    assert "eng" in ocr_module.ocr_languages() and "osd" not in ocr_module.ocr_languages()
    with pytest.raises(TextImportError, match=r"Tesseract has no “klingon” installed .*eng"):
        import_file(scan, ocr="klingon")


PAGES = [
    [
        "The workers and soldiers of Petrograd have shown",
        "that all power must pass to the Soviets, who alone",
        "can give the people peace, bread, and the land to",
    ],
    [
        "those who work it. The Soviets of Workers' and",
        "Soldiers' Deputies must take the power into their",
        "own hands at once, and the peasants the land to",
    ],
    [
        "those who till it. Such is the will of the people",
        "of Russia, as the Conference of April declared it",
        "in Petrograd, by a great majority of its members.",
    ],
]


@needs_tesseract
def test_a_scanned_book_reads_as_the_book_without_its_running_heads(tmp_path: Path) -> None:
    # Three scanned pages, each with a running head and a page number at its foot, a
    # sentence running on from each page to the next; a chapter title in larger type.
    pages: list[list[tuple[int, float, str]]] = []
    for number, body in enumerate(PAGES, start=1):
        lines: list[tuple[int, float, str]] = [(11, 14, "RESOLUTION ON THE SOVIETS"), (11, 285, str(number))]
        if number == 1:
            lines.append((24, 45, "On the Soviets"))
        top = 70 if number == 1 else 40
        pages.append(lines + [(14, top + 9 * n, text) for n, text in enumerate(body)])
    imported = import_file(scanned(tmp_path / "book.pdf", pages), ocr="eng")
    assert "RESOLUTION ON THE SOVIETS" not in imported.text  # the head of every page
    assert not [p for p in imported.text.split("\n\n") if p.strip().isdigit()]  # no page number as a paragraph
    # A sentence cut by a page break reads as one, and the page still starts inside it.
    assert "bread, and the land to those who work it." in imported.text
    assert "the peasants the land to those who till it." in imported.text
    assert imported.text[imported.structure.pages[1].start :].startswith("those who work it.")
    assert [(h.level, h.title) for h in imported.structure.headings] == [(1, "On the Soviets")]
    assert [p.label for p in imported.structure.pages] == ["1", "2", "3"]
