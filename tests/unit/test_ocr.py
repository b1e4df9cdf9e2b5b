"""Scanned PDFs read with Tesseract OCR, page by page, where Tesseract is installed (.ci/run installs it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fpdf import FPDF

from app.importers import Cancelled, ScanError, TextImportError, import_file
from app.importers import ocr as ocr_module

TESSERACT = shutil.which("tesseract") is not None
needs_tesseract = pytest.mark.skipif(not TESSERACT, reason="Tesseract is not installed (.ci/run installs it)")
LINES = ["CONTROL FILES AND THEIR FIELDS", "The package management system manipulates data", "stored in control files."]


def scan_of(path: Path, pages: int = 2) -> Path:
    """A scan's PDF: each page a picture of printed lines, with no text layer."""
    printed = FPDF()
    printed.set_font("Times", size=16)
    for _ in range(pages):
        printed.add_page()
        for n, line in enumerate(LINES):
            printed.text(20, 30 + 10 * n, line)
    source = path.with_suffix(".printed.pdf")
    printed.output(str(source))
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    images = [document[i].render(scale=200 / 72).to_pil().convert("L") for i in range(pages)]
    images[0].save(path, "PDF", resolution=200, save_all=True, append_images=images[1:])
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
