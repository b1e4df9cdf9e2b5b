"""Re-anchoring highlights in new editions: every case the issue names, on real prose."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.alignment import canonical
from app.domain.anchoring import reanchor
from app.resources import SAMPLE_TEXT

TEXT = SAMPLE_TEXT.read_text(encoding="utf-8")
VOCABULARY = [
    "river",
    "field",
    "winter",
    "market",
    "harbour",
    "printer",
    "railway",
    "meadow",
    "lantern",
    "orchard",
    "quarry",
    "bridge",
    "kettle",
    "ledger",
    "saddle",
    "furnace",
    "chapel",
    "granary",
    "shutter",
    "ferry",
    "thimble",
    "anvil",
    "barley",
    "candle",
]


def filler(characters: int, seed: int) -> str:
    """Prose-like text made of words the sample does not use."""
    rng = random.Random(seed)
    words: list[str] = []
    size = 0
    while size < characters:
        word = rng.choice(VOCABULARY)
        words.append(word + ("." if rng.random() < 0.08 else ""))
        size += len(word) + 1
    return " ".join(words)


def span(text: str, quote: str, occurrence: int = 1) -> tuple[int, int]:
    at = -1
    for _ in range(occurrence):
        at = text.index(quote, at + 1)
    return at, at + len(quote)


def anchor(old: str, new: str, quote: str, occurrence: int = 1) -> tuple[int, int] | None:
    start, end = span(old, quote, occurrence)
    [result] = reanchor(old, new, [{"start": start, "end": end, "exact": quote}])
    return result


QUOTE = "workers’ control over the factories and the eight-hour day have been introduced"
SHORT = "Soviets"


def _moved(text: str) -> str:
    paragraphs = text.split("\n\n")
    moving = next(p for p in paragraphs if QUOTE in p)
    rest = [p for p in paragraphs if p is not moving]
    return "\n\n".join([*rest, moving])


def _rewrap(text: str) -> str:
    import textwrap

    return "\n\n".join(textwrap.fill(p, 58) for p in text.split("\n\n"))


# Each case: a change of the text, and what the quote should be found as (None: orphan).
CASES: dict[str, tuple[Callable[[str], str], str | None]] = {
    "unchanged": (lambda t: t, QUOTE),
    "a word inside the quote changed": (
        lambda t: t.replace("eight-hour day have been introduced", "eight-hour day has been introduced"),
        "workers’ control over the factories and the eight-hour day has been introduced",
    ),
    "an edit just before the quote": (
        lambda t: t.replace("to the peasants; workers’", "to the peasants in full; workers’"),
        QUOTE,
    ),
    "300 KB inserted before": (lambda t: filler(300_000, 1) + "\n\n" + t, QUOTE),
    "the start deleted": (lambda t: t[t.index("In many provincial") :], QUOTE),
    "paragraph moved": (_moved, QUOTE),
    "paragraph moved and edited": (
        lambda t: _moved(t).replace("have been introduced", "have been brought in"),
        "workers’ control over the factories and the eight-hour day have been brought in",
    ),
    "CRLF and a BOM": (lambda t: "\ufeff" + t.replace("\n", "\r\n"), QUOTE.replace("\n", "\r\n")),
    "NFD accents and curly quotes straightened": (
        lambda t: unicodedata.normalize("NFD", t.replace("’", "'")),
        QUOTE.replace("’", "'"),
    ),
    "dashes retyped, no-break spaces, soft hyphens": (
        lambda t: t.replace("eight-hour", "eight\u2011hour").replace("control over", "con\u00adtrol\u00a0over"),
        "workers’ con\u00adtrol\u00a0over the factories and the eight\u2011hour day have been introduced",
    ),
    "re-wrapped lines": (_rewrap, None),  # checked by the quote's words below
    "emoji before and inside": (
        lambda t: "✊🏽 " + t.replace("control over the", "control 🏭 over the"),
        "workers’ control 🏭 over the factories and the eight-hour day have been introduced",
    ),
    "the quote deleted, similar wording elsewhere": (
        lambda t: (
            t.replace(QUOTE, "new rules apply")
            + "\n\nElsewhere: workers’ control over the factories and the eight-hour day have been promised."
        ),
        None,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_reanchoring_cases(case: str) -> None:
    change, expected = CASES[case]
    new = change(TEXT)
    result = anchor(TEXT, new, QUOTE)
    if case == "re-wrapped lines":
        assert result is not None
        assert " ".join(new[result[0] : result[1]].split()) == QUOTE
    elif expected is None:
        assert result is None
    else:
        assert result is not None, case
        assert new[result[0] : result[1]] == expected


def test_a_repeated_quote_is_placed_by_its_context() -> None:
    assert TEXT.count(SHORT) > 5
    new = filler(5000, 2) + "\n\n" + TEXT.replace("provincial areas", "provincial regions")
    for occurrence in range(1, TEXT.count(SHORT) + 1):
        old_span = span(TEXT, SHORT, occurrence)
        result = anchor(TEXT, new, SHORT, occurrence)
        assert result is not None
        assert new[result[0] : result[1]] == SHORT
        # The same occurrence: same words around it as before.
        assert new[result[1] : result[1] + 20] == TEXT[old_span[1] : old_span[1] + 20]


def test_a_short_quote_whose_word_was_replaced_is_orphaned() -> None:
    quote = "militia"
    new = TEXT.replace("peasant militia", "peasant guard")
    assert quote not in new
    assert anchor(TEXT, new, quote) is None


def test_a_short_quote_replaced_while_it_remains_elsewhere_is_orphaned() -> None:
    # "Soviets" stays in the text many times, but this occurrence became "councils".
    old_span = span(TEXT, SHORT, 2)
    new = TEXT[: old_span[0]] + "councils" + TEXT[old_span[1] :]
    [result] = reanchor(TEXT, new, [{"start": old_span[0], "end": old_span[1], "exact": SHORT}])
    assert result is None


def test_quotes_at_the_very_start_and_end_and_overlapping_ones() -> None:
    new = "Preface added.\n\n" + TEXT
    first, last = (0, TEXT.index("\n")), (TEXT.rindex("1917"), len(TEXT.rstrip()))
    overlapping = [
        span(TEXT, "the proletariat and the peasantry"),
        span(TEXT, "the peasantry, on their own initiative"),
    ]
    spans = [first, last, *overlapping]
    results = reanchor(TEXT, new, [{"start": s, "end": e, "exact": TEXT[s:e]} for s, e in spans])
    for (s, e), result in zip(spans, results, strict=True):
        assert result is not None and new[result[0] : result[1]] == TEXT[s:e]


def test_offsets_count_the_texts_exactly_as_given() -> None:
    old = "\ufeffCafe\u0301 au lait\r\nAll power 👩‍🔬 to the Soviets!"
    new = "Café au lait\nAll power 👩‍🔬 to the Soviets!"
    quote = "power 👩‍🔬 to the Soviets"
    [result] = reanchor(old, new, [{"start": old.index(quote), "end": old.index(quote) + len(quote), "exact": quote}])
    assert result == (new.index(quote), new.index(quote) + len(quote))


def test_canonical_maps_round_trip() -> None:
    text = "\ufeffA  b\r\n\u00a0c\u0301 “q” — s\u00adt"
    c = canonical(text)
    assert c.text == 'a b ć "q" - st'
    assert c.to_canonical[len(text)] == len(c.text)
    assert all(0 <= s < e <= len(text) for s, e in zip(c.starts, c.ends, strict=True))


# Properties -----------------------------------------------------------------------

_PARAGRAPHS = [p for p in TEXT.split("\n\n") if len(p) > 200]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, len(_PARAGRAPHS) - 1), st.integers(0, 10_000), st.data())
def test_an_unchanged_text_maps_every_highlight_to_itself(index: int, seed: int, data: st.DataObject) -> None:
    paragraph = _PARAGRAPHS[index]
    base = TEXT.index(paragraph)
    start = base + data.draw(st.integers(0, len(paragraph) - 30))
    end = start + data.draw(st.integers(5, 30))
    assert reanchor(TEXT, TEXT, [{"start": start, "end": end, "exact": TEXT[start:end]}]) == [(start, end)]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, len(_PARAGRAPHS) - 1),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 400), st.integers(0, 400)), min_size=1, max_size=6),
    st.integers(0, 1000),
)
def test_edits_away_from_a_quote_and_its_context_never_lose_or_move_it(
    index: int, edits: list[tuple[float, int, int]], seed: int
) -> None:
    paragraph = _PARAGRAPHS[index]
    start = TEXT.index(paragraph) + len(paragraph) // 3
    end = start + 40
    guard = (start - 40, end + 40)  # the quote and its context are left alone
    chosen: list[tuple[int, int, str]] = []  # non-overlapping edits in the old text
    for where, deleted, inserted in sorted(edits):
        at = int(where * len(TEXT))
        cut = min(deleted, len(TEXT) - at)
        touches_quote = at < guard[1] and at + cut > guard[0]
        if touches_quote or (chosen and at < chosen[-1][0] + chosen[-1][1]):
            continue
        chosen.append((at, cut, filler(inserted, seed)))
    new = TEXT
    for at, cut, text in reversed(chosen):
        new = new[:at] + text + new[at + cut :]
    offset_before = sum(len(text) - cut for at, cut, text in chosen if at + cut <= guard[0])
    [result] = reanchor(TEXT, new, [{"start": start, "end": end, "exact": TEXT[start:end]}])
    assert result == (start + offset_before, end + offset_before)


def test_a_rewritten_quote_in_a_repeated_paragraph_is_not_moved_onto_a_copy() -> None:
    paragraph = "The party must organise and arm the workers and build up their forces for the next stage."
    old = "\n\n".join(f"§{i} {paragraph}" for i in range(40))
    quote = "organise and arm the workers and build up their forces"
    start = old.index(quote, old.index("§25 "))
    rewritten = "§25 The party must rally the workers to the next stage."
    new = old.replace(f"§25 {paragraph}", rewritten)
    [result] = reanchor(old, new, [{"start": start, "end": start + len(quote), "exact": quote}])
    assert result is None  # every copy of the words stands in another paragraph: not this one


def test_a_sentence_cut_by_a_running_head_is_found_across_it_not_on_the_neighbour_that_starts_alike() -> None:
    # From the Debian Policy Manual, whose PDF printed a running head inside this sentence.
    alike = (
        "Specifying a list of architectures indicates that the source will build an "
        "architecture-dependent package only on architectures included in the list."
    )
    head = "Specifying a list of architecture wildcards indicates that the source will build an"
    tail = "architecture-dependent package on only those architectures that match any of the specified wildcards."
    before = "The Architecture field may contain the special values all or any."
    after = "A list of the special value all and architecture wildcards is not allowed."
    old = f"{before} {alike} {head} {tail}\n\n{after}"
    new = (
        f"{before} {alike} {head}\n\n36 Chapter 5. Control files and their fields\n\n"
        f"Debian Policy Manual, Release 4.6.2.0\n\n{tail}\n\n{after}"
    )
    start = old.index(head)
    [found] = reanchor(old, new, [{"start": start, "end": start + len(head) + 1 + len(tail), "exact": ""}])
    assert found is not None
    assert found[0] == new.index(head) and new[found[0] : found[1]].endswith("specified wildcards.")
