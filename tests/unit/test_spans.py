"""The reader's span index finds exactly what overlaps a range, after any adds, moves and removals."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.ui.reading.spans import Key, SpanIndex

# Puts of (highlight id, start, length) and removals by id, in any order.
operations = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.integers(0, 30), st.integers(0, 200), st.integers(1, 60)),
        st.tuples(st.just("remove"), st.integers(0, 30), st.just(0), st.just(0)),
    ),
    max_size=80,
)


@given(operations, st.integers(0, 260), st.integers(0, 80))
def test_overlapping_matches_a_scan_of_every_span(ops: list[tuple[str, int, int, int]], at: int, width: int) -> None:
    index = SpanIndex()
    held: dict[int, Key] = {}
    for kind, highlight_id, start, length in ops:
        if kind == "put":
            held[highlight_id] = (start, start + length, highlight_id)
            index.put(held[highlight_id])
        else:
            held.pop(highlight_id, None)
            index.remove(highlight_id)
    expected = sorted(k for k in held.values() if k[0] < at + width and k[1] > at)
    assert index.overlapping(at, at + width) == expected
    assert index.overlapping(0, 300) == sorted(held.values())  # every span held, none twice, none left behind


def test_a_moved_span_is_found_where_it_went_and_no_longer_where_it_was() -> None:
    index = SpanIndex()
    index.replace_all([(100, 150, 2), (10, 15, 1), (12, 13, 3)])
    index.put((300, 305, 1))
    assert index.overlapping(0, 400) == [(12, 13, 3), (100, 150, 2), (300, 305, 1)]
    assert index.overlapping(10, 12) == []
