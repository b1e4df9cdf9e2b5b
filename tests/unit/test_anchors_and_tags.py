"""Quote selectors, selection trimming and theme paths."""

from __future__ import annotations

import pytest

from app.domain.anchors import CONTEXT_CHARS, quote_of, trim_span
from app.domain.tags import PALETTE, TagPathError, palette_colour, parse_tag_path

TEXT = "x" * 40 + "THE QUOTE" + "y" * 40


def test_quote_keeps_context_either_side() -> None:
    q = quote_of(TEXT, 40, 49)
    assert q.exact == "THE QUOTE"
    assert q.prefix == "x" * CONTEXT_CHARS
    assert q.suffix == "y" * CONTEXT_CHARS


def test_quote_at_the_edges_has_short_context() -> None:
    q = quote_of("abc def", 0, 3)
    assert (q.prefix, q.exact, q.suffix) == ("", "abc", " def")
    q = quote_of("abc def", 4, 7)
    assert (q.prefix, q.exact, q.suffix) == ("abc ", "def", "")


@pytest.mark.parametrize(("start", "end"), [(3, 3), (5, 2), (-1, 2), (0, 8)])
def test_quote_rejects_empty_or_outside_spans(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="not inside"):
        quote_of("abc def", start, end)


def test_trim_span_drops_surrounding_white_space_only() -> None:
    text = "one  two \n three"
    assert trim_span(text, 3, 11) == (5, 8)
    assert trim_span(text, 3, 12) == (5, 12)
    assert trim_span(text, 3, 5) == (3, 5)  # only blanks: left as chosen


def test_parse_tag_path_accepts_hashtags_and_spaces() -> None:
    assert parse_tag_path("#power / soviets ") == ("power", "soviets")
    assert parse_tag_path("class   struggle") == ("class struggle",)


@pytest.mark.parametrize("raw", ["", "  ", "#", "power//soviets", "/power", "power/"])
def test_parse_tag_path_rejects_empty_names(raw: str) -> None:
    with pytest.raises(TagPathError):
        parse_tag_path(raw)


def test_palette_cycles() -> None:
    assert palette_colour(0) == PALETTE[0]
    assert palette_colour(len(PALETTE)) == PALETTE[0]
    assert len(set(PALETTE)) == len(PALETTE)
