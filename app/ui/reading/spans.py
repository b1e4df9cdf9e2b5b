"""The reader's painted highlights in text order, indexed so that a screenful is found at once."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import accumulate

from PySide6.QtGui import QColor


@dataclass(frozen=True, slots=True)
class Span:
    """One highlight as the reader paints it."""

    start: int  # UTF-16 positions: the overlay works in Qt's units.
    end: int
    colour: QColor
    highlight_id: int
    theme_colour: str | None  # the theme's own colour, for choosing the variant again

    @property
    def key(self) -> tuple[int, int, int]:
        """Where the span sorts: by start, then end, then id."""
        return (self.start, self.end, self.highlight_id)


class SpanIndex:
    """Spans sorted by start, beside a running maximum of their ends.

    What overlaps a range is then found by walking back from the range's end only as far
    as a span could still reach into it, and an insertion or removal repairs the running
    maximum only up to the first entry it leaves unchanged: both cost what the screen or
    the change holds, not what the document holds.
    """

    def __init__(self) -> None:
        """Start empty."""
        self._spans: list[Span] = []
        self._keys: list[tuple[int, int, int]] = []
        self._key_of: dict[int, tuple[int, int, int]] = {}  # highlight id -> its key in _keys
        self._max_end: list[int] = []

    def __len__(self) -> int:
        """How many spans there are."""
        return len(self._spans)

    def replace_all(self, spans: Iterable[Span]) -> None:
        """Hold these spans (in any order) and no others."""
        self._spans = sorted(spans, key=lambda s: s.key)
        self._keys = [s.key for s in self._spans]
        self._key_of = {key[2]: key for key in self._keys}
        self._max_end = list(accumulate((s.end for s in self._spans), max))

    def put(self, span: Span) -> None:
        """Add a span, or replace the one with its highlight id."""
        key = self._key_of.get(span.highlight_id)
        if key == span.key:
            self._spans[bisect_left(self._keys, key)] = span  # its colour changed, not its place
            return
        self.remove(span.highlight_id)
        index = bisect_left(self._keys, span.key)
        self._spans.insert(index, span)
        self._keys.insert(index, span.key)
        self._key_of[span.highlight_id] = span.key
        self._max_end.insert(index, -1)
        self._repair_max_end(index)

    def remove(self, highlight_id: int) -> None:
        """Drop the span of a highlight, if there is one."""
        key = self._key_of.pop(highlight_id, None)
        if key is None:
            return
        index = bisect_left(self._keys, key)
        del self._spans[index]
        del self._keys[index]
        del self._max_end[index]
        self._repair_max_end(index)

    def recolour(self, colour_of: Callable[[str | None], QColor]) -> None:
        """Give every span the colour `colour_of` picks for its theme colour."""
        self._spans = [replace(s, colour=colour_of(s.theme_colour)) for s in self._spans]

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans that intersect `[start, end)`, in text order."""
        idx = bisect_left(self._keys, (end,))
        found: list[Span] = []
        i = idx - 1
        # The running maximum of ends is non-decreasing, so once it falls at or before
        # `start`, no earlier span can reach into the range.
        while i >= 0 and self._max_end[i] > start:
            if self._spans[i].end > start:
                found.append(self._spans[i])
            i -= 1
        found.reverse()
        return found

    def _repair_max_end(self, index: int) -> None:
        """Fix the running maximum of ends after a span was inserted or removed at `index`.

        Each entry depends only on the previous entry and its own span, so the first
        entry after `index` that comes out unchanged means all later ones are too.
        """
        running = self._max_end[index - 1] if index > 0 else 0
        for j in range(index, len(self._spans)):
            running = max(running, self._spans[j].end)
            if j > index and self._max_end[j] == running:
                break
            self._max_end[j] = running
