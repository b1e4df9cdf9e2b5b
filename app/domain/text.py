"""Text normalisation and the code-point/UTF-16 offset rules.

Every stored text is normalised once, at import, and offsets are Python code-point
indices into that stored string. Qt counts UTF-16 code units instead, so the two are
converted only at the Qt edge, through `Utf16Map`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left, bisect_right

_BOM = "\ufeff"
# CRLF first so that it becomes one LF, then lone CR, then the Unicode line and
# paragraph separators, which Qt and most editors would otherwise show as breaks
# that the stored text does not have.
_LINE_BREAKS = re.compile("\r\n|\r|\u2028|\u2029")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def normalise(text: str) -> str:
    """Return `text` in the form Marginalia stores.

    A leading BOM is dropped, CRLF, CR, U+2028 and U+2029 become LF, and the result is
    in Unicode NFC. Nothing else is changed: no-break spaces, curly quotes and trailing
    blank lines are the author's and stay.

    Args:
        text: Decoded text as it came from a file or the clipboard.

    Returns:
        The normalised text.
    """
    if text.startswith(_BOM):
        text = text[1:]
    # Most texts have none of these: three scans for a character are some forty times
    # quicker than the regular expression finding nothing.
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        text = _LINE_BREAKS.sub("\n", text)
    return unicodedata.normalize("NFC", text)


def word_count(text: str) -> int:
    """Return the number of words in `text`, counted as word processors count them.

    A word is a run of characters between white space, so "workers’" and "self-rule"
    are one each. It is also three times faster on a book than a word pattern. The
    database migration 0004 counts the same way.
    """
    return len(text.split())


def sha256_hex(text: str) -> str:
    """Return the SHA-256 of `text` encoded as UTF-8, as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Utf16Map:
    """Converts between code-point offsets and UTF-16 positions for one text.

    Only astral characters (above U+FFFF) differ: each is one code point and two UTF-16
    units. The map keeps their sorted positions, so a conversion is one binary search.
    """

    __slots__ = ("_astral_cp", "_astral_u16", "length", "length_u16")

    def __init__(self, text: str) -> None:
        """Index the astral characters of `text`."""
        self._astral_cp = [m.start() for m in _ASTRAL.finditer(text)]
        # The UTF-16 position of the i-th astral character is its code-point index
        # plus the i surrogate halves that precede it.
        self._astral_u16 = [cp + i for i, cp in enumerate(self._astral_cp)]
        self.length = len(text)
        self.length_u16 = self.length + len(self._astral_cp)

    def to_utf16(self, cp: int) -> int:
        """Return the UTF-16 position of code-point offset `cp`."""
        return cp + bisect_left(self._astral_cp, cp)

    def to_codepoint(self, u16: int) -> int:
        """Return the code-point offset of UTF-16 position `u16`.

        A position between the two halves of a surrogate pair (Qt never puts a cursor
        there, but a caller might compute one) maps to the end of that character.
        """
        whole_pairs_before = bisect_right(self._astral_u16, u16 - 2)
        return u16 - whole_pairs_before


def plural(count: int, noun: str) -> str:
    """Return "1 highlight", "2 highlights": the count and the noun, plural when it is not one."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def excerpt(text: str, limit: int = 40) -> str:
    """Flatten white space and cut `text` to `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
