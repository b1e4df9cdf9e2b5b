"""Importing every format: text, structure and metadata; hostile and broken files refused."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from app.domain.text import normalise
from app.importers import Cancelled, ImportedText, TextImportError, import_file, import_pasted
from tests.formats import (
    CHAPTER_ONE,
    CHAPTER_TWO,
    LAUGHS_DOCTYPE,
    PDF_TEXT,
    XXE_DOCTYPE,
    docx_file,
    epub_file,
    footnoted_docx,
    laid_out_pdf,
    locked_pdf,
    odt_file,
    pdf_file,
    positioned_words_pdf,
    scanned_pdf,
    strict_docx,
    zip_bomb,
)


def headings(imported: ImportedText) -> list[tuple[int, str]]:
    """The outline as (level, title), each checked to stand at its offset in the text."""
    for h in imported.structure.headings:
        assert imported.text[h.start : h.start + len(h.title)] == h.title
    return [(h.level, h.title) for h in imported.structure.headings]


def assert_normalised(imported: ImportedText) -> None:
    assert normalise(imported.text) == imported.text
    assert "\r" not in imported.text and "\u2029" not in imported.text
    assert imported.structure.fits(imported.text)


def test_pdf_keeps_pages_bookmarks_metadata_and_spacing(tmp_path: Path) -> None:
    imported = import_file(pdf_file(tmp_path / "resolution.pdf"))
    assert_normalised(imported)
    assert (imported.title, imported.author, imported.format) == ("Resolution", "The Conference", "pdf")
    assert f"Page 2 says: {CHAPTER_ONE} {PDF_TEXT}" in imported.text  # one paragraph, spaced
    pages = imported.structure.pages
    assert [p.label for p in pages] == ["1", "2", "3"]
    assert imported.text[pages[1].start :].startswith("Part 2\n\nPage 2 says")
    assert imported.structure.page_at(imported.text.index("Page 3 says")) == "3"
    assert headings(imported) == [(1, "Part 1"), (1, "Part 2")]


def test_pdf_words_placed_without_spaces_come_out_spaced(tmp_path: Path) -> None:
    words = ["All", "power", "to", "the", "naïve", "Soviets", "of", "Workers'", "Deputies"]
    imported = import_file(positioned_words_pdf(tmp_path / "tex.pdf", words))
    assert imported.text == " ".join(words)
    assert imported.title == "tex"  # no metadata: the file name


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_ghostscript_pdf_keeps_its_word_spaces_and_paragraphs() -> None:
    """PDFium leaves some of Ghostscript's word spaces out, and paragraph 2 ends on a full line."""
    imported = import_file(FIXTURES / "ghostscript.pdf")  # made from ghostscript.ms, beside it
    assert imported.text.split("\n\n") == [
        "Numbers like 1,000 and 3.5 per cent, e.g. the U.S.A. and the R.S.D.L.P.(B.) stay whole, as does "
        "St.Petersburg written closed up; V. I. Lenin signs it.",
        "A second paragraph, which is long enough to run over more than one line of the page, so that the lines "
        "have to be joined back into one paragraph; it ends on a full line of text.",
        "The third paragraph starts with an indent after a full line and must stand on its own.",
    ]


def test_pdf_paragraphs_come_from_indents_gaps_and_short_lines_not_from_hanging_clauses(tmp_path: Path) -> None:
    line = 6.0  # millimetres from baseline to baseline
    layout = [
        (20, 30, "The Conference has discussed the reports of comrades working"),
        (20, 30 + line, "in the Soviets of Workers' and Soldiers' Deputies of Russia and"),
        (20, 30 + 2 * line, "states that the revolution is advancing in the provinces, where"),
        (28, 30 + 3 * line, "An indented first line starts the next paragraph, whose lines"),  # after a full line
        (20, 30 + 4 * line, "run on at the margin until this one, which ends the paragraph on"),
        (20, 30 + 5 * line, "a line as full as the others, before the space below it opens."),
        (20, 30 + 7 * line, "After a wider gap comes a paragraph that is not indented at all"),
        (20, 30 + 8 * line, "and ends short."),
        (20, 30 + 9 * line, "1. A numbered clause whose second line hangs under its words,"),
        (24.5, 30 + 10 * line, "not under its number, and so continues the same clause here"),
        (20, 30 + 11 * line, "2. The second clause of the resolution, all on one line there."),
    ]
    imported = import_file(laid_out_pdf(tmp_path / "laid-out.pdf", layout))
    texts = [text for _x, _y, text in layout]
    assert imported.text.split("\n\n") == [
        " ".join(texts[0:3]),
        " ".join(texts[3:6]),
        " ".join(texts[6:8]),
        " ".join(texts[8:10]),
        texts[10],
    ]


def test_pdf_lines_of_a_narrow_column_are_not_taken_for_short_ones(tmp_path: Path) -> None:
    left = [
        "The Conference has discussed the reports",
        "of comrades working in the Soviets and",
        "states that the revolution is advancing.",
    ]
    right = [
        "In the capitals the task of transferring",
        "power is particularly difficult, and it",
        "needs a long preparation.",
    ]
    layout = [(20, 30 + 6 * n, text) for n, text in enumerate(left)]
    layout += [(110, 30 + 6 * n, text) for n, text in enumerate(right)]
    imported = import_file(laid_out_pdf(tmp_path / "columns.pdf", layout))
    assert imported.text.split("\n\n") == [" ".join(left), " ".join(right)]


def test_pdf_bookmarks_become_the_heading_lines_they_name(tmp_path: Path) -> None:
    layout = [
        (20, 30, "I. The Soviets"),
        (20, 40, "The Conference has discussed the reports"),
        (20, 50, "of the comrades."),
        (20, 65, "Agrarian question"),  # set off by space above, as headings are
        (20, 75, "All lands are being transferred to the peasants."),
        (20, 90, "All power"),  # not the bookmark "Power": more than a number stands before it
    ]
    bookmarks = ("The Soviets", "Agrarian question", "Annex", "Power")
    imported = import_file(laid_out_pdf(tmp_path / "outlined.pdf", layout, bookmarks=bookmarks))
    assert imported.text == (
        "Annex\n\nPower\n\nI. The Soviets\n\nThe Conference has discussed the reports of the comrades.\n\n"
        "Agrarian question\n\nAll lands are being transferred to the peasants.\n\nAll power"
    )
    # Found in the text, a bookmark marks its own line; one that is not is put at the page's top.
    assert headings(imported) == [(1, "Annex"), (1, "Power"), (1, "I. The Soviets"), (1, "Agrarian question")]


def test_markdown_is_stored_as_read_with_front_matter_and_outline(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(
        "---\ntitle: Study notes\nauthor: [A. Reader, B. Reader]\ndate: 2024-05-01\n---\n"
        "# Land\n\nThe *peasants* take [the land](http://example.org).\n\n"
        "> A quoted\n> line\n\n- one\n- two\n\n1. first\n2. second\n\n## Power\n\n`code` stays\n",
        encoding="utf-8",
    )
    imported = import_file(path)
    assert_normalised(imported)
    assert (imported.title, imported.author, imported.date) == ("Study notes", "A. Reader, B. Reader", "2024-05-01")
    assert imported.text == (
        "Land\n\nThe peasants take the land.\n\nA quoted line\n\n• one\n\n• two\n\n1. first\n\n2. second"
        "\n\nPower\n\ncode stays"
    )
    assert headings(imported) == [(1, "Land"), (2, "Power")]


def _text_of(path: Path, content: str) -> str:
    """Write `content` to `path` and return the text imported from it."""
    path.write_text(content, encoding="utf-8")
    return import_file(path).text


def test_markdown_tables_strikethrough_and_footnotes_are_read_not_left_as_syntax(tmp_path: Path) -> None:
    source = (
        "The Soviets[^soviets] ~~wait~~ act.\n\n| Party | Seats |\n|---|---|\n| Bolsheviks | 105 |\n\n"
        "[^soviets]: Of workers' and soldiers' deputies.\n"
    )
    assert _text_of(tmp_path / "notes.md", source) == (
        "The Soviets[1] wait act.\n\nParty\n\nSeats\n\nBolsheviks\n\n105\n\n1. Of workers' and soldiers' deputies."
    )


@pytest.mark.parametrize("suffix", [".html", ".xhtml"])
def test_note_marks_are_bracketed_and_back_links_dropped(tmp_path: Path, suffix: str) -> None:
    """As pandoc writes notes in web pages and EPUB chapters (EPUB 3 and DPUB-ARIA marks)."""
    page = (
        '<html xmlns:epub="http://www.idpf.org/2007/ops"><body><p>The Soviets.<a href="#fn1" class="footnote-ref"'
        ' epub:type="noteref">1</a> Power<a href="#fn2" role="doc-noteref"><sup>2</sup></a>.'
        ' Land<a href="#fn3" class="footnote-ref"><img src="mark.png"/></a>.</p>'
        '<section class="footnotes"><ol><li id="fn1"><p>First note.<a href="#fnref1" class="footnote-back"'
        ' role="doc-backlink">↩︎</a></p></li><li id="fn2"><p>Second.<a href="#r2" role="doc-backlink">↩</a></p></li>'
        "</ol></section></body></html>"
    )
    assert (
        _text_of(tmp_path / f"notes{suffix}", page) == "The Soviets.[1] Power[2]. Land.\n\n1. First note.\n\n2. Second."
    )


def test_note_marks_of_sphinx_and_of_unmarked_books_are_bracketed_but_exponents_are_not(tmp_path: Path) -> None:
    """Sphinx writes class="footnote-reference"; many EPUBs, a bare linked superscript."""
    page = (
        '<html><body><p>as far as possible.<a class="footnote-reference brackets" href="#id8" id="id1">8</a>'
        ' Soviets<sup><a href="notes.xhtml#n3">3</a></sup> and<sup><a href="#n4">*</a></sup> an area of'
        ' 5 m<sup>2</sup>, see <sup><a href="#s2">section two</a></sup>.</p></body></html>'
    )
    assert _text_of(tmp_path / "sphinx.xhtml", page) == (
        "as far as possible.[8] Soviets[3] and[*] an area of 5 m2, see section two."
    )


def test_ordered_lists_count_from_their_start_and_nested_ones_afresh(tmp_path: Path) -> None:
    page = (
        '<ol start="3"><li>Third<ol><li>inner one</li><li>inner two</li></ol></li><li>Fourth</li></ol>'
        '<ol start="x"><li>Bad start counts from one</li></ol>'
    )
    assert _text_of(tmp_path / "clauses.html", page) == (
        "3. Third\n\n1. inner one\n\n2. inner two\n\n4. Fourth\n\n1. Bad start counts from one"
    )


def test_an_articles_own_header_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "article.htm"
    path.write_text(
        "<header>Site</header><article><header><h1>Title</h1><p>By A.</p></header><p>Body.</p></article>"
        "<footer>Site footer</footer>",
        encoding="utf-8",
    )
    imported = import_file(path)
    assert imported.text == "Title\n\nBy A.\n\nBody."
    assert (imported.title, headings(imported)) == ("Title", [(1, "Title")])


def test_html_keeps_the_main_text_and_drops_chrome(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Saved page</title><meta name='author' content='Editor'>"
        "<style>p{}</style><script>var x = 1;</script></head><body>"
        "<nav><a href='/'>Home</a></nav><header>Site banner</header>"
        "<main><h1>Resolution</h1><p>First   paragraph,\nwrapped.</p><div hidden>secret</div>"
        "<h2>Second</h2><p>Line<br>break</p></main><footer>© site</footer></body></html>",
        encoding="utf-8",
    )
    imported = import_file(path)
    assert_normalised(imported)
    assert imported.text == "Resolution\n\nFirst paragraph, wrapped.\n\nSecond\n\nLine\nbreak"
    assert (imported.title, imported.author, imported.format) == ("Saved page", "Editor", "html")
    assert headings(imported) == [(1, "Resolution"), (2, "Second")]


@pytest.mark.parametrize(("doctype", "entity"), [(XXE_DOCTYPE, "xxe"), (LAUGHS_DOCTYPE, "d")])
def test_entities_declared_in_a_web_page_are_never_expanded_or_followed(
    tmp_path: Path, doctype: str, entity: str
) -> None:
    path = tmp_path / "hostile.xhtml"
    path.write_text(
        f"<?xml version='1.0'?>{doctype}<html><body><p>Before &{entity}; after.</p></body></html>", encoding="utf-8"
    )
    imported = import_file(path)
    assert imported.text.startswith(f"Before &{entity}")  # left as written, not expanded
    assert "root:" not in imported.text and "haha" not in imported.text


def test_epub_follows_the_spine_and_names_chapters(tmp_path: Path) -> None:
    imported = import_file(epub_file(tmp_path / "theses.epub", spine_missing=True))
    assert_normalised(imported)
    assert imported.text == f"Chapter One\n\n{CHAPTER_ONE}\n\nThe Second Chapter\n\n{CHAPTER_TWO}"
    assert (imported.title, imported.author, imported.language, imported.date) == (
        "April Theses",
        "V. I. Lenin",
        "en",
        "1917-04-07",
    )
    assert headings(imported) == [(1, "Chapter One"), (1, "The Second Chapter")]


def test_epub_reports_progress_and_can_be_cancelled(tmp_path: Path) -> None:
    path = epub_file(tmp_path / "book.epub")
    seen: list[tuple[int, int]] = []
    import_file(path, lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]

    def cancel(done: int, total: int) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        import_file(path, cancel)


@pytest.mark.parametrize("strict", [False, True])
def test_docx_transitional_and_strict(tmp_path: Path, strict: bool) -> None:
    path = docx_file(tmp_path / "transcript.docx")
    if strict:
        path = strict_docx(path, tmp_path / "strict.docx")
    imported = import_file(path)
    assert_normalised(imported)
    assert imported.text == f"Chapter One\n\n{CHAPTER_ONE} Bold words.\n\nChapter Two\n\n{CHAPTER_TWO}"
    assert (imported.title, imported.author, imported.format) == ("Transcript", "A. Historian", "docx")
    assert headings(imported) == [(1, "Chapter One"), (1, "Chapter Two")]


def test_docx_footnotes_are_kept_under_notes(tmp_path: Path) -> None:
    imported = import_file(footnoted_docx(tmp_path / "noted.docx"))
    assert imported.text == "The land question.[1]\n\nNotes\n\n1. Decided at the April Conference."
    assert headings(imported) == [(1, "Notes")]
    assert imported.title == "noted"


def test_odt_paragraphs_lists_notes_and_metadata(tmp_path: Path) -> None:
    imported = import_file(odt_file(tmp_path / "minutes.odt"))
    assert_normalised(imported)
    assert imported.text == (
        f"Chapter One\n\n{CHAPTER_ONE}  Spaced.[1]\n\n• First item\n\nSection\n\nLine\nbreak\n\nNotes\n\n[1] A note."
    )
    assert (imported.title, imported.author, imported.date) == ("Minutes", "Secretary", "1917-04-29")
    assert headings(imported) == [(1, "Chapter One"), (2, "Section"), (1, "Notes")]


def test_odt_numbered_lists_keep_their_numbers(tmp_path: Path) -> None:
    numbered = (
        '<text:list-style style:name="{name}"><text:list-level-style-number text:level="1" style:num-suffix=")" '
        'style:num-format="1"/><text:list-level-style-bullet text:level="2" text:bullet-char="-"/></text:list-style>'
    )
    body = (
        '<text:list text:style-name="L1"><text:list-item><text:p>Power to the Soviets</text:p>'
        "<text:list><text:list-item><text:p>in the capitals</text:p></text:list-item></text:list></text:list-item>"
        "<text:list-item><text:p>Land to the peasants</text:p></text:list-item></text:list>"
        '<text:list text:style-name="Numbering_20_123"><text:list-item><text:p>Named style</text:p></text:list-item>'
        "<text:list-item><text:p>kept in styles.xml</text:p></text:list-item></text:list>"
        "<text:list><text:list-item><text:p>No style: bullets</text:p></text:list-item></text:list>"
    )
    path = odt_file(
        tmp_path / "clauses.odt",
        body=body,
        automatic_styles=numbered.format(name="L1"),
        styles=numbered.format(name="Numbering_20_123").replace('")"', '"."'),
    )
    assert import_file(path).text == (
        "1) Power to the Soviets\n\n• in the capitals\n\n2) Land to the peasants\n\n"
        "1. Named style\n\n2. kept in styles.xml\n\n• No style: bullets"
    )


def test_gutenberg_text_is_unwrapped_with_header_and_chapters(tmp_path: Path) -> None:
    wrapped = (
        "The quick brown fox of the revolution jumps over the lazy provisional\n"
        "government and then it runs for quite a while across the wide fields of\n"
        "the country until it reaches the capital city in the early spring\n"
        "morning light.\n"
    )
    verse = "Short line\nanother short\n"
    body = "\n".join([wrapped] * 3)
    text = (
        "Title: Ten Days\nAuthor: J. Reed\nRelease date: May 1, 2000 [eBook #3076]\n\n"
        f"CHAPTER I\n\n{body}\n{verse}\nCHAPTER II. The Storm\n\n{body}"
    )
    path = tmp_path / "pg3076.txt"
    path.write_text(text, encoding="utf-8")
    imported = import_file(path)
    paragraph = " ".join(wrapped.split("\n")).strip()
    assert f"CHAPTER I\n\n{paragraph}\n\n{paragraph}" in imported.text
    assert "\nShort line\nanother short\n" in imported.text  # lines broken on purpose stay
    assert (imported.title, imported.author, imported.date) == ("Ten Days", "J. Reed", "May 1, 2000")
    assert headings(imported) == [(2, "CHAPTER I"), (2, "CHAPTER II. The Storm")]


def test_text_with_one_sentence_per_line_is_not_unwrapped(tmp_path: Path) -> None:
    lines = "\n".join(f"Sentence number {n} is written on a line of its own, as many notes are." for n in range(40))
    text = "\n\n".join([lines] * 3)
    path = tmp_path / "lines.txt"
    path.write_text(text, encoding="utf-8")
    assert import_file(path).text == text


def test_pasted_text_and_html_become_documents() -> None:
    plain = import_pasted("First line of the paste\r\nsecond line")
    assert (plain.text, plain.title, plain.format, plain.source) == (
        "First line of the paste\nsecond line",
        "First line of the paste",
        "pasted",
        "clipboard",
    )
    rich = import_pasted("ignored", "<h2>Heading</h2><p>Body <b>text</b></p>")
    assert rich.text == "Heading\n\nBody text"
    assert headings(rich) == [(2, "Heading")]
    with pytest.raises(TextImportError, match="no text"):
        import_pasted(" \n ")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated(path: Path, keep: float) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


HOSTILE = {
    "empty.pdf": (lambda d: _write(d / "empty.pdf", b""), "the file is empty"),
    "junk.txt": (lambda d: _write(d / "junk.txt", bytes(range(256)) * 64), "not a text file"),
    "truncated.pdf": (lambda d: _truncated(pdf_file(d / "truncated.pdf"), 0.5), "damaged or incomplete PDF"),
    "notpdf.pdf": (lambda d: _write(d / "notpdf.pdf", b"hello world"), "not a PDF"),
    "truncated.docx": (lambda d: _truncated(docx_file(d / "truncated.docx"), 0.6), "not a complete DOCX"),
    "zip.epub": (lambda d: _zip_named(d / "zip.epub"), "not an EPUB"),
    "text.epub": (lambda d: _write(d / "text.epub", b"just text"), "not a complete EPUB"),
    "locked.pdf": (lambda d: locked_pdf(d / "locked.pdf"), "protected by a password"),
    "scan.pdf": (lambda d: scanned_pdf(d / "scan.pdf"), "no text layer .* needs OCR"),
    "xxe.epub": (lambda d: epub_file(d / "xxe.epub", container_doctype=XXE_DOCTYPE), "refuses to read"),
    "laughs.docx": (lambda d: footnoted_docx(d / "laughs.docx", doctype=LAUGHS_DOCTYPE), "refuses to read"),
    "xxe.odt": (lambda d: odt_file(d / "xxe.odt", doctype=XXE_DOCTYPE), "refuses to read"),
    "bomb.epub": (lambda d: zip_bomb(d / "bomb.epub"), "zip bomb"),
    "huge.txt": (lambda d: _sparse(d / "huge.txt", 300 * 1024 * 1024), "larger than the 200 MB limit"),
    "empty.odt": (lambda d: odt_file(d / "empty.odt", body="<text:p> </text:p>"), "holds no text"),
    "deep.html": (lambda d: _write(d / "deep.html", b"<div>" * 5000 + b"deep" + b"</div>" * 5000), "nested too deeply"),
    "inflate.epub": (
        lambda d: _undeflatable(epub_file(d / "inflate.epub"), "META-INF/container.xml"),
        r"META-INF/container\.xml inside it is damaged \(Error -3 while decompressing data: invalid block type\)",
    ),
    "inflate.docx": (
        lambda d: _undeflatable(docx_file(d / "inflate.docx"), "word/document.xml"),
        r"word/document\.xml inside it is damaged \(Error -3",
    ),
    "inflate.odt": (
        lambda d: _undeflatable(odt_file(d / "inflate.odt"), "content.xml"),
        r"content\.xml inside it is damaged \(Error -3",
    ),
}


def _undeflatable(path: Path, member: str) -> Path:
    """Break one member's compressed data (a block type that does not exist), keeping the zip whole."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    data[info.header_offset + 30 + name_length + extra_length] = 0b111  # final block, reserved type 11
    path.write_bytes(bytes(data))
    return path


def test_odt_counts_that_are_no_numbers_or_absurd_are_read_sanely(tmp_path: Path) -> None:
    body = '<text:h text:outline-level="x">Heading</text:h><text:p>a<text:s text:c="999999999999"/>b</text:p>'
    imported = import_file(odt_file(tmp_path / "odd.odt", body=body))
    assert imported.text == "Heading\n\na" + " " * 1000 + "b"  # not a terabyte of spaces
    assert headings(imported) == [(1, "Heading")]


def test_a_pasted_page_nested_too_deeply_gets_a_message() -> None:
    with pytest.raises(TextImportError, match="clipboard: its markup is nested too deeply"):
        import_pasted("deep", "<div>" * 5000 + "deep" + "</div>" * 5000)


def _zip_named(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    return path


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_and_broken_files_are_refused_with_a_reason(tmp_path: Path, name: str) -> None:
    make, reason = HOSTILE[name]
    path = make(tmp_path)
    with pytest.raises(TextImportError, match=reason) as info:
        import_file(path)
    message = str(info.value)
    assert message.startswith(f"Cannot import {name}: ")
    assert "\n" not in message and "root:" not in message
