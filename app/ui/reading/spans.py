"""The reader's highlights in text order, indexed so that a screenful is found at once."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate

# A highlight as the index holds it: (start, end, id) in code points, which is also its
# place in text order. Colours and Qt's UTF-16 positions are worked out only for the
# spans on the screen: doing so for every highlight made opening a document of 100,000
# highlights spend half a second on spans that were never painted.
Key = tuple[int, int, int]


class SpanIndex:
    """Highlight spans sorted by start, beside a running maximum of their ends.

    What overlaps a range is then found by walking back from the range's end only as far
    as a span could still reach into it, and an insertion or removal repairs the running
    maximum only up to the first entry it leaves unchanged: both cost what the screen or
    the change holds, not what the document holds.
    """

    def __init__(self) -> None:
        """Start empty."""
        self._keys: list[Key] = []
        self._key_of: dict[int, Key] = {}  # highlight id -> its key
        self._max_end: list[int] = []

    def replace_all(self, keys: Iterable[Key]) -> None:
        """Hold these spans (in any order; text order costs least) and no others."""
        self._keys = sorted(keys)
        self._key_of = {key[2]: key for key in self._keys}
        self._max_end = list(accumulate((key[1] for key in self._keys), max))

    def put(self, key: Key) -> None:
        """Add a highlight's span, or move it to where `key` says."""
        if self._key_of.get(key[2]) == key:
            return
        self.remove(key[2])
        index = bisect_left(self._keys, key)
        self._keys.insert(index, key)
        self._key_of[key[2]] = key
        self._max_end.insert(index, -1)
        self._repair_max_end(index)

    def remove(self, highlight_id: int) -> None:
        """Drop the span of a highlight, if there is one."""
        key = self._key_of.pop(highlight_id, None)
        if key is None:
            return
        index = bisect_left(self._keys, key)
        del self._keys[index]
        del self._max_end[index]
        self._repair_max_end(index)

    def span_of(self, highlight_id: int) -> Key | None:
        """The span held for a highlight, if any."""
        return self._key_of.get(highlight_id)

    def overlapping(self, start: int, end: int) -> list[Key]:
        """The spans that intersect `[start, end)`, in text order."""
        i = bisect_left(self._keys, (end,)) - 1
        found: list[Key] = []
        # The running maximum of ends is non-decreasing, so once it falls at or before
        # `start`, no earlier span can reach into the range.
        while i >= 0 and self._max_end[i] > start:
            if self._keys[i][1] > start:
                found.append(self._keys[i])
            i -= 1
        found.reverse()
        return found

    def _repair_max_end(self, index: int) -> None:
        """Fix the running maximum of ends after a span was inserted or removed at `index`.

        Each entry depends only on the previous entry and its own span, so the first
        entry after `index` that comes out unchanged means all later ones are too.
        """
        running = self._max_end[index - 1] if index > 0 else 0
        for j in range(index, len(self._keys)):
            running = max(running, self._keys[j][1])
            if j > index and self._max_end[j] == running:
                break
            self._max_end[j] = running
