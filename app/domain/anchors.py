"""Text-quote anchors: the quote of a highlight and the context around it.

A highlight stores its code-point span and, after the W3C Web Annotation model, the
TextQuoteSelector triple (exact, prefix, suffix), so that it can be found again in a
corrected edition of the text.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT_CHARS = 32


@dataclass(frozen=True, slots=True)
class Quote:
    """The TextQuoteSelector of a span: the quoted text and its surroundings."""

    exact: str
    prefix: str
    suffix: str


def quote_of(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> Quote:
    """Return the quote of `text[start:end]` with up to `context` characters either side.

    Args:
        text: The stored (normalised) text.
        start: First code point of the span.
        end: One past the last code point of the span.
        context: How many characters of prefix and suffix to keep.

    Raises:
        ValueError: If the span is empty or outside the text.
    """
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span [{start}, {end}) is not inside a text of {len(text)} characters")
    return Quote(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a selected span so that it neither starts nor ends with white space.

    A reader who drags over a line end or double-clicks a word with its trailing space
    means the words, not the blanks; quotes and exports read better without them.
    Returns the span unchanged when it holds nothing but white space.
    """
    s, e = start, end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if s < e else (start, end)
