"""A document's structure: headings and printed pages, as offsets into its stored text.

Importers build the text block by block with `TextBuilder`, which records where each
heading and page begins in the very string that is stored; the outline, the reader's
"jump to heading" and export citations read those offsets back.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from app.domain.text import normalise

_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n[ \t]*\n[\s]*")
MAX_HEADING_LEVEL = 6


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading: where it starts in the text, its level (1 = chapter) and its words."""

    start: int
    level: int
    title: str


@dataclass(frozen=True, slots=True)
class Page:
    """Where a printed page starts in the text, and its label ("12", "xiv")."""

    start: int
    label: str


@dataclass(frozen=True, slots=True)
class Structure:
    """The headings and pages of one stored text, each in text order."""

    headings: tuple[Heading, ...] = ()
    pages: tuple[Page, ...] = ()
    _heading_starts: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)
    _page_starts: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Index the starts once: citations look up thousands of offsets."""
        object.__setattr__(self, "_heading_starts", tuple(h.start for h in self.headings))
        object.__setattr__(self, "_page_starts", tuple(p.start for p in self.pages))

    def __bool__(self) -> bool:
        """True if the text has any heading or page."""
        return bool(self.headings or self.pages)

    def heading_at(self, offset: int) -> Heading | None:
        """Return the heading whose section holds `offset` (the nearest one before it)."""
        i = bisect_right(self._heading_starts, offset)
        return self.headings[i - 1] if i else None

    def chapter_at(self, offset: int) -> Heading | None:
        """Return the top-level heading (the shallowest level in the text) above `offset`."""
        if not self.headings:
            return None
        top = min(h.level for h in self.headings)
        i = bisect_right(self._heading_starts, offset)
        return next((h for h in reversed(self.headings[:i]) if h.level == top), None)

    def page_at(self, offset: int) -> str:
        """Return the label of the page holding `offset`, or "" for a text without pages."""
        i = bisect_right(self._page_starts, offset)
        return self.pages[i - 1].label if i else ""

    def go_to(self, typed: str, length: int) -> int | None:
        """Return where "Go to" leads: "40%" a share of the text, "12" a page label, or None.

        In a text without pages a bare number is a percentage. A page label is matched as
        printed ("xiv", "12"), ignoring case and a leading "p.".
        """
        asked = typed.strip().lower()
        wanted = asked.removeprefix("p.").removeprefix("page").strip()
        page_asked = wanted != asked  # "p. 7" is a page, never a share of the text
        percent = wanted.removesuffix("%").strip()
        if wanted.endswith("%") or (not self.pages and not page_asked and percent.replace(".", "", 1).isdigit()):
            try:
                share = float(percent)
            except ValueError:
                return None
            return None if not 0 <= share <= 100 else min(max(0, length - 1), int(length * share / 100))
        return next((page.start for page in self.pages if page.label.lower() == wanted), None)

    def to_json(self) -> str:
        """Return the structure as compact JSON ("" when there is none)."""
        if not self:
            return ""
        return json.dumps(
            {
                "headings": [[h.start, h.level, h.title] for h in self.headings],
                "pages": [[p.start, p.label] for p in self.pages],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, data: str) -> Structure:
        """Read `to_json`'s output back; "" is the empty structure.

        Raises:
            ValueError: If `data` is not such JSON.
        """
        if not data:
            return cls()
        try:
            raw = json.loads(data)
            headings = tuple(Heading(int(s), int(level), str(t)) for s, level, t in raw["headings"])
            pages = tuple(Page(int(s), str(label)) for s, label in raw["pages"])
        except (TypeError, KeyError, ValueError) as exc:
            raise ValueError(f"not a document structure: {exc}") from exc
        return cls(headings=headings, pages=pages)

    def fits(self, text: str) -> bool:
        """Return True if every offset lies inside `text`, in order."""
        starts = [*self._heading_starts, *self._page_starts]
        return all(0 <= s <= len(text) for s in starts) and (
            list(self._heading_starts) == sorted(self._heading_starts)
            and list(self._page_starts) == sorted(self._page_starts)
        )


def tidy(words: str) -> str:
    """Collapse runs of spaces and line breaks inside one block of markup text to one space."""
    return _SPACES.sub(" ", " ".join(words.split("\n"))).strip()


class TextBuilder:
    """Builds a stored text from blocks, recording where headings and pages start.

    Blocks are separated by one blank line. Each block is normalised on its own, so the
    recorded offsets are offsets into the final, normalised text.
    """

    def __init__(self) -> None:
        """Start an empty text."""
        self._parts: list[str] = []
        self._length = 0
        self._headings: list[Heading] = []
        self._pages: list[Page] = []

    @property
    def empty(self) -> bool:
        """True while no block has been added."""
        return not self._parts

    @property
    def last_block(self) -> str:
        """The block added last ("" before any)."""
        return self._parts[-1] if self._parts else ""

    def _add(self, block: str) -> int:
        if self._parts:
            self._parts.append("\n\n")
            self._length += 2
        start = self._length
        self._parts.append(block)
        self._length += len(block)
        return start

    def paragraph(self, text: str) -> None:
        """Add a paragraph (line breaks inside it are kept; blank lines are squeezed)."""
        block = normalise(text)
        if "\n" in block:
            block = _BLANK_LINES.sub("\n", block).strip("\n")
        if block.strip():
            self._add(block)

    def continue_paragraph(self, text: str, label: str, *, joined: bool = False) -> None:
        """Carry the last block on over a page break: `text` follows it, the page `label` starting there.

        A sentence cut by a page break then reads as one. With `joined`, `text` goes on
        without a space (a word broken at the hyphen that ends the page before).
        """
        more = normalise(text).strip()
        if not self._parts or not more:
            self.page(label)
            self.paragraph(text)
            return
        gap = "" if joined else " "
        self._parts[-1] += gap + more
        self._pages.append(Page(self._length + len(gap), label))
        self._length += len(gap) + len(more)

    def heading(self, level: int, text: str) -> None:
        """Add a heading of `level` (1-6; out-of-range levels are clamped)."""
        title = tidy(normalise(text))
        if title:
            level = min(max(level, 1), MAX_HEADING_LEVEL)
            self._headings.append(Heading(self._add(title), level, title))

    def page(self, label: str) -> None:
        """Mark that the next block starts the page `label`."""
        start = self._length + (2 if self._parts else 0)
        if self._pages and self._pages[-1].start == start:
            self._pages[-1] = Page(start, label)
        else:
            self._pages.append(Page(start, label))

    def build(self) -> tuple[str, Structure]:
        """Return the text and its structure."""
        text = "".join(self._parts)
        pages = [p for p in self._pages if p.start < len(text)] if text else []
        return text, Structure(headings=tuple(self._headings), pages=tuple(pages))
