"""PDF files: the text layer page by page, with page numbers for citations.

pypdfium2 (Chrome's PDFium) was chosen after comparing it with pypdf and pdfminer.six on
the same files (README, "Bringing texts in"): on a 300-page justified PDF it was 3 and 40
times faster and the only one to double no space; it reads bookmarks and page labels,
and tells a password-protected file apart from a damaged one.
PDFium never runs a document's JavaScript unless forms are initialised, which they
are not here.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from app.domain.progress import Progress
from app.domain.structure import TextBuilder
from app.importers.base import ImportedText, ScanError, TextImportError
from app.importers.files import read_file
from app.importers.pdf_layout import (
    OCR_REMEDY,
    Line,
    body_size,
    furniture,
    mark_references,
    readable,
    real_words,
    split_margin,
    split_notes,
    unreadable_finding,
)
from app.importers.pdf_outline import CHAPTER_LABEL, Block, PrintedHeadings, place_bookmarks

# Text layers have lines but no paragraph marks. A line ends its paragraph when it stops
# short of the lines around it by more than this share of their width...
_SHORT_LINE = 0.75
# ...and a line starts one when it stands further below the line before than this many
# times the page's usual line pitch (paragraph spacing, a heading, another column)...
_WIDE_GAP = 1.2
# ...or is indented by more than this many times its font size against a line before and
# after it that start at the margin (a first-line indent), unless it lines up with the
# text after the label of the line before (the hanging indent of a numbered clause);
# or is a labelled line ("2. ", "(b) ") standing left of such a hanging line.
_INDENT = 0.8
_AT_MARGIN = 0.3
_LABEL = re.compile(r"\(?(?:\d{1,3}|[a-zA-Z]|[ivxlcdm]{1,6})[.)]\s+|[•·\-–—*]\s+")
# Soft hyphens as text layers write them (U+00AD, U+0002, U+FFFE), and a hyphen ending a line.
_SOFT_HYPHEN = re.compile(r"[\u00ad\u0002\ufffe]\n?|(?<=[a-z])-\n(?=[a-z])")
_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?")
# Two glyphs of a line whose boxes stand further apart than this share of the font size
# have a word space between them. PDFium leaves some such spaces out of the text layer of
# Ghostscript's PDFs ("V. I.Lenin", "St.Petersburgwritten"); measured on PDFs from
# fpdf2, groff and Ghostscript, glyph boxes within a word touch or overlap (gap <= 0)
# and the missed spaces are 0.24-0.31 of the font size.
_SPACE_GAP = 0.15
# Measuring every glyph takes more than twice as long as reading the text, so it is done for
# a document only if its first pages with text show a missed space: as many pages as it
# takes to measure this many characters (a page of prose, or a title page and the next).
_PROBE_CHARS = 3000


def load_pdf(data: bytes, path: Path) -> pdfium.PdfDocument:
    """Open a PDF's bytes, telling a password-protected file from a damaged one.

    Raises:
        TextImportError: If it is not a PDF, needs a password, or is damaged.
    """
    if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise TextImportError(path, "it is not a PDF file")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise TextImportError(path, "it is protected by a password; save an unprotected copy first") from exc
        raise TextImportError(path, f"it is a damaged or incomplete PDF ({str(exc).rstrip('.')})") from exc


class _Page:
    """Reads one page's text layer as lines with their geometry, through PDFium's C API.

    One call per glyph would double the time of an import, so the geometry of a line comes
    from its first and last glyph, and each glyph is measured only when word spaces are
    being looked for.
    """

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self._handle = textpage.raw
        self._box = pdfium_c.FS_RECTF()
        self._matrix = pdfium_c.FS_MATRIX()
        self._x = ctypes.c_double()
        self._y = ctypes.c_double()
        self.text = textpage.get_text_range()
        self.aligned = len(self.text) == textpage.count_chars()  # not so with characters beyond the BMP

    def lines(self, find_spaces: bool) -> tuple[list[Line], int]:
        """Return the lines, and how many missing word spaces were put back."""
        lines: list[Line] = []
        found = 0
        at = 0
        handle, box, x, y = self._handle, self._box, self._x, self._y
        get_box, get_origin = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin
        measured = (-1.0, 0.0, 0.0)  # the last loose box height measured, its size, its baseline above its foot
        for raw_line in self.text.split("\n"):
            start = at
            at += len(raw_line) + 1
            body = raw_line.rstrip()
            if not body.strip() or not self.aligned:
                lines.append(Line(body))
                continue
            lead = body.lstrip()
            first = start + len(body) - len(lead)
            last = start + len(body) - 1
            missing = self._missing_spaces(body, start) if find_spaces else []
            found += len(missing)
            if missing:
                body = " ".join(body[a:b] for a, b in zip([0, *missing], [*missing, len(body)], strict=True))
            label = _LABEL.match(lead)
            # PDFium is called directly, as few times as will do: at some 13,000 lines in
            # 300 pages each call a line costs a fortieth of reading the text. A glyph's loose
            # box is its font's ascent to descent at its size, standing on its baseline: a
            # first glyph whose box is as tall as the one measured last has its size, and its
            # baseline as far above the box's foot; a last glyph whose box stands level with
            # the first's is on its baseline.
            get_box(handle, first, box)
            left, bottom, height = box.left, box.bottom, box.top - box.bottom
            if height != measured[0]:
                get_origin(handle, first, x, y)
                measured = (height, self._size(first), y.value - bottom)
            baseline = bottom + measured[2]
            get_box(handle, last, box)
            level = box.bottom == bottom and box.top - box.bottom == height
            right = box.right
            if not level:
                get_origin(handle, last, x, y)
            lines.append(
                Line(
                    body,
                    left=left,
                    right=right,
                    baseline=baseline,
                    last_baseline=baseline if level else y.value,
                    size=measured[1],
                    hang=self._edge(first + label.end()).left if label and label.end() < len(lead) else 0.0,
                )
            )
        return lines, found

    def _edge(self, index: int) -> pdfium_c.FS_RECTF:
        pdfium_c.FPDFText_GetLooseCharBox(self._handle, index, self._box)
        return self._box

    def _missing_spaces(self, body: str, start: int) -> list[int]:
        """Return the offsets in `body` before which the page shows a word space the text lacks."""
        missing: list[int] = []
        right: float | None = None
        bottom = 0.0
        for offset, char in enumerate(body):
            if char.isspace():
                right = None
                continue
            box = self._edge(start + offset)
            same_line = abs(box.bottom - bottom) < (box.top - box.bottom) / 2
            if right is not None and same_line and box.left - right > _SPACE_GAP * self._size(start + offset):
                missing.append(offset)
            right, bottom = box.right, box.bottom
        return missing

    def _size(self, index: int) -> float:
        """The size a glyph is printed at, in points.

        A PDF may set its type at size 1 and scale it with the text matrix (Word's PDFs
        through macOS's Quartz do): PDFium's font size is then 1 for every line.
        """
        pdfium_c.FPDFText_GetMatrix(self._handle, index, self._matrix)
        return float(pdfium_c.FPDFText_GetFontSize(self._handle, index)) * math.hypot(self._matrix.c, self._matrix.d)


def _paragraphs(lines: list[Line]) -> list[Block]:
    """Rebuild a page's paragraphs from its lines."""
    shown = [line for line in lines if line.text]  # a blank line's text is empty
    if not shown:
        return []
    known = all(line.size > 0 for line in shown)
    starts = _starts_by_geometry(shown) if known else _starts_by_length(shown)
    paragraphs: list[list[Line]] = []
    previous: Line | None = None
    for line in lines:
        if not line.text:
            previous = None  # a blank line of the layer always ends a paragraph
            continue
        if previous is None or id(line) in starts:
            paragraphs.append([])
        paragraphs[-1].append(line)
        previous = line
    return [Block(join_lines([line.text for line in p]), min(line.size for line in p), len(p)) for p in paragraphs]


def join_lines(lines: list[str]) -> str:
    """Join a paragraph's lines, and the halves of a word hyphenated across two of them."""
    text = "\n".join(lines)
    if "-\n" in text or "\u00ad" in text or "\u0002" in text or "\ufffe" in text:  # most have none: skip the regex
        text = _SOFT_HYPHEN.sub("", text)
    return " ".join(text.split())


def _starts_by_length(lines: list[Line]) -> set[int]:
    """Where paragraphs start when the geometry is unknown: after a line short in characters."""
    lengths = [len(" ".join(line.text.split())) for line in lines]
    usual = sorted(lengths)[int(len(lengths) * 0.8)]
    return {id(lines[i + 1]) for i, length in enumerate(lengths[:-1]) if length < usual * _SHORT_LINE}


def _starts_by_geometry(lines: list[Line]) -> set[int]:
    """Where paragraphs start: after a short line, below a wide gap, at an indent or a new clause."""
    lefts = sorted(line.left for line in lines)
    margin = lefts[int(len(lefts) * 0.2)]
    drops = [up.last_baseline - down.baseline for up, down in itertools.pairwise(lines)]
    pitches = sorted(drop for drop in drops if drop > 0)
    pitch = pitches[len(pitches) // 2] if pitches else 0.0

    def at_margin(line: Line | None) -> bool:
        return line is None or line.left - margin <= _AT_MARGIN * line.size

    starts: set[int] = set()
    wide = _WIDE_GAP * pitch if pitch > 0 else math.inf
    # Each test is tried in turn, the cheapest first: most lines start nothing, and a page
    # of 40 lines is 40 passes through here.
    for i in range(1, len(lines)):
        line, before = lines[i], lines[i - 1]
        size = line.size
        drop = drops[i - 1]
        # Up the page is another column; level with the line before is the same line.
        if drop < -size / 2 or drop > wide:
            starts.add(id(line))
            continue
        # A labelled line standing left of a line that hung under the words before: the next clause.
        if line.hang and line.left < before.left - _AT_MARGIN * size:
            starts.add(id(line))
            continue
        # Short against the lines around it, not the page: on a page of two columns every
        # line of the left one stops short of the right one's edge.
        earlier = lines[i - 2] if i >= 2 else before
        left = min(earlier.left, before.left, line.left)
        if before.right < left + (max(earlier.right, before.right, line.right) - left) * _SHORT_LINE:
            starts.add(id(line))
            continue
        if (
            line.left - margin > _INDENT * size
            and at_margin(before)
            and at_margin(lines[i + 1] if i + 1 < len(lines) else None)
            and not (before.hang and abs(before.hang - line.left) <= _AT_MARGIN * size)
        ):
            starts.add(id(line))
    return starts


def pdf_date(raw: str) -> str:
    """Return a PDF date ("D:20221217024144") as "2022-12-17" (as much of it as is there)."""
    match = _DATE.match(raw)
    if not match:
        return ""
    return "-".join(part for part in match.groups() if part)


def read_pdf(path: Path, progress: Progress | None = None) -> ImportedText:
    """Import a PDF's text as a book's: pages numbered, bookmarks as headings, notes apart.

    Running headers, footers and page numbers are left out (the page labels stay, for
    citations); a sentence cut by a page break reads as one; footnotes go under "Notes"
    at the end, their marks written `[1]`.

    Raises:
        TextImportError: If the file is not a PDF, is damaged, needs a password, or has
            no text layer worth the name (a scan, or bad OCR, that needs OCR first).
    """
    document = load_pdf(read_file(path), path)
    try:
        bookmarks = _bookmarks(document)
        labels, pages = _read_pages(document, progress)
        metadata = document.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as exc:
        raise TextImportError(path, f"it is a damaged PDF ({exc})") from exc
    finally:
        document.close()
    counts = [real_words("\n".join(line.text for line in lines)) for lines in pages]
    if not readable(counts):
        raise ScanError(path, unreadable_finding(counts), OCR_REMEDY)
    return ImportedText.built(
        build_book(labels, pages, bookmarks),
        title=metadata.get("Title", "") or path.stem,
        author=metadata.get("Author", ""),
        date=pdf_date(metadata.get("CreationDate", "")),
        source=str(path),
        format="pdf",
    )


def _bookmarks(document: pdfium.PdfDocument) -> dict[int, list[tuple[int, str]]]:
    """Each page's bookmarks: their level and title."""
    bookmarks: dict[int, list[tuple[int, str]]] = {}
    for item in document.get_toc():
        destination = item.get_dest()
        index = destination.get_index() if destination is not None else None
        if index is not None and item.get_title().strip():
            bookmarks.setdefault(index, []).append((item.level + 1, item.get_title()))
    return bookmarks


def _read_pages(document: pdfium.PdfDocument, progress: Progress | None) -> tuple[list[str], list[list[Line]]]:
    """Read every page's label and lines (the slow part, so it reports progress)."""
    labels: list[str] = []
    pages: list[list[Line]] = []
    count = len(document)
    probed = 0
    find_spaces: bool | None = None  # None while the first pages with text are probed
    for index in range(count):
        page = document[index]
        try:
            textpage = page.get_textpage()
            reader = _Page(textpage)
            has_text = bool(reader.text.strip())
            lines, found = reader.lines(find_spaces is not False and has_text)
            textpage.close()
        finally:
            page.close()
        if find_spaces is None and has_text:
            probed += len(reader.text)
            if found:
                find_spaces = True
            elif probed >= _PROBE_CHARS:
                find_spaces = False
        labels.append(document.get_page_label(index) or str(index + 1))
        pages.append(lines)
        if progress is not None:
            progress(index + 1, count)
    return labels, pages


def build_book(labels: list[str], pages: list[list[Line]], bookmarks: dict[int, list[tuple[int, str]]]) -> TextBuilder:
    """Write the pages' text without their furniture, sentences joined over page breaks, notes at the end.

    Args:
        labels: Each page's label, for citations.
        pages: Each page's lines with their geometry: read from the text layer, or from OCR.
        bookmarks: Each page's bookmarks (level and title), by page index; none for a PDF
            without an outline, whose headings are then read from the type.
    """
    builder = TextBuilder()
    every = [line for lines in pages for line in lines]
    body_type = body_size(every)
    dropped = furniture(pages, body_type)
    printed = PrintedHeadings([line for line in every if id(line) not in dropped], body_type)
    notes: list[str] = []
    open_paragraph = False  # the last block is a paragraph that stops mid-sentence
    for index, lines in enumerate(pages):
        body, margin = split_margin([line for line in lines if id(line) not in dropped])
        body, page_notes = split_notes(body)
        marks = [mark for mark, _text in page_notes]
        notes += [f"[{mark}] {text}" for mark, text in page_notes]
        if margin:  # kept, but out of the sentences: under Notes, with its page
            notes.append(f"[margin, p. {labels[index]}] " + " / ".join(margin))
        blocks = _paragraphs(body)
        paragraphs = [mark_references(block.text, marks) for block in blocks]
        if bookmarks:
            unplaced, levels = place_bookmarks(bookmarks.get(index, []), paragraphs)
        else:  # no outline: the headings the pages print
            unplaced, levels = [], printed.levels(blocks, paragraphs)
        first = 0
        if open_paragraph and not unplaced and paragraphs and 0 not in levels and _goes_on(paragraphs[0]):
            builder.continue_paragraph(paragraphs[0], labels[index], joined=_broken_word(builder))
            first = 1
        else:
            builder.page(labels[index])
        for level, title in unplaced:
            builder.heading(level, title)
        # "CHAPTER", "ONE" printed above a chapter's title are its label, not text.
        labels_of = {
            n - k
            for n, level in levels.items()
            for k in (1, 2)
            if level == 1 and n - k >= first and CHAPTER_LABEL.fullmatch(paragraphs[n - k])
        }
        for number, paragraph in enumerate(paragraphs[first:], start=first):
            if number in labels_of and number not in levels:
                continue
            if number in levels:
                builder.heading(levels[number], paragraph)
            else:
                builder.paragraph(paragraph)
        if paragraphs:  # a page without text leaves the sentence before it open
            last = len(paragraphs) - 1
            open_paragraph = last not in levels and not paragraphs[last].rstrip().endswith(_SENTENCE_ENDS)
    if notes:
        builder.heading(1, "Notes")
        for note in notes:
            builder.paragraph(note)
    return builder


# A paragraph that ends otherwise stops mid-sentence, at the foot of a page.
_SENTENCE_ENDS = (".", "!", "?", ":", ";", "…", '"', "”", "’", ")", "]")


def _goes_on(paragraph: str) -> bool:
    """Whether a page's first paragraph carries on a sentence: it starts in lower case or with a number not a label."""
    text = paragraph.lstrip()
    head = text[:1]
    return (head.isalpha() and head.islower()) or (head.isdigit() and not _LABEL.match(text))


def _broken_word(builder: TextBuilder) -> bool:
    """Whether the text so far ends with a word broken at a hyphen, to go on without a space."""
    text = builder.last_block
    return text.endswith("-") and text[-2:-1].isalpha()
