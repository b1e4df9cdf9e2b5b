"""Agreement between coders, checked against a character-by-character count."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.agreement import Span, agreement, merged


def _units(spans: list[tuple[int, int]], length: int) -> list[int]:
    coded = [0] * length
    for start, end in spans:
        for i in range(max(0, start), min(length, end)):
            coded[i] = 1
    return coded


def _alpha(units: list[list[int]]) -> float | None:
    """Krippendorff's alpha (nominal) from its coincidence matrix, as the textbook counts it."""
    m = len(units)
    o = {(c, k): 0.0 for c in (0, 1) for k in (0, 1)}
    for values in zip(*units, strict=True):
        for a, b in ((a, b) for i, a in enumerate(values) for j, b in enumerate(values) if i != j):
            o[(a, b)] += 1 / (m - 1)
    n_c = {c: o[(c, 0)] + o[(c, 1)] for c in (0, 1)}
    n = n_c[0] + n_c[1]
    expected = 2 * n_c[0] * n_c[1]
    return None if expected == 0 else 1 - (n - 1) * (o[(0, 1)] + o[(1, 0)]) / expected


def test_two_coders_get_the_kappa_worked_by_hand() -> None:
    found = agreement({"ann": [(0, 5)], "ben": [(0, 4)]}, 10)
    assert found.percent == pytest.approx(90.0)
    assert found.kappa == pytest.approx(0.8)  # observed 0.9, chance 0.5
    assert (found.all_coded, found.some_coded) == (4, 1)
    assert found.coded == (5, 4)


def test_nobody_coding_anything_has_no_kappa() -> None:
    found = agreement({"ann": [], "ben": []}, 10)
    assert found.percent == 100.0 and found.kappa is None


def test_one_coder_is_not_a_comparison() -> None:
    with pytest.raises(ValueError, match="two coders"):
        agreement({"ann": [(0, 3)]}, 10)


def test_overlapping_stretches_of_one_coder_count_once() -> None:
    assert merged([(5, 9), (0, 3), (2, 4), (9, 10), (7, 7)]) == [(0, 4), (5, 10)]


spans = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)).map(sorted).map(tuple), max_size=6)


@given(st.lists(spans, min_size=2, max_size=4), st.integers(1, 40))
def test_sweeping_the_stretches_counts_what_each_character_says(coders: list[list[Span]], length: int) -> None:
    named = {f"c{i}": s for i, s in enumerate(coders)}
    found = agreement(named, length)
    units = [_units(named[c], length) for c in found.coders]
    pairs = list(combinations(units, 2))
    agreed = sum(a == b for x, y in pairs for a, b in zip(x, y, strict=True))
    assert found.percent == pytest.approx(100 * agreed / (len(pairs) * length))
    assert found.coded == tuple(sum(u) for u in units)
    columns = [sum(column) for column in zip(*units, strict=True)]
    assert found.all_coded == columns.count(len(units))
    assert found.some_coded == sum(0 < k < len(units) for k in columns)
    if len(units) == 2:
        p1, p2 = (sum(u) / length for u in units)
        chance = p1 * p2 + (1 - p1) * (1 - p2)
        expected = None if chance >= 1 else (found.percent / 100 - chance) / (1 - chance)
        assert found.kappa == pytest.approx(expected) if expected is not None else found.kappa is None
    else:
        alpha = _alpha(units)
        assert found.alpha == pytest.approx(alpha) if alpha is not None else found.alpha is None
