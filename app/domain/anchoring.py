"""Re-anchoring highlights in a new edition of a text.

`reanchor` finds where each highlighted passage of the old text now stands in the new
one, or returns None (an orphan) when it cannot be sure. A wrong place is worse than no
place: a passage deleted while similar wording remains elsewhere is orphaned, not moved
onto the look-alike.

How it works (the canonical form and the position map are in `app.domain.alignment`):
1. Lines (or, when too few lines survive, words) found once in both texts and in the
   same order become anchors: they map a position in the old text to the expected
   position in the new one, across insertions and deletions of any size.
2. Each quote is looked for verbatim near its expected position. Every candidate is
   scored by how well the text on both sides matches the old context (32 characters
   each side, as the W3C TextQuoteSelector keeps) and by its distance from the expected
   position.
3. Failing that, the neighbourhood is compared in a canonical form in which differences
   that do not change the words vanish (line endings, BOM, NFC/NFD, curly and straight
   quotes, dashes, no-break and re-flowed white space, soft hyphens, case), exactly and
   then approximately (rapidfuzz), with a similarity threshold stricter for short quotes.
4. Failing that, the quote is looked for anywhere (a moved paragraph): verbatim, then
   approximately from seed words, accepted only when the context on both sides agrees
   or the quote is long and unique.
Canonical forms are made of small windows only: for a 5 MB text, making one whole took
over 4 s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Prefix

from app.domain.alignment import WORD, PositionMap, canonical

CONTEXT = 32
NEAR = 400  # characters around the expected position searched first
WINDOW = 2000  # characters around it compared in canonical form
PROGRESS_EVERY = 200
MAX_SEED_PLACES = 6
MAX_CANDIDATES = 64


def _context_scores(new: str, start: int, end: int, prefix: str, suffix: str) -> tuple[float, float]:
    """How well the text before and after a candidate matches the old context (0 to 1 each)."""
    before = fuzz.ratio(prefix, new[max(0, start - len(prefix)) : start]) / 100 if prefix else 1.0
    after = fuzz.ratio(suffix, new[end : end + len(suffix)]) / 100 if suffix else 1.0
    return before, after


def _context_score(new: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """The weaker side's agreement: a look-alike often shares one side, rarely both."""
    return min(_context_scores(new, start, end, prefix, suffix))


def _occurrences(
    text: str, needle: str, start: int = 0, end: int | None = None, limit: int = MAX_CANDIDATES
) -> list[int]:
    found: list[int] = []
    stop = len(text) if end is None else end
    at = text.find(needle, start, stop)
    while at != -1 and len(found) < limit:
        found.append(at)
        at = text.find(needle, at + 1, stop)
    return found


# A quote cut by an interruption: its opening this long found verbatim, the rest (this
# long at least) found this closely, with at most this much between (a running head and
# a page number, a short figure caption).
MIN_HALF = 30
MIN_REST = 12
REST_SIMILARITY = 95.0
MAX_INTERRUPTION = 300


def _min_similarity(length: int) -> float:
    """Approximate matches must be closer the shorter the quote is."""
    if length < 12:
        return 101.0  # never: a short quote that changed cannot be told from a look-alike
    if length < 30:
        return 88.0
    return 80.0


def _edges(text: str, low: int, high: int, *, word_start: bool, whole: bool) -> set[int]:
    """Positions in [low, high] where a word starts (or ends); all of them if not `whole`."""
    positions = range(max(0, low), min(len(text), high) + 1)
    if not whole:
        return set(positions)
    if word_start:
        return {p for p in positions if p < len(text) and text[p].isalnum() and (p == 0 or not text[p - 1].isalnum())}
    return {p for p in positions if p > 0 and text[p - 1].isalnum() and (p == len(text) or not text[p].isalnum())}


def _word_start(text: str, position: int) -> int:
    """The start of the word `position` is inside (or `position` itself)."""
    while 0 < position < len(text) and text[position].isalnum() and text[position - 1].isalnum():
        position -= 1
    return position


def _word_end(text: str, position: int) -> int:
    """The end of the word `position` is inside (or `position` itself)."""
    while 0 < position < len(text) and text[position - 1].isalnum() and text[position].isalnum():
        position += 1
    return position


def _refine(
    new: str, quote: str, start: int, end: int, whole_words: tuple[bool, bool], prefix: str = "", suffix: str = ""
) -> tuple[int, int]:
    """Tighten an approximate span to the quote's first and last words.

    `whole_words` says whether the old quote began and ended at word boundaries; where it
    did, so does the new span.
    """
    head, tail = quote[: min(12, len(quote))], quote[-min(12, len(quote)) :]
    slack = max(8, len(quote) // 4)
    at = new.find(head, max(0, start - slack), start + slack + len(head))
    if at != -1:
        start = at
    at = new.rfind(tail, max(start, end - slack - len(tail)), end + slack)
    if at != -1:
        end = at + len(tail)
    # The alignment is a window of the quote's length, so its edges drift when words
    # grew or shrank: choose each edge among nearby word boundaries (or, where the old
    # quote cut a word, nearby characters) by similarity to the quote.
    reach = max(4, len(quote) // 8)
    # The text beside a good edge also matches the old context there.
    starts = _edges(new, start - reach, start + reach, word_start=True, whole=whole_words[0])
    starts |= {start, _word_start(new, start)} if whole_words[0] else {start}
    start = max(
        sorted(starts),
        key=lambda a: fuzz.ratio(quote, new[a:end]) + fuzz.ratio(prefix, new[max(0, a - len(prefix)) : a]),
    )
    ends = _edges(new, end - reach, end + reach, word_start=False, whole=whole_words[1])
    ends |= {end, _word_end(new, end)} if whole_words[1] else {end}
    end = max(
        sorted(ends), key=lambda b: fuzz.ratio(quote, new[start:b]) + fuzz.ratio(suffix, new[b : b + len(suffix)])
    )
    return start, max(end, start + 1)


Rejects = Callable[[int], bool]


def _never(_position: int) -> bool:
    return False


def _best_near(
    text: str,
    quote: str,
    prefix: str,
    suffix: str,
    expected: int,
    window_start: int,
    window_end: int,
    rejects: Rejects = _never,
) -> tuple[int, int] | None:
    """The best exact occurrence in a window, if it is where expected or agrees on both sides."""
    length = len(quote)

    def score(at: int) -> float:
        return _context_score(text, at, at + length, prefix, suffix) + 0.5 / (1.0 + abs(at - expected) / 200.0)

    near = [at for at in _occurrences(text, quote, window_start, window_end) if not rejects(at)]
    if not near:
        return None
    best = max(near, key=score)
    # Where the map says it is (edits nearby may have changed its context), or with the
    # text on both sides still agreeing.
    at_expected = abs(best - expected) <= max(16, length // 2)
    if at_expected or _context_score(text, best, best + length, prefix, suffix) >= 0.5:
        return best, best + length
    return None


def _approximate(
    text: str, quote: _Quote, region_start: int, region_end: int, min_context: float
) -> tuple[float, int, int] | None:
    """The best approximate occurrence in a region with enough context agreement."""
    least = _min_similarity(len(quote.text))
    found = fuzz.partial_ratio_alignment(quote.text, text[region_start:region_end], score_cutoff=least)
    if found is None:
        cut = _across_interruption(text, quote, region_start, region_end, min_context)
        return None if cut is None else cut[:3]
    start, end = _refine(
        text,
        quote.text,
        region_start + found.dest_start,
        region_start + found.dest_end,
        quote.whole_words,
        quote.prefix,
        quote.suffix,
    )
    # The window that matched best may straddle a neighbour that merely starts alike and
    # the start of the true quote, cut by an interruption (a running head): the quote's
    # two halves found nearly verbatim in order, with little between, read as it better.
    whole = fuzz.ratio(quote.text, text[start:end])
    cut = _across_interruption(text, quote, region_start, region_end, min_context)
    if whole < least or (cut is not None and cut[3] > whole):
        return None if cut is None else cut[:3]
    context = _context_score(text, start, end, quote.prefix, quote.suffix)
    return (found.score + 50 * context, start, end) if context >= min_context else None


def _across_interruption(
    text: str, quote: _Quote, region_start: int, region_end: int, min_context: float
) -> tuple[float, int, int, float] | None:
    """Find a quote cut in two by something printed in between (a page's running head, a figure).

    From each place in the region where the quote's opening stands verbatim, as much of
    the quote as goes on verbatim is the part before the cut; the rest must then be found
    nearly verbatim within `MAX_INTERRUPTION` characters after it.

    Returns:
        The score, start and end as `_approximate` gives them, and how closely the rest matched (0-100).
    """
    n = len(quote.text)
    best: tuple[float, int, int] | None = None
    for at in _occurrences(text, quote.text[:MIN_HALF], region_start, region_end, limit=MAX_SEED_PLACES):
        window = text[at : at + n + MAX_INTERRUPTION]
        cut = Prefix.similarity(quote.text, window)
        rest = quote.text[cut:]
        if cut == n or len(rest) < MIN_REST:
            continue
        found = fuzz.partial_ratio_alignment(rest, window[cut:], score_cutoff=REST_SIMILARITY)
        if found is not None and (best is None or found.score > best[0]):
            best = (found.score, at, at + cut + found.dest_end)
    if best is None:
        return None
    score, start, end = best
    context = _context_score(text, start, end, quote.prefix, quote.suffix)
    return (score + 50 * context, start, end, score) if context >= min_context else None


@dataclass(frozen=True, slots=True)
class _Quote:
    """A highlight's quote and context in canonical form, from a window of the old text."""

    text: str
    prefix: str
    suffix: str
    whole_words: tuple[bool, bool] = (False, False)

    @classmethod
    def of(cls, old_text: str, start: int, end: int) -> _Quote | None:
        w0 = max(0, start - 2 * CONTEXT)
        window = canonical(old_text[w0 : end + 2 * CONTEXT])
        a, b = window.to_canonical[start - w0], window.to_canonical[end - w0]
        if a == b:
            return None  # only white space or ignorable characters: nothing to look for
        at_word_start = not (start > 0 and old_text[start - 1].isalnum() and old_text[start].isalnum())
        at_word_end = not (end < len(old_text) and old_text[end].isalnum() and old_text[end - 1].isalnum())
        return cls(
            window.text[a:b],
            window.text[max(0, a - CONTEXT) : a],
            window.text[b : b + CONTEXT],
            (at_word_start, at_word_end),
        )


def _normalised_near(
    new_text: str, quote: _Quote, expected: int, length: int, rejects: Rejects = _never
) -> tuple[int, int] | None:
    """Look around the expected position with both sides in canonical form."""
    w0 = max(0, expected - WINDOW)
    window = canonical(new_text[w0 : expected + length + WINDOW])
    if not window.text:
        return None
    centre = window.to_canonical[min(expected - w0, len(window.to_canonical) - 1)]
    n = len(quote.text)
    found = _best_near(
        window.text,
        quote.text,
        quote.prefix,
        quote.suffix,
        centre,
        max(0, centre - NEAR),
        centre + n + NEAR,
        lambda c: rejects(w0 + window.starts[c]),
    )
    if found is None:
        approximate = _approximate(window.text, quote, max(0, centre - NEAR - n), centre + 2 * n + NEAR, 0.35)
        found = None if approximate is None else approximate[1:]
    if found is None:
        return None
    start, end = window.span_to_original(*found)
    return None if rejects(w0 + start) else (w0 + start, w0 + end)


def _anywhere(
    new_text: str, exact: str, prefix: str, suffix: str, quote: _Quote, rejects: Rejects = _never
) -> tuple[int, int] | None:
    """Look in the whole new text (a moved paragraph): verbatim, then from seed words."""
    everywhere = [at for at in _occurrences(new_text, exact) if not rejects(at)]
    if everywhere:
        best = max(everywhere, key=lambda at: _context_score(new_text, at, at + len(exact), prefix, suffix))
        if _context_score(new_text, best, best + len(exact), prefix, suffix) >= 0.6 or (
            len(everywhere) == 1 and len(exact) >= 20
        ):
            return best, best + len(exact)
    if _min_similarity(len(quote.text)) > 100:
        return None
    seeds = sorted({w for w in WORD.findall(exact) if len(w) >= 5}, key=len, reverse=True)[:3]
    best_found: tuple[float, int, int] | None = None
    length = len(exact)
    for seed in seeds:
        # A seed word found more than a few times does not point anywhere in particular.
        places = _occurrences(new_text, seed, limit=MAX_SEED_PLACES + 1)
        if len(places) > MAX_SEED_PLACES:
            continue
        for at in places:
            r0 = max(0, at - length - 2 * CONTEXT)
            region = canonical(new_text[r0 : at + 2 * length + 2 * CONTEXT])
            found = _approximate(region.text, quote, 0, len(region.text), 0.6)
            if found is not None and (best_found is None or found[0] > best_found[0]):
                s, e = region.span_to_original(found[1], found[2])
                if not rejects(r0 + s):
                    best_found = (found[0], r0 + s, r0 + e)
    return None if best_found is None else (best_found[1], best_found[2])


def reanchor(
    old_text: str,
    new_text: str,
    highlights: Sequence[Mapping[str, object]],
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[int, int] | None]:
    """Find each highlight of `old_text` in `new_text`.

    Args:
        old_text: The text the highlights were made on, exactly as their offsets count it.
        new_text: The new edition, exactly as the returned offsets will count it.
        highlights: Mappings with ``start`` and ``end`` (code points, half-open, into
            `old_text`) and ``exact`` (the quote; used when the offsets no longer fit).
        progress: Called now and then with (done, total); it may raise to cancel.

    Returns:
        One entry per highlight: its span in `new_text`, or None for an orphan.
    """
    positions = PositionMap(old_text, new_text)
    results: list[tuple[int, int] | None] = []
    for done, h in enumerate(highlights):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(highlights))
        start, end = int(h["start"]), int(h["end"])  # type: ignore[call-overload]
        if not 0 <= start < end <= len(old_text):
            exact = str(h.get("exact", ""))
            results.append(_anywhere(new_text, exact, "", "", _Quote(canonical(exact).text, "", "")) if exact else None)
            continue
        exact = old_text[start:end]
        prefix, suffix = old_text[max(0, start - CONTEXT) : start], old_text[end : end + CONTEXT]
        expected = positions.expected(start)
        rejects = _other_occurrences(old_text, exact, start, positions)
        found = _best_near(
            new_text, exact, prefix, suffix, expected, max(0, expected - NEAR), expected + len(exact) + NEAR, rejects
        )
        if found is None:
            quote = _Quote.of(old_text, start, end)
            if quote is not None:
                found = _normalised_near(new_text, quote, expected, len(exact), rejects) or _anywhere(
                    new_text, exact, prefix, suffix, quote, rejects
                )
                found = None if found is None else _exact_edges(exact, new_text, found)
        results.append(found)
    return results


def _other_occurrences(old_text: str, exact: str, start: int, positions: PositionMap) -> Rejects:
    """Candidates that are where another old occurrence of the same words went.

    When the quoted words also stood elsewhere in the old text, their copy in the new
    text is that other passage, not a moved version of this one (the reader highlighted
    a particular place, and may have no highlight on the copy). The old text is searched
    only when a candidate is not where this quote itself should be: rarely.
    """
    own = positions.expected(start)
    slack = max(16, len(exact) // 2)
    others: list[int] | None = None

    def rejects(candidate: int) -> bool:
        nonlocal others
        if abs(candidate - own) <= slack:
            return False
        if others is None:
            others = [positions.expected(at) for at in _occurrences(old_text, exact) if at != start]
        return any(abs(candidate - where) <= slack for where in others)

    return rejects


def _exact_edges(exact: str, new_text: str, found: tuple[int, int]) -> tuple[int, int]:
    """Prefer the quote's exact original characters where they stand at the found place.

    The canonical form folds white space and such, so a span found through it can be off
    by a blank at an edge; when the original quote is there verbatim, take it.
    """
    start, end = found
    margin = 8
    at = new_text.find(exact, max(0, start - margin), end + margin)
    return (at, at + len(exact)) if at != -1 and exact else found


def place_quote(text: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """Find a quote made elsewhere (another tool, another edition) in `text`, or None.

    The quote is found verbatim where its context fits best, or else approximately (its
    wording changed) from its rarest words; a quote found nowhere with confidence is None.
    """
    quote = _Quote(canonical(exact).text, canonical(prefix).text[-CONTEXT:], canonical(suffix).text[:CONTEXT])
    if not quote.text:
        return None
    found = _anywhere(text, exact, prefix, suffix, quote)
    return None if found is None else _exact_edges(exact, text, found)
