"""Quotes written as Markdown read back exactly; tags are Obsidian tags."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from app.domain.markdown import hashtag, hashtags, note_markdown, quote_block, yaml_string
from tests.markdown_reader import READERS, blockquotes


@pytest.mark.parametrize(
    "quote",
    [
        "plain words",
        "one line\nnext line",
        "first paragraph\n\nsecond paragraph",
        "two blank lines\n\n\nbetween",
        "\nstarts with a newline",
        "ends with a newline\n",
        "\n",
        "\n\n\n",
        "# not a heading\n> not a quote\n- not a list\n1. not numbered\n2) nor this",
        "*not emphasis* _nor this_ **nor** `code` [link](x) ![img](y) <b>html</b> <http://x.org>",
        "trailing spaces  \nand a backslash \\\nand \\*escaped\\*",
        "    indented four\n\ttabbed",
        "===\n---\n***\n___\n~~~\n```",
        "AT&T &amp; &#169; &copy; 5 < 6 > 4",
        "Obsidian: #tag $math$ ==mark== %%comment%% ~~strike~~ [[wiki]] ^block-id",
        "\u00a0no-break at the edges\u00a0",
        "emoji 👩‍🔬 and combining e\u0301 and 𝔸",
        "| a | b |\n| --- | --- |\n| 1 | 2 |",
        "&#10; literally",
        "\x0cform feed at the edges\x0c",
        "| a | b |\n|---|---|",
        "~~~x~~~ ===y=== %%%z%%% ~~~~",
        "see https://example.org/x_y and https://example.org/a*b_c_. (also http://x.org/~u)",
        "mail a@b.org or <https://example.org/q?a=1&b=2>",
    ],
)
@pytest.mark.parametrize("reader", ["commonmark", "gfm"])
def test_quote_reads_back_exactly(quote: str, reader: str) -> None:
    assert blockquotes(quote_block(quote) + "\n", reader) == [quote]


def test_ordinary_prose_stays_readable() -> None:
    quote = "All power to the Soviets!\n\nThe peasants’ land, 1917 — “now”."
    assert quote_block(quote) == "> All power to the Soviets!\n>\n> The peasants’ land, 1917 — “now”."


# Control characters other than tab, line feed and form feed cannot be carried by
# Markdown at the edge of a line: CommonMark and HTML replace numeric references to them
# with U+FFFD, and markdown-it-py strips them as white space when written raw. They are
# not prose, so the property covers every other character (CR never survives import).
_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"], whitelist_characters="\t\n\x0c"), max_size=80)


# Hostile prose: the characters Markdown dialects give meaning to, often, in runs.
_HOSTILE = st.lists(
    st.one_of(
        st.sampled_from([*"|-~=%*_`#>[]()<>!^$&\\:/. \n", "https://", "www.", "@", "---", "|---|"]),
        st.characters(blacklist_categories=["Cs", "Cc"]),
    ),
    max_size=40,
).map("".join)


@given(st.one_of(_TEXT, _HOSTILE))
def test_any_quote_reads_back_exactly(quote: str) -> None:
    assert blockquotes(quote_block(quote) + "\n") == [quote]
    assert blockquotes(quote_block(quote) + "\n", "gfm") == [quote]


@given(st.lists(_TEXT.filter(bool), min_size=2, max_size=4))
def test_quotes_separated_by_a_blank_line_stay_apart(quotes: list[str]) -> None:
    document = "\n\n".join(quote_block(q) + "\n\n^hl-1" for q in quotes) + "\n"
    assert blockquotes(document) == quotes


@pytest.mark.parametrize(
    ("path", "tag"),
    [
        ("power/soviets", "#power/soviets"),
        ("economy/workers control", "#economy/workers-control"),
        ("class (urban)/1917", "#class-urban/1917"),
        ("1917", "#_1917"),
        ("власть/советы", "#власть/советы"),
    ],
)
def test_hashtags_are_obsidian_tags(path: str, tag: str) -> None:
    assert hashtag(path) == tag


@pytest.mark.parametrize(
    "value",
    [
        'A "quoted" title: with colon\nand # hash — ünïcode',
        "C1 \x85 NEL \x9c and \u2028 line \u2029 paragraph \ufffe \uffff \x01 \x7f",
    ],
)
def test_yaml_string_parses_back(value: str) -> None:
    assert yaml.safe_load(f"title: {yaml_string(value)}") == {"title": value}


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40))
def test_any_title_survives_the_front_matter(value: str) -> None:
    assert yaml.safe_load(f"title: {yaml_string(value)}\nnext: 1\n") == {"title": value, "next": 1}


def test_distinct_themes_get_distinct_tags_and_emoji_stay() -> None:
    tags = hashtags(["C++", "C", "c", "???", "!!!", "mood/✊🏽"])
    assert len({t.casefold() for t in tags.values()}) == 6
    assert tags["C"] == "#C" and tags["C++"] == "#C-2"
    assert tags["mood/✊🏽"] == "#mood/✊🏽"


@pytest.mark.parametrize(
    "note",
    ["a line\n---", "a line\n===", "heading?\n  ----  ", "see ^note-1", "x ^a-b\nmore"],
)
def test_a_note_never_makes_a_heading_or_a_block_id(note: str) -> None:
    tokens = READERS["gfm"].parse(note_markdown(note))
    assert not [t for t in tokens if t.type == "heading_open"]
    rendered = READERS["commonmark"].render(note_markdown(note))
    assert "^note-1" in rendered or "^a-b" in rendered or "^" not in note
    assert not re.search(r"(?<!\\)\^[\w-]+[ \t]*$", note_markdown(note), re.MULTILINE)
