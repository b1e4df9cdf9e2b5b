"""The reader's span index finds exactly what overlaps a range, after any adds, moves and removals."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QColor

from app.ui.reading.spans import Span, SpanIndex

YELLOW = QColor("#ffe066")

# (highlight id, start, length) puts and removals by id, in any order.
operations = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.integers(0, 30), st.integers(0, 200), st.integers(1, 60)),
        st.tuples(st.just("remove"), st.integers(0, 30), st.just(0), st.just(0)),
    ),
    max_size=80,
)


def _span(highlight_id: int, start: int, length: int, colour: QColor = YELLOW) -> Span:
    return Span(start, start + length, colour, highlight_id, None)


@given(operations, st.integers(0, 260), st.integers(0, 80))
def test_overlapping_matches_a_scan_of_every_span(ops: list[tuple[str, int, int, int]], at: int, width: int) -> None:
    index = SpanIndex()
    held: dict[int, Span] = {}
    for kind, highlight_id, start, length in ops:
        if kind == "put":
            held[highlight_id] = _span(highlight_id, start, length)
            index.put(held[highlight_id])
        else:
            held.pop(highlight_id, None)
            index.remove(highlight_id)
    expected = sorted((s for s in held.values() if s.start < at + width and s.end > at), key=lambda s: s.key)
    assert index.overlapping(at, at + width) == expected
    assert len(index) == len(held)


def test_a_recoloured_span_keeps_its_place_and_a_moved_one_is_found_where_it_went() -> None:
    index = SpanIndex()
    index.replace_all([_span(1, 10, 5), _span(2, 100, 50), _span(3, 12, 1)])
    red = QColor("#ff0000")
    index.put(_span(2, 100, 50, red))
    index.put(_span(1, 300, 5))
    assert [(s.highlight_id, s.colour) for s in index.overlapping(0, 400)] == [(3, YELLOW), (2, red), (1, YELLOW)]
    assert index.overlapping(10, 12) == []
