"""Agreement between coders: where several people's highlights with one theme meet and part.

Counted as qualitative researchers count it (QualCoder's coder comparison is the
reference): every character of the text is a unit that each coder either coded with the
theme or did not. Two coders get percentage agreement and Cohen's kappa; more than two
get percentage agreement (of every pair) and Krippendorff's alpha for nominal data. The
text is never walked a character at a time: coded stretches are merged and swept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

from app.domain.values import Tag

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Agreement:
    """How far the coders of one theme agree along a text of `length` characters.

    Attributes:
        coders: The coders compared, sorted.
        coded: Characters each coder coded with the theme, in the order of `coders`.
        length: Characters in the text (the units compared).
        all_coded: Characters every coder coded.
        some_coded: Characters some but not all coders coded (where they differ).
        percent: Percentage agreement: the share of characters on which a pair of coders
            agrees, averaged over every pair.
        kappa: Cohen's kappa, for two coders (None otherwise, or when chance alone
            explains every character, as when neither coded anything).
        alpha: Krippendorff's alpha (nominal), for three or more coders (None otherwise,
            or when it is undefined for the same reason).
    """

    coders: tuple[str, ...]
    coded: tuple[int, ...]
    length: int
    all_coded: int
    some_coded: int
    percent: float
    kappa: float | None
    alpha: float | None


def merged(spans: Iterable[Span]) -> list[Span]:
    """Return the stretches `spans` cover, overlapping and touching ones joined, in order."""
    out: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _covered(spans: Sequence[Span]) -> int:
    return sum(end - start for start, end in spans)


def _shared(a: Sequence[Span], b: Sequence[Span]) -> int:
    """Characters two merged lists of stretches both cover."""
    shared = i = j = 0
    while i < len(a) and j < len(b):
        shared += max(0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return shared


def depth_counts(coded: Sequence[Sequence[Span]], length: int) -> dict[int, int]:
    """Return, for each number of coders k, how many characters exactly k coders coded."""
    edges: dict[int, int] = {}
    for spans in coded:
        for start, end in spans:
            edges[start] = edges.get(start, 0) + 1
            edges[end] = edges.get(end, 0) - 1
    counts: dict[int, int] = {}
    depth = 0
    points = sorted({0, length, *edges})
    for here, there in pairwise(points):
        depth += edges.get(here, 0)
        if there > here:
            counts[depth] = counts.get(depth, 0) + there - here
    return counts


def agreement(coded: Mapping[str, Iterable[Span]], length: int) -> Agreement:
    """Compare the stretches each coder coded with one theme, along a text of `length` characters.

    Args:
        coded: Each coder's coded stretches, `[start, end)` in characters; a coder who
            coded nothing with the theme is included with none, and counts as coding
            none of the text.
        length: The text's length; stretches beyond it are cut there.

    Raises:
        ValueError: With fewer than two coders, or an empty text.
    """
    if len(coded) < 2:
        raise ValueError("Agreement needs at least two coders.")
    if length <= 0:
        raise ValueError("Agreement needs a text to compare along.")
    coders = tuple(sorted(coded))
    spans = [merged((max(0, s), min(length, e)) for s, e in coded[c]) for c in coders]
    totals = tuple(_covered(s) for s in spans)
    depths = depth_counts(spans, length)
    m = len(coders)
    pairs = list(combinations(range(m), 2))
    # A pair agrees on a character both coded, or neither did.
    agreed = [length - totals[i] - totals[j] + 2 * _shared(spans[i], spans[j]) for i, j in pairs]
    percent = 100.0 * sum(agreed) / (len(pairs) * length)
    kappa = alpha = None
    if m == 2:
        observed = agreed[0] / length
        p1, p2 = totals[0] / length, totals[1] / length
        chance = p1 * p2 + (1 - p1) * (1 - p2)
        kappa = None if chance >= 1 else (observed - chance) / (1 - chance)
    else:
        # Nominal alpha with every coder coding every character: disagreeing ordered pairs
        # within a character where k of m coded it are 2k(m-k); expected from the totals.
        values = m * length
        ones = sum(totals)
        disagreement = sum(n * 2 * k * (m - k) for k, n in depths.items()) / (m - 1) / values
        expected = 2 * ones * (values - ones) / (values * (values - 1))
        alpha = None if expected == 0 else 1 - disagreement / expected
    return Agreement(
        coders=coders,
        coded=totals,
        length=length,
        all_coded=depths.get(m, 0),
        some_coded=sum(n for k, n in depths.items() if 0 < k < m),
        percent=percent,
        kappa=kappa,
        alpha=alpha,
    )


@dataclass(frozen=True, slots=True)
class ThemeAgreement:
    """The agreement of a document's coders on one theme."""

    theme: Tag
    agreement: Agreement


# A highlight's stretch, its maker, and one of its themes (None: it has none): one a theme.
Mark = tuple[int, int, str, Tag | None]


def theme_agreements(marks: Iterable[Mark], length: int) -> list[ThemeAgreement]:
    """Compare, theme by theme, the coders who highlighted a text of `length` characters.

    Every coder who made a highlight in the text is compared on every theme used there:
    one who never gave a theme is counted as coding none of the text with it. Highlights
    whose maker was not recorded are left out.

    Raises:
        ValueError: If fewer than two coders made highlights in the text.
    """
    by_theme: dict[int, dict[str, list[Span]]] = {}
    themes: dict[int, Tag] = {}
    coders: set[str] = set()
    for start, end, author, tag in marks:
        if not author:
            continue
        coders.add(author)
        if tag is not None:
            themes[tag.id] = tag
            by_theme.setdefault(tag.id, {}).setdefault(author, []).append((start, end))
    if len(coders) < 2:
        raise ValueError(
            f"Agreement needs highlights by two people or more; this text has {len(coders) or 'none'}"
            + (f" (by {next(iter(coders))})" if len(coders) == 1 else "")
            + "."
        )
    return [
        ThemeAgreement(themes[tag_id], agreement({c: coded.get(c, []) for c in coders}, length))
        for tag_id, coded in sorted(by_theme.items(), key=lambda item: themes[item[0]].path.casefold())
    ]


AGREEMENT_COLUMNS = (
    "theme",
    "coders",
    "characters coded",
    "coded by all",
    "coded by some",
    "characters in text",
    "agreement %",
    "Cohen's kappa",
    "Krippendorff's alpha",
)


def agreement_rows(found: Iterable[ThemeAgreement]) -> list[tuple[str, ...]]:
    """Return one row a theme, as `AGREEMENT_COLUMNS` name them (numbers as text, "" when undefined)."""

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}"

    return [
        (
            t.theme.path,
            ", ".join(t.agreement.coders),
            ", ".join(f"{c} {n}" for c, n in zip(t.agreement.coders, t.agreement.coded, strict=True)),
            str(t.agreement.all_coded),
            str(t.agreement.some_coded),
            str(t.agreement.length),
            f"{t.agreement.percent:.1f}",
            number(t.agreement.kappa),
            number(t.agreement.alpha),
        )
        for t in found
    ]


def agreement_csv(found: Iterable[ThemeAgreement]) -> str:
    """Return the agreement table as CSV, with a header row."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([AGREEMENT_COLUMNS, *agreement_rows(found)])
    return buffer.getvalue()
