"""PDFs read as the book: page furniture out, sentences whole over page breaks, notes apart, scans named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.importers import ImportedText, TextImportError, import_file
from tests.formats import laid_out_pdf, running_heads_pdf, scanned_book_pdf

FIXTURES = Path(__file__).parent.parent / "fixtures"
# Pages 31-38 of the Debian Policy Manual 4.6.2.0 (Sphinx, LaTeX, xdvipdfmx), cut out of
# Debian's debian-policy package with pypdfium2: chapter 5 with its running heads,
# page numbers and six footnotes.
POLICY = FIXTURES / "policy-chapter5.pdf"


@pytest.fixture(scope="module")
def policy() -> ImportedText:
    return import_file(POLICY)


def test_running_heads_and_page_numbers_are_left_out(policy: ImportedText) -> None:
    assert "Debian Policy Manual, Release" not in policy.text  # stood on every odd page
    assert "Chapter 5. Control files and their fields" not in policy.text  # every even page
    assert "List of fields 37" not in policy.text  # a head that changes with the section
    assert not re.search(r"(?m)^\d+$", policy.text)  # no page number as a paragraph
    assert [p.label for p in policy.structure.pages] == [str(n) for n in range(1, 9)]  # the pages stay


def test_a_sentence_cut_by_a_page_break_reads_as_one(policy: ImportedText) -> None:
    sentence = (
        "Specifying a list of architecture wildcards indicates that the source will build an "
        "architecture-dependent package on only those architectures that match"
    )
    assert sentence in policy.text
    # The page still starts where it did, inside the sentence, for citations.
    start = policy.text.index("architecture-dependent package on only")
    assert start in {p.start for p in policy.structure.pages}


def test_footnotes_go_under_notes_and_their_marks_read_in_brackets(policy: ImportedText) -> None:
    body, notes = policy.text.split("\n\nNotes\n\n")
    assert "dpkg’s internal databases" not in body and "Alphanumerics are" not in body
    assert notes.split("\n\n")[0] == "[1] dpkg’s internal databases are in a similar format."
    assert [int(n) for n in re.findall(r"(?m)^\[(\d+)\]", notes)] == [1, 2, 3, 4, 5, 6]
    assert "the installation of uploaded files.[1]" in body and "stanzas of fields.[2] The" in body
    assert "files.1" not in body and "fields.2" not in body
    assert [h.title for h in policy.structure.headings][-1] == "Notes"


def test_fpdf2_running_heads_go_and_paragraphs_flow_over_pages(tmp_path: Path) -> None:
    paragraphs = [f"Paragraph {n} says that all power must pass to the Soviets. " * 12 for n in range(1, 15)]
    imported = import_file(running_heads_pdf(tmp_path / "book.pdf", paragraphs))
    assert "Resolution on the Soviets -" not in imported.text
    assert len(imported.structure.pages) > 2
    assert imported.text.split("\n\n") == [p.strip() for p in paragraphs]


def test_a_scan_whose_only_text_is_a_footer_is_refused_and_says_so(tmp_path: Path) -> None:
    path = scanned_book_pdf(tmp_path / "scan.pdf", 12, ["https://example.org/manual"])
    with pytest.raises(TextImportError, match=r"12 of its 12 pages have no text, only images \(a scan\).*OCR"):
        import_file(path)


def test_a_text_layer_of_bad_ocr_is_refused_and_says_so(tmp_path: Path) -> None:
    path = scanned_book_pdf(tmp_path / "ocr.pdf", 6, [":., dP . . ;' ,. ~ d' :. ,, .' dP P; ,. .: ;, :. ' ., ;; . .:"])
    with pytest.raises(TextImportError, match=r"its text layer is not words .* bad OCR"):
        import_file(path)


def test_bookmarks_land_on_their_printed_numbered_headings_and_nest_under_their_chapter(tmp_path: Path) -> None:
    # Headings stand apart (12 mm) from the text, whose lines are 5 mm apart.
    body = "This manual describes the policy requirements for the Debian distribution and what"
    lines: list[tuple[float, float, str]] = []
    y = 30.0
    for heading in (
        "CHAPTER",
        "ONE",
        "ABOUT THIS MANUAL",
        "1.1 Scope",
        "1.2 New versions of this document",
        "1.2.1 Early history",
    ):
        lines.append((20, y, heading))
        y += 12
        if heading[0].isdigit():
            lines += [(20, y + 5 * k, body) for k in range(4)] + [(20, y + 20, "each package must satisfy.")]
            y += 32
    bookmarks = [("About this manual", 0), ("Scope", 1), ("New versions of this document", 1), ("Early history", 2)]
    imported = import_file(laid_out_pdf(tmp_path / "manual.pdf", lines, bookmarks))
    headings = [(h.level, h.title) for h in imported.structure.headings]
    assert headings == [
        (1, "ABOUT THIS MANUAL"),
        (2, "1.1 Scope"),
        (2, "1.2 New versions of this document"),
        (3, "1.2.1 Early history"),
    ]
    assert imported.text.startswith("ABOUT THIS MANUAL\n\n1.1 Scope\n\nThis manual describes")  # not "CHAPTER ONE"


def test_text_in_the_margin_is_kept_out_of_the_body_sentences(tmp_path: Path) -> None:
    body = [
        "While the authors of this document have tried hard to avoid typos and other",
        "errors, these do still occur. If you discover an error in this manual or if you",
        "want to give any comments, suggestions, or criticisms please send an email to",
        "the Debian Policy Mailing List, or submit a bug report against the package.",
        "Please do not try to reach the individual authors or maintainers of the Policy",
        "Manual regarding changes to the Policy.",
    ]
    sidebar = ["Improvements", "Related documents", "Definitions"]
    lines = [(20, 40 + 5 * n, line) for n, line in enumerate(body)] + [
        (168, 40 + 5 * n, s) for n, s in enumerate(sidebar)
    ]
    imported = import_file(laid_out_pdf(tmp_path / "margin.pdf", lines))
    text, notes = imported.text.split("\n\nNotes\n\n")
    assert text == " ".join(body)
    assert notes == "[margin, p. 1] Improvements / Related documents / Definitions"


def test_a_libreoffice_pdf_reads_as_its_document(tmp_path: Path) -> None:
    # Made from libreoffice-notes.fodt beside it with LibreOffice 7.4:
    # soffice --headless --convert-to pdf libreoffice-notes.fodt
    imported = import_file(FIXTURES / "libreoffice-notes.pdf")
    body, notes = imported.text.split("\n\nNotes\n\n")
    paragraphs = body.split("\n\n")
    assert [p.split(".")[0] for p in paragraphs] == [f"Paragraph {n}" for n in range(1, 13)]  # none cut, no heads
    assert all(p.endswith(("increased.", "increased. [1]", "increased. [2]")) for p in paragraphs)
    assert notes.split("\n\n") == [
        "[1] The Conference met in Petrograd from 24 to 29 April 1917.",
        "[2] Pravda No. 46, May 12 (April 29), 1917.",
    ]
    assert [p.label for p in imported.structure.pages] == ["1", "2", "3"]


# Pages i, iii-v and 3-6 of the CLIPS 6.30 Interfaces Guide (Microsoft Word, printed to PDF
# through macOS's Quartz), cut out of Debian's clips-doc package with pypdfium2. Its type is
# set at size 1 and scaled by the text matrix; its footers number the front matter in
# Roman numerals, the body in Arabic ones, alternating "CLIPS Interfaces Guide 5" and
# "6 Section 2: CLIPS Windows Interface".
WORD = FIXTURES / "clips-word.pdf"


@pytest.fixture(scope="module")
def word() -> ImportedText:
    return import_file(WORD)


def test_a_word_pdf_loses_its_running_heads_in_roman_and_arabic_numerals(word: ImportedText) -> None:
    paragraphs = word.text.split("\n\n")
    assert "CLIPS Reference Manual" not in paragraphs  # the head of every page
    assert not [p for p in paragraphs if p.startswith("CLIPS Interfaces Guide")]  # "… iii", "… v", "… 3"
    assert not [p for p in paragraphs if re.fullmatch(r"(?:\d+|[ivx]+) (?:Preface|Section 2: .*)", p)]  # even feet
    assert len(word.structure.pages) == 8  # the pages stay


def test_a_word_pdf_sentence_cut_by_a_page_break_reads_as_one(word: ImportedText) -> None:
    assert (
        "The command summary for each menu item indicates whether it is available while CLIPS is executing."
        in word.text
    )


def test_a_word_pdf_keeps_its_words_whole(word: ImportedText) -> None:
    # Its type is scaled by the text matrix: measured at size 1, every kerned gap was a space.
    assert "License Information" in word.text and "Preface" in word.text.split("\n\n")[:4]
    assert "THE SOFTWARE IS PROVIDED “AS IS”, WITHOUT WARRANTY OF ANY KIND" in word.text
    assert not re.search(r"\b(?:Lice|Pre|SOFTW|W) (?:nse|face|ARE|ITHOUT|ARRANTY)\b", word.text)


def test_a_word_pdf_without_bookmarks_gets_the_outline_it_prints(word: ImportedText) -> None:
    # Headings in larger type take the rank of their size; numbered section lines the depth
    # of their number; "Section 2:" printed above its title is part of it.
    outline = [(h.level, h.title) for h in word.structure.headings]
    assert outline[:5] == [
        (1, "License Information"),
        (1, "Preface"),
        (1, "Section 2: CLIPS Windows Interface"),
        (2, "2.1 The File Menu"),
        (3, "2.1.1 New (Ctrl+N)"),
    ]
    assert (3, "2.1.11 Revert") in outline
    assert "\n\nSection 2:\n\n" not in word.text
