"""How two editions of a text line up: a canonical form and a map of positions.

The canonical form is one in which differences that do not change the words vanish (line
endings, BOM, NFC/NFD, curly and straight quotes, dashes, no-break and re-flowed white
space, soft hyphens, case), with the maps between it and the original. The position map
takes a place in the old edition to where it is expected in the new one, from lines (or
words) found once in both, in the same order. Re-anchoring (`app.domain.anchoring`)
stands on both.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

MIN_ANCHOR_LINE = 20

_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
}  # fmt: skip
_DROP = frozenset("\ufeff\u00ad\u200b\u200c\u200d\u2060")
WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Canonical:
    """A text's canonical form and the maps between it and the original.

    Attributes:
        text: The canonical text.
        starts: For each canonical character, the original offset it comes from.
        ends: For each canonical character, the original offset just past its source.
        to_canonical: For each original offset 0..len, the canonical offset there.
    """

    text: str
    starts: list[int]
    ends: list[int]
    to_canonical: list[int]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty canonical span back to the original text."""
        return self.starts[start], self.ends[end - 1]


# A run of printable ASCII (but `) with single spaces between words, a run of white space,
# or one other character.
_RUNS = re.compile(r"[\x21-\x5f\x61-\x7e](?:[\x21-\x5f\x61-\x7e]| (?=[\x21-\x5f\x61-\x7e]))*|\s+|.", re.DOTALL)


def canonical(text: str) -> Canonical:
    """Return the canonical form of `text` with its offset maps.

    Runs of plain ASCII, the bulk of most texts, are lower-cased and mapped in one step
    each; only other characters are looked at one by one.
    """
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    to_canonical = [0] * (len(text) + 1)
    size = 0  # length of the canonical text so far
    last = ""  # its last character
    for match in _RUNS.finditer(text):
        i, j = match.span()
        run = match.group(0)
        first = run[0]
        if "!" <= first <= "~" and first != "`":  # copied as it is, lower-cased
            parts.append(run.lower())
            starts.extend(range(i, j))
            ends.extend(range(i + 1, j + 1))
            to_canonical[i:j] = range(size, size + j - i)
            size += j - i
            last = run[-1]
            continue
        to_canonical[i:j] = [size] * (j - i)
        if first.isspace():
            # Any run of white space is one space (none at the very start).
            if size and last != " ":
                parts.append(" ")
                starts.append(i)
                ends.append(j)
                size += 1
                last = " "
            continue
        if first in _DROP:
            continue
        if unicodedata.combining(first) and size and last != " ":
            # A combining mark composes with the character before it (NFD to NFC).
            composed = unicodedata.normalize("NFC", text[starts[-1] : j])
            if len(composed) == 1:
                folded = _fold(composed)
                parts[-1] = parts[-1][:-1] + folded
                ends[-1] = j
                to_canonical[i:j] = [size - 1] * (j - i)
                last = folded
                continue
        folded = _fold(unicodedata.normalize("NFC", first))
        parts.append(folded)
        starts.append(i)
        ends.append(j)
        size += 1
        last = folded
    to_canonical[len(text)] = size
    return Canonical("".join(parts), starts, ends, to_canonical)


def _fold(ch: str) -> str:
    """One character folded: quotes and dashes to ASCII, lower case when it stays one."""
    ch = _FOLD.get(ch, ch)
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


def _unique_words(text: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    repeated: set[str] = set()
    for match in WORD.finditer(text):
        word = match.group(0)
        if len(word) < 4:
            continue
        if word in seen:
            repeated.add(word)
        else:
            seen[word] = match.start()
    return {w: p for w, p in seen.items() if w not in repeated}


def _unique_lines(text: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    repeated: set[str] = set()
    offset = 0
    for line in text.split("\n"):
        if len(line) >= MIN_ANCHOR_LINE:
            if line in seen:
                repeated.add(line)
            else:
                seen[line] = offset
        offset += len(line) + 1
    return {line: p for line, p in seen.items() if line not in repeated}


class PositionMap:
    """Maps positions in the old text to expected ones in the new.

    Anchors are lines found exactly once in each text, or words when too few lines
    survived (a re-wrapped or re-encoded text); the longest chain of anchors in the
    same order in both is kept, so moved paragraphs do not bend the map.
    """

    def __init__(self, old: str, new: str) -> None:
        """Find the anchors between two texts."""
        old_lines, new_lines = _unique_lines(old), _unique_lines(new)
        pairs = sorted((p, new_lines[line]) for line, p in old_lines.items() if line in new_lines)
        if len(pairs) < max(3, len(old_lines) // 10):
            old_words, new_words = _unique_words(old), _unique_words(new)
            pairs = sorted((p, new_words[w]) for w, p in old_words.items() if w in new_words)
        chain = _longest_increasing(pairs)
        self._old = [0, *(p for p, _ in chain), len(old)]
        self._new = [0, *(q for _, q in chain), len(new)]
        self._new_length = len(new)

    def expected(self, old_position: int) -> int:
        """Return where an old position should be in the new text."""
        i = max(0, bisect_right(self._old, old_position) - 1)
        return min(self._new_length, max(0, self._new[i] + old_position - self._old[i]))


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of `pairs` (sorted by first) increasing in the second."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(pairs)
    for i, (_, q) in enumerate(pairs):
        k = bisect_right(tails, q)
        if k == len(tails):
            tails.append(q)
            tail_index.append(i)
        else:
            tails[k] = q
            tail_index[k] = i
        previous[i] = tail_index[k - 1] if k else -1
    chain: list[tuple[int, int]] = []
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        chain.append(pairs[i])
        i = previous[i]
    return chain[::-1]
