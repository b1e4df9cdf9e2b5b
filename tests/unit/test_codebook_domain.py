"""Pure codebook functions: fuzzy finding, filters, statistics, readable colours."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.codebook import (
    CodebookFileError,
    CodebookFormat,
    chapter_sections,
    descendants,
    even_sections,
    map_rows,
    parse_codebook,
    rank_themes,
    statistics,
)
from app.domain.colours import (
    MARGIN,
    MIN_CONTRAST,
    PAGE_THEMES,
    ColourError,
    composite,
    contrast,
    parse_hex,
    readable_variant,
)
from app.domain.highlight_filter import Combine, ThemeFilter, filter_highlights
from app.domain.structure import Heading, Structure
from app.domain.tags import PALETTE, UNTAGGED_COLOUR
from app.domain.values import Highlight, Tag

POWER = Tag(1, "power", "power", None, "#f7d038")
SOVIETS = Tag(2, "soviets", "power/soviets", 1, "#f7d038")
ECONOMY = Tag(3, "economy", "economy", None, "#7cc6fe")
WORKERS = Tag(4, "workers control", "economy/workers control", 3, "#7cc6fe")
WAR = Tag(5, "war", "war", None, "#98df8a")
TAGS = [POWER, SOVIETS, ECONOMY, WORKERS, WAR]
NOW = datetime(2026, 11, 25)


def _h(hid: int, start: int, tags: tuple[Tag, ...], exact: str = "words", note: str = "") -> Highlight:
    return Highlight(hid, 1, 1, start, start + len(exact), exact, "", "", note, tags, NOW, NOW)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("sov", "power/soviets"),
        ("SOVIETS", "power/soviets"),
        ("pw sov", "power/soviets"),
        ("work ctrl", "economy/workers control"),
        ("wrkers", "economy/workers control"),
        ("econ", "economy"),
        ("war", "war"),
    ],
)
def test_palette_finds_themes_by_fragments(typed: str, first: str) -> None:
    assert rank_themes(typed, TAGS)[0].path == first


def test_palette_drops_themes_that_do_not_match_and_lists_all_when_empty() -> None:
    assert rank_themes("zzz", TAGS) == []
    assert [t.path for t in rank_themes("", TAGS)] == sorted(t.path for t in TAGS)


HIGHLIGHTS = [
    _h(1, 0, (SOVIETS,), "All power to the Soviets"),
    _h(2, 30, (WORKERS, WAR), "control of production", note="cf. factory committees"),
    _h(3, 60, ()),
    _h(4, 90, (POWER,), "dual power"),
]


@pytest.mark.parametrize(
    ("chosen", "ids"),
    [
        (ThemeFilter(), [1, 2, 3, 4]),
        (ThemeFilter(themes=(1,)), [1, 4]),  # sub-themes included
        (ThemeFilter(themes=(2,)), [1]),
        (ThemeFilter(themes=(3, 5), combine=Combine.ALL), [2]),
        (ThemeFilter(themes=(1, 5), combine=Combine.ALL), []),
        (ThemeFilter(themes=(1, 5), combine=Combine.ANY), [1, 2, 4]),
        (ThemeFilter(untagged=True), [3]),
        (ThemeFilter(text="POWER"), [1, 4]),
        (ThemeFilter(text="factory"), [2]),  # notes count
        (ThemeFilter(themes=(1,), text="dual"), [4]),
    ],
)
def test_panel_filters(chosen: ThemeFilter, ids: list[int]) -> None:
    assert [h.id for h in filter_highlights(HIGHLIGHTS, chosen, descendants(TAGS))] == ids


def test_statistics_count_co_occurrence_and_spread() -> None:
    text = "a" * 40 + "\n\n" + "b" * 40 + "\n\n" + "c" * 40
    highlights = [
        _h(1, 0, (SOVIETS, WAR)),
        _h(2, 10, (WAR,)),
        _h(3, 42, (SOVIETS,)),
        _h(4, 50, (WORKERS,)),
        _h(5, 90, (WAR, WORKERS)),
    ]
    sections = even_sections(text, 3)
    assert [(s.start, s.end) for s in sections] == [(0, 42), (42, 84), (84, 124)]
    stats = statistics(text, highlights, sections)
    assert [(t.path, n) for t, n in stats.counts] == [("war", 3), ("economy/workers control", 2), ("power/soviets", 2)]
    assert stats.same_highlight == {("power/soviets", "war"): 1, ("economy/workers control", "war"): 1}
    assert stats.same_paragraph == {
        ("power/soviets", "war"): 1,
        ("economy/workers control", "power/soviets"): 1,
        ("economy/workers control", "war"): 1,
    }
    assert stats.distribution["war"] == [2, 0, 1]
    assert stats.distribution["power/soviets"] == [1, 1, 0]


def test_sections_follow_the_chapters_when_a_text_has_them() -> None:
    text = "Preface\n\nChapter One\n\nWords.\n\nChapter Two with a very long title indeed\n\nMore."
    one, two = text.index("Chapter One"), text.index("Chapter Two")
    structure = Structure(
        headings=(
            Heading(one, 1, "Chapter One"),
            Heading(text.index("Words"), 2, "Words."),
            Heading(two, 1, "Chapter Two with a very long title indeed"),
        )
    )
    sections = chapter_sections(text, structure)
    assert [(s.label, s.start, s.end) for s in sections] == [
        ("(before)", 0, one),
        ("Chapter One", one, two),
        ("Chapter Two with a very…", two, len(text)),
    ]
    only_one = Structure(headings=(Heading(one, 1, "Chapter One"),))
    assert chapter_sections(text, only_one) == even_sections(text)  # one chapter says nothing
    assert chapter_sections(text, Structure()) == even_sections(text)


def test_broken_codebook_files_say_where() -> None:
    with pytest.raises(CodebookFileError, match="line 3"):
        parse_codebook("theme,colour\npower,#f7d038\nwar,red\n", CodebookFormat.CSV)
    with pytest.raises(CodebookFileError, match="theme"):
        parse_codebook("name,colour\npower,#f7d038\n", CodebookFormat.CSV)
    with pytest.raises(CodebookFileError, match="no themes"):
        parse_codebook("# Codebook\n\nNothing here.\n", CodebookFormat.MARKDOWN)
    with pytest.raises(CodebookFileError, match=r"line 3.*empty part"):
        parse_codebook("# Codebook\n\n## power//soviets\n", CodebookFormat.MARKDOWN)


def test_hand_written_markdown_codebook() -> None:
    entries = parse_codebook(
        "## power ##\n\nWho decides.\n\n## power / soviets\nColour: #7CC6FE\n", CodebookFormat.MARKDOWN
    )
    assert [(e.path, e.colour, e.description) for e in entries] == [
        ("power", None, "Who decides."),
        ("power/soviets", "#7cc6fe", ""),
    ]


# Colours ---------------------------------------------------------------------------

LIGHT = ("#ffffff", "#000000")  # page, text
DARK = ("#1e1e1e", "#ffffff")
hex_colours = st.integers(0, 0xFFFFFF).map(lambda v: f"#{v:06x}")


def test_contrast_matches_wcag_examples() -> None:
    assert contrast(parse_hex("#000000"), parse_hex("#ffffff")) == pytest.approx(21)
    assert contrast(parse_hex("#777777"), parse_hex("#ffffff")) == pytest.approx(4.48, abs=0.01)
    with pytest.raises(ColourError, match="#rrggbb"):
        parse_hex("red")


@pytest.mark.parametrize(("page", "text"), [LIGHT, DARK])
def test_palette_overlaps_stay_readable(page: str, text: str) -> None:
    variants = [parse_hex(readable_variant(c, page, text)) for c in PALETTE]
    for a in variants:
        for b in variants:
            for layers in ([a], [a, b], [a, b, variants[0]]):
                assert contrast(composite(parse_hex(page), layers), parse_hex(text)) >= MIN_CONTRAST


@pytest.mark.parametrize(("page", "text"), [LIGHT, DARK, ("#fffdf8", "#1f1f1f"), ("#2b2b2b", "#e6e6e6")])
@given(colours=st.lists(hex_colours, min_size=1, max_size=3))
def test_any_colours_overlapping_stay_readable(page: str, text: str, colours: list[str]) -> None:
    layers = [parse_hex(readable_variant(c, page, text)) for c in colours]
    assert contrast(composite(parse_hex(page), layers), parse_hex(text)) >= MIN_CONTRAST


@given(hex_colours)
def test_readable_colours_are_left_alone(colour: str) -> None:
    if contrast(parse_hex(colour), parse_hex("#000000")) >= MIN_CONTRAST + MARGIN:
        assert readable_variant(colour, *LIGHT) == colour


def _reference_map_rows(highlights: list[Highlight], length: int, height: int) -> dict[int, list[str]]:
    """Each row: the first three different colours of the highlights that reach it."""
    rows: dict[int, list[str]] = {}
    scale = height / length  # as the map scales, so that rounding agrees
    for y in range(height):
        here: list[str] = []
        for h in highlights:
            first = int(h.start * scale)
            last = min(height - 1, int((h.end - 1) * scale))
            if first <= y <= max(first, last):
                for colour in [t.colour for t in h.tags] or ["#9a9a9a"]:
                    if colour not in here and len(here) < 3:
                        here.append(colour)
        if here:
            rows[y] = here
    return rows


@given(
    st.lists(
        st.tuples(st.integers(0, 299), st.integers(1, 80), st.lists(st.sampled_from(TAGS), max_size=3, unique=True)),
        max_size=40,
    ),
    st.integers(1, 60),
)
def test_theme_map_rows_show_the_first_three_colours_reaching_each_row(
    spans: list[tuple[int, int, list[Tag]]], height: int
) -> None:
    length = 400
    highlights = [_h(i, start, tuple(tags), "x" * size) for i, (start, size, tags) in enumerate(spans)]
    assert map_rows(highlights, length, height, 3, "#9a9a9a") == _reference_map_rows(highlights, length, height)


@pytest.mark.parametrize("theme", sorted(PAGE_THEMES))
def test_every_page_theme_reads_at_7_to_1_and_its_highlights_at_4_5_overlaps_included(theme: str) -> None:
    page, text = PAGE_THEMES[theme]
    assert contrast(parse_hex(page), parse_hex(text)) >= 7
    variants = [parse_hex(readable_variant(c, page, text)) for c in (*PALETTE, UNTAGGED_COLOUR)]
    for a in variants:
        for b in variants:
            for layers in ([a], [a, b], [a, b, variants[0]]):
                assert contrast(composite(parse_hex(page), layers), parse_hex(text)) >= MIN_CONTRAST
