"""The text builder and document structure: offsets always point at what they name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.structure import Heading, Page, Structure, TextBuilder
from app.domain.text import normalise

blocks = st.lists(
    st.tuples(st.sampled_from(["heading", "paragraph", "page"]), st.integers(0, 8), st.text(max_size=40)),
    max_size=25,
)


@given(blocks)
def test_any_blocks_give_normalised_text_with_offsets_at_their_headings_and_pages(
    items: list[tuple[str, int, str]],
) -> None:
    builder = TextBuilder()
    for kind, level, words in items:
        if kind == "heading":
            builder.heading(level, words)
        elif kind == "paragraph":
            builder.paragraph(words)
        else:
            builder.page(str(level))
    text, structure = builder.build()
    assert normalise(text) == text
    assert structure.fits(text)
    for h in structure.headings:
        assert text[h.start : h.start + len(h.title)] == h.title
        assert 1 <= h.level <= 6
        assert h.start == 0 or text[h.start - 2 : h.start] == "\n\n"
    for p in structure.pages:
        assert p.start < len(text)
    assert Structure.from_json(structure.to_json()) == structure


def test_lookups_find_the_section_chapter_and_page_of_an_offset() -> None:
    structure = Structure(
        headings=(Heading(0, 1, "Book I"), Heading(10, 2, "Chapter 1"), Heading(50, 1, "Book II")),
        pages=(Page(0, "iii"), Page(40, "1")),
    )
    assert structure.heading_at(20) == Heading(10, 2, "Chapter 1")
    assert structure.chapter_at(20) == Heading(0, 1, "Book I")
    assert structure.chapter_at(60) == Heading(50, 1, "Book II")
    assert (structure.page_at(39), structure.page_at(40)) == ("iii", "1")
    assert Structure().page_at(5) == "" and Structure().chapter_at(5) is None


@pytest.mark.parametrize("damaged", ["[]", '{"headings": [[0]], "pages": []}', "not json", '{"pages": []}'])
def test_damaged_structure_json_is_refused(damaged: str) -> None:
    with pytest.raises(ValueError, match="not a document structure"):
        Structure.from_json(damaged)


def test_citations_count_paragraphs_within_their_section_and_name_chapter_section_and_page() -> None:
    from app.domain.export import Locator

    text = "Book\n\nChapter I\n\nOne.\n\n1.1 Scope\n\nA.\n\nB.\n\nChapter II\n\nFirst.\n\nSecond.\nstill second."
    structure = Structure(
        headings=(
            Heading(text.index("Chapter I"), 1, "Chapter I"),
            Heading(text.index("1.1 Scope"), 2, "1.1 Scope"),
            Heading(text.index("Chapter II"), 1, "Chapter II"),
        ),
    )
    locate = Locator(text, structure).locate
    assert locate(0).cite() == "¶ 1"  # before any heading: counted from the start
    assert locate(text.index("One.")).cite() == "Chapter I, ¶ 1"
    assert locate(text.index("B.")).cite() == "Chapter I, 1.1 Scope, ¶ 2"
    assert locate(text.index("still second")).cite() == "Chapter II, ¶ 2"  # no line number in it
    assert locate(text.index("Chapter II")).cite() == "Chapter II"  # the heading itself
    paged = Locator(text, Structure(headings=structure.headings, pages=(Page(0, "iv"), Page(text.index("B."), "12"))))
    assert paged.locate(text.index("B.")).cite() == "Chapter I, 1.1 Scope, p. 12, ¶ 2"


def test_go_to_takes_a_percentage_or_a_printed_page_label() -> None:
    paged = Structure(pages=(Page(0, "xiv"), Page(100, "1"), Page(500, "12")))
    assert paged.go_to("12", 1000) == 500
    assert paged.go_to("p. XIV", 1000) == 0
    assert paged.go_to("40%", 1000) == 400
    assert paged.go_to("13", 1000) is None  # no such page
    plain = Structure()
    assert plain.go_to("25", 2000) == 500  # without pages a number is a share of the text
    assert plain.go_to("100%", 2000) == 1999
    assert plain.go_to("140%", 2000) is None
    assert plain.go_to("soon", 2000) is None
    assert plain.go_to("p. 7", 2000) is None  # a page asked of a text without pages
