"""What on a PDF's pages is the book's text: running heads and page numbers out, notes apart.

A text layer is the page as printed. Running headers and footers repeat at the same place
page after page (their page numbers varying); footnotes sit under the body in a smaller
type, their marks glued to words ("fields.3"). These functions tell them apart using the
lines' geometry, so that the text reads as the book: a sentence cut by a page break goes
on, notes go under "Notes" and their marks read `[3]`.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from typing import NamedTuple


class Line(NamedTuple):
    """A line of a page's text layer, and where it stands on the page.

    A named tuple: some 13,000 are made for 300 pages, and a tuple is made in a third of
    the time of a frozen data class.

    Attributes:
        text: The line's characters (word spaces the layer lacked put back).
        left: Where its first glyph starts, in points.
        right: Where its last glyph ends.
        baseline: The height of its first glyph's baseline above the page's foot.
        last_baseline: That of its last glyph (PDFium sometimes gives two printed lines as one).
        size: Its first glyph's font size; 0 where the geometry is unknown, and on a blank line.
        hang: Where the text after a leading label ("1. ", "(a) ") starts; 0 without one.
    """

    text: str
    left: float = 0.0
    right: float = 0.0
    baseline: float = 0.0
    last_baseline: float = 0.0
    size: float = 0.0
    hang: float = 0.0


# Running heads are looked for among the lines nearest the top and the foot of each page...
_EDGE_LINES = 2
# ...that stand at the same height (within this many points) on at least this many pages,
# reading the same once numbers are set aside.
_BAND = 3.0
_MIN_REPEATS = 3
# ...and stand further from the text next to them than this many usual line pitches.
_SET_APART = 1.3
# Two distances between lines this close (a share) are the same line pitch.
_SAME_PITCH = 1.1
# On a page of two lines, they are a head and a foot when further apart than this many sizes.
_LONE_GAP = 6
_DIGITS = re.compile(r"\d+")
# Type this much larger than the body's is a heading's: never a running head, and where a
# PDF has no bookmarks, its headings (`app.importers.pdf_outline`).
LARGER = 1.12
_ROMAN_AT_EDGE = re.compile(r"^[ivxlcdm]{1,7}(?= )|(?<= )[ivxlcdm]{1,7}$")
# A line that is only a page number: "31", "- 31 -", "xiv", "Page 31", "31 / 193".
_PAGE_NUMBER = re.compile(r"[-–—\s]*(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:/|of)\s*\d{1,4})?[-–—\s]*", re.I)
# A page number at either end of a head: "32 Chapter 5", "Interfaces Guide 7", "iv Preface", "Guide iii".
_NUMBER_AT_EDGE = re.compile(r"^\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s|\s(?:\d{1,4}|[ivxlcdm]{1,7})\s*$", re.I)


def furniture(pages: list[list[Line]], body: float) -> set[int]:
    """Return the ids of the lines that are running headers, footers or page numbers.

    Args:
        pages: Each page's lines, in the layer's order, with their geometry.
        body: The size most of the text is set in (`body_size`).
    """
    found: set[int] = set()
    seen: dict[str, list[tuple[int, Line]]] = {}
    edges: list[list[Line]] = []
    for number, lines in enumerate(pages):
        shown = [line for line in lines if line.size > 0]
        by_height = sorted(shown, key=lambda line: -line.baseline)
        ends = by_height[:_EDGE_LINES] + by_height[_EDGE_LINES:][-_EDGE_LINES:]
        heights = sorted({round(line.baseline, 1) for line in shown}, reverse=True)
        pitch = _pitch(heights)
        edge = [line for line in ends if _apart(line, heights, pitch)]
        edges.append(edge)
        for line in edge:
            if _PAGE_NUMBER.fullmatch(line.text):
                found.add(id(line))
            elif line.size < body * LARGER:  # larger than the body, it is a heading ("Section 2:")
                seen.setdefault(_shape(line.text), []).append((number, line))
    # On a document of two pages, a head on both is a running head.
    repeats = max(2, min(_MIN_REPEATS, sum(1 for edge in edges if edge)))
    bands: set[int] = set()
    for placed in seen.values():
        bands_seen = Counter(round(line.baseline / _BAND) for _n, line in placed)
        band, _count = bands_seen.most_common(1)[0]
        at_band = [(n, line) for n, line in placed if abs(round(line.baseline / _BAND) - band) <= 1]
        if len({n for n, _line in at_band}) >= repeats:
            found.update(id(line) for _n, line in at_band)
            bands.add(band)
    # A head that changes with the section ("5.6. List of fields 37") repeats too rarely to
    # be seen, but it stands in a band where running heads stand and carries a page number.
    for edge in edges:
        for line in edge:
            band = round(line.baseline / _BAND)
            if any(abs(band - b) <= 1 for b in bands) and _NUMBER_AT_EDGE.search(line.text):
                found.add(id(line))
    return found


def _pitch(heights: list[float]) -> float:
    """The body's line pitch on a page: the smallest distance between lines that comes back.

    On a page of short paragraphs and pictures (a manual's), most distances between lines
    are wider than it. Zero on a page of fewer than three lines.

    Args:
        heights: The page's distinct baselines (rounded to 0.1 pt), highest first.
    """
    pitches = sorted(a - b for a, b in itertools.pairwise(heights))
    if len(pitches) < 2:
        return 0.0
    # Sorted, a pitch that comes back is followed by one within a tenth of it (25.4, 25.7).
    return next(
        (pitch for pitch, wider in itertools.pairwise(pitches) if wider <= pitch * _SAME_PITCH),
        pitches[len(pitches) // 2],
    )


def _apart(line: Line, heights: list[float], pitch: float) -> bool:
    """Whether a line stands apart from the page's text: further from its neighbour than lines are.

    A running head or a page number is set off from the body; the first line of a page's
    body, which may well repeat from page to page (a form, a table's head), is not.

    Args:
        line: A line at the head or foot of the page.
        heights: The page's distinct baselines (rounded to 0.1 pt), highest first.
        pitch: The page's line pitch (`_pitch`).
    """
    if len(heights) < 2:
        return True
    if len(heights) == 2:  # two lines: a head and a foot (a blank verso), or two lines of text
        return heights[0] - heights[1] > _LONE_GAP * line.size
    here = heights.index(round(line.baseline, 1))
    neighbours = [heights[k] for k in (here - 1, here + 1) if 0 <= k < len(heights)]
    nearest = min(abs(line.baseline - other) for other in neighbours)
    return nearest > _SET_APART * pitch


def _shape(text: str) -> str:
    """A line's text with its numbers set aside: "32 Chapter 5. Control files" -> "# chapter #. control files".

    A page number in Roman numerals at either end goes too ("Interfaces Guide iii").
    """
    return _ROMAN_AT_EDGE.sub("#", _DIGITS.sub("#", " ".join(text.split()).casefold()))


def body_size(lines: list[Line]) -> float:
    """The size most of the text is set in (0 where no line's size is known)."""
    chars = Counter[float]()
    for line in lines:
        chars[line.size] += len(line.text)
    sizes = Counter[float]()
    for size, count in chars.items():  # a few distinct sizes: rounded once each, not once a line
        if size > 0:
            sizes[round(size, 1)] += count
    return max(sizes, key=sizes.__getitem__) if sizes else 0.0


# A note starts with its mark: a number, or a sign such as * or †.
_NOTE_START = re.compile(r"\s*(\d{1,3}|[*†‡§¶])(?:\s+|(?=[^\W\d_]))(\S.*)")  # "1 Text", and "1Text" (LibreOffice)
_NOTE_MARK = re.compile(r"\s*(\d{1,3}|[*†‡§¶])\s*")
# Notes are set smaller than the body: below this share of the body's size.
_NOTE_SIZE = 0.92


def split_notes(lines: list[Line]) -> tuple[list[Line], list[tuple[str, str]]]:
    """Split a page's footnotes (smaller lines at its foot, starting with a mark) from its body.

    Returns:
        The body's lines, and each note's mark and text, in order.
    """
    sized = [line for line in lines if line.size > 0]
    if len({line.size for line in sized}) < 2:  # all in one type (most pages): no smaller notes
        return lines, []
    body_type = body_size(sized)
    lowest_body = min((line.baseline for line in sized if line.size >= body_type * _NOTE_SIZE), default=0.0)
    # The notes: small lines below the lowest line in body type.
    small = [
        line for line in sized if line.size < body_type * _NOTE_SIZE and line.baseline < lowest_body - line.size / 2
    ]
    small.sort(key=lambda line: -line.baseline)
    if not small or not (_NOTE_START.match(small[0].text) or _NOTE_MARK.fullmatch(small[0].text)):
        return lines, []
    notes: list[list[str]] = []
    marks: list[str] = []
    for line in small:
        start = _NOTE_START.match(line.text) or _NOTE_MARK.fullmatch(line.text)  # a raised mark may be a line
        if start:
            marks.append(start.group(1))
            notes.append([start.group(2)] if start.re is _NOTE_START else [])
        else:
            notes[-1].append(line.text)
    gone = {id(line) for line in small}
    body = [line for line in lines if id(line) not in gone]
    return body, [(mark, " ".join(" ".join(parts).split())) for mark, parts in zip(marks, notes, strict=True)]


def mark_references(paragraph: str, marks: list[str]) -> str:
    """Write the note marks glued to words ("fields.3") as `[3]`, for the marks of this page's notes.

    A number counts as a mark only right after a letter or closing punctuation (not after
    a digit, a hyphen or a slash: "UTF-8", "4.6.2", "x/2" stay), and before a space,
    punctuation or the end.
    """
    numbers = [m for m in marks if m.isdecimal()]
    if not numbers:
        return paragraph
    marks_ = "|".join(sorted(numbers, key=len, reverse=True))
    after_word = rf"(?<=[^\W\d_])(?<![A-Z])({marks_})(?=[\s.,;:)]|$)"  # "databases1", not "MP3"
    after_stop = rf"(?<=[^\W\d_][.,;:)”’\"'])({marks_})(?=\s|$)"  # "format.1", not "4.6.2"
    # A raised mark set off by a space (LibreOffice): "increased. 1" at the end or before a new sentence.
    spaced = rf"(?<=[^\W\d_][.,;:)”’\"'] )({marks_})(?=$|\s+[A-Z])"
    pattern = re.compile(f"{after_word}|{after_stop}|{spaced}")
    return pattern.sub(lambda m: f"[{m.group(1) or m.group(2) or m.group(3)}]", paragraph)


# Margin text: short lines wholly beside the page's main column. The column is trusted
# only on a page with this many lines, and a margin line is narrower than this share of it.
_MIN_BODY_LINES = 5
_MARGIN_WIDTH = 0.4
_MARGIN_GAP = 6.0  # points between the column and a line beside it


def split_margin(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """Take text printed in a page's margin (a sidebar, a local table of contents) out of its body.

    Returns:
        The body's lines, and the margin's lines of text, top to bottom.
    """
    sized = [line for line in lines if line.size > 0]
    if len(sized) < _MIN_BODY_LINES:
        return lines, []
    # The column: where the page's full lines stand (a margin's lines are short).
    widest = max(line.right - line.left for line in sized)
    full = [line for line in sized if line.right - line.left >= widest / 2]
    left, right = min(line.left for line in full), max(line.right for line in full)
    narrow = (right - left) * _MARGIN_WIDTH

    def beside(line: Line) -> bool:
        outside = line.left > right + _MARGIN_GAP or line.right < left - _MARGIN_GAP
        return outside and line.right - line.left < narrow

    margin = [line for line in sized if beside(line)]
    if not margin or len(margin) * 2 > len(sized):
        return lines, []
    gone = {id(line) for line in margin}
    return [line for line in lines if id(line) not in gone], [" ".join(line.text.split()) for line in margin]


# Judging a text layer: a word is real when it has two letters or more in a row.
_REAL_WORD = re.compile(r"[^\W\d_]{2,}")
# A page carries text when it has this many real words (a footer's web address does not).
_PAGE_WORDS = 20
# Bad OCR is mostly punctuation and single letters: below this share of real words in
# its tokens, a page's layer is not text.
_REAL_SHARE = 0.5
_PAGE_SAMPLE = 1000  # characters of a page enough to judge its text layer (some 150 words)


def real_words(text: str) -> tuple[int, int]:
    """Return how many real words the start of a page's text has, and how many tokens in all there."""
    sample = text[:_PAGE_SAMPLE]
    return len(_REAL_WORD.findall(sample)), len(sample.split())


def readable(counts: list[tuple[int, int]]) -> bool:
    """Whether a document's text layer is text: most pages with real words, and real words most of it.

    Args:
        counts: Each page's real words and tokens, from `real_words`.
    """
    if not counts:
        return False
    with_text = sum(1 for words, tokens in counts if words >= _PAGE_WORDS and words >= tokens * _REAL_SHARE)
    if len(counts) <= 2:  # a leaflet or a slide: any real words will do
        words, tokens = sum(w for w, _t in counts), sum(t for _w, t in counts)
        return words > 0 and words >= tokens * _REAL_SHARE
    return with_text * 2 >= len(counts)


TESSERACT_PACKAGES = "apt install tesseract-ocr tesseract-ocr-eng"  # Debian's, English data included
OCR_REMEDY = (
    f"needs OCR: Marginalia reads it with Tesseract where it is installed (Debian: {TESSERACT_PACKAGES}; "
    "on the command line, import --ocr eng)"
)


def unreadable_finding(counts: list[tuple[int, int]]) -> str:
    """Say why a text layer is not text: none, too little, or not words."""
    words = sum(w for w, _t in counts)
    tokens = sum(t for _w, t in counts)
    if tokens == 0:
        return "it has no text layer (a scan or an image)"
    if words < tokens * _REAL_SHARE:
        return f"its text layer is not words ({tokens:,} marks, {words:,} of them words: bad OCR)"
    empty = sum(1 for w, _t in counts if w < _PAGE_WORDS)
    return f"{empty:,} of its {len(counts):,} pages have no text, only images (a scan)"
