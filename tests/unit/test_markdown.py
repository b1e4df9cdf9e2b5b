"""Quotes written as Markdown read back exactly; tags are Obsidian tags."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.markdown import hashtag, quote_block, yaml_string
from tests.markdown_reader import blockquotes


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
    ],
)
def test_quote_reads_back_exactly(quote: str) -> None:
    assert blockquotes(quote_block(quote) + "\n") == [quote]


def test_ordinary_prose_stays_readable() -> None:
    quote = "All power to the Soviets!\n\nThe peasants’ land, 1917 — “now”."
    assert quote_block(quote) == "> All power to the Soviets!\n>\n> The peasants’ land, 1917 — “now”."


# Control characters other than tab, line feed and form feed cannot be carried by
# Markdown at the edge of a line: CommonMark and HTML replace numeric references to them
# with U+FFFD, and markdown-it-py strips them as white space when written raw. They are
# not prose, so the property covers every other character (CR never survives import).
_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"], whitelist_characters="\t\n\x0c"), max_size=80)


@given(_TEXT)
def test_any_quote_reads_back_exactly(quote: str) -> None:
    assert blockquotes(quote_block(quote) + "\n") == [quote]


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


def test_yaml_string_parses_back() -> None:
    yaml = pytest.importorskip("yaml")
    value = 'A "quoted" title: with colon\nand # hash — ünïcode'
    assert yaml.safe_load(f"title: {yaml_string(value)}") == {"title": value}
