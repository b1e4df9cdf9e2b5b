"""A PDF's outline: bookmarks placed on the headings the pages print, or headings read from the type.

A bookmark points at a page, not a line: it is placed on the paragraph of that page that
reads as its title ("5.6.12 Version" for "Version"). A PDF without bookmarks (a Word
document saved as PDF, most scans) prints its headings larger than the body, or numbers
them as sections; those become its outline.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from app.importers.pdf_layout import LARGER, Line

# A heading printed as "12. Title", "5.6.12 Title" or "IV Title" still reads as the bookmark "Title";
# "All power" does not read as "Power".
_TITLE_NUMBER = re.compile(r"(?:(?:\d{1,3}(?:\.\d{1,3})*|[ivxlcdm]{1,6}|[a-z])[.):]?\s+)?")  # "5.6.12 ", "iv. "


def place_bookmarks(
    bookmarks: list[tuple[int, str]], paragraphs: list[str]
) -> tuple[list[tuple[int, str]], dict[int, int]]:
    """Find each bookmark of a page in its text: the paragraph that reads as its title.

    A bookmark points at a page, not a line, so one that cannot be found this way becomes
    a heading of its own at the top of the page.

    Returns:
        The bookmarks not found, and for each paragraph found, the heading level it takes.
    """
    unplaced: list[tuple[int, str]] = []
    levels: dict[int, int] = {}
    at = 0
    for level, title in bookmarks:
        wanted = " ".join(title.split()).casefold()
        found = next(
            (i for i in range(at, len(paragraphs)) if _reads_as(paragraphs[i].casefold(), wanted)),
            None,
        )
        if found is None:
            unplaced.append((level, title))
        else:
            levels[found] = level
            at = found + 1
    return unplaced, levels


def _reads_as(paragraph: str, title: str) -> bool:
    """Whether a paragraph (casefolded) is the title, perhaps after a number ("2.", "iv")."""
    if not title or not paragraph.endswith(title):
        return False
    return _TITLE_NUMBER.fullmatch(paragraph[: len(paragraph) - len(title)]) is not None


# Labels printed above a chapter's title: "CHAPTER", "ONE", "Section 2:".
CHAPTER_LABEL = re.compile(
    r"(?:chapter|part|book|appendix|section)?\s*(?:\d{1,3}|[ivxlcdm]{1,6}|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|[a-z])?:?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph rebuilt from a page's lines: its text, its smallest type, how many lines it took."""

    text: str
    size: float
    lines: int


# Without bookmarks, a heading is a short block (two lines at most) in type larger than the
# body's, or a line numbered as a section ("2.1 The File Menu", "2.1.12 Page Setup...").
_HEADING_CHARS = 100
_NUMBERED = re.compile(r"(\d{1,2}(?:\.\d{1,3}){1,4})\.?\s+[^\W\d_].*")
_NOT_A_TITLE = re.compile(r"(?<!\.\.)[.,;]$|\.{4}")  # a sentence's end, or a contents line's dot leaders


class PrintedHeadings:
    """The headings a PDF without bookmarks prints, and their levels.

    A numbered section line takes the level of its number ("2.1" is 2, "2.1.12" is 3);
    another heading the rank of its type size among the headings' sizes, the largest 1.
    """

    def __init__(self, lines: list[Line], body: float) -> None:
        """Learn the headings' sizes from the document's lines, set larger than the `body` size."""
        self._body = body
        # A size only one line is set in (a cover's title) takes no rank of its own.
        used = Counter(
            round(line.size) for line in lines if self._large(line.size) and len(line.text) <= _HEADING_CHARS
        )
        self._sizes = sorted((size for size, count in used.items() if count > 1), reverse=True)

    def _large(self, size: float) -> bool:
        return self._body > 0 and size >= self._body * LARGER

    def levels(self, blocks: list[Block], paragraphs: list[str]) -> dict[int, int]:
        """Return the heading level of each block of a page that is a heading.

        A label printed above a title ("Section 2:") is put in front of it in `paragraphs`,
        and its own paragraph emptied.
        """
        levels: dict[int, int] = {}
        for n, block in enumerate(blocks):
            text = block.text
            if len(text) > _HEADING_CHARS or block.lines > 2 or _NOT_A_TITLE.search(text):
                continue
            numbered = _NUMBERED.fullmatch(text)
            if numbered and block.lines == 1 and block.size >= self._body / LARGER:
                levels[n] = numbered.group(1).count(".") + 1
            elif self._large(block.size):
                levels[n] = self._sizes.index(round(block.size)) + 1 if round(block.size) in self._sizes else 1
        for n in sorted(levels):
            if n + 1 in levels and levels.get(n - 1) is None and CHAPTER_LABEL.fullmatch(paragraphs[n]):
                paragraphs[n], paragraphs[n + 1] = "", f"{paragraphs[n]} {paragraphs[n + 1]}"
                levels[n + 1] = min(levels[n], levels[n + 1])
                del levels[n]
        return levels
