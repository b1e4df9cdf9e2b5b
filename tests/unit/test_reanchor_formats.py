"""Re-anchoring between two formats of one real book: the Debian Policy Manual's chapter 5 as EPUB and PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from app.domain.anchoring import reanchor
from app.importers import import_file

FIXTURES = Path(__file__).parent.parent / "fixtures"
# Both cut from Debian's debian-policy 4.6.2.0 package: the EPUB's chapter 5 whole, and
# the PDF's pages 31-38 (LaTeX), which end inside section 5.6.12.
EPUB, PDF = FIXTURES / "policy-chapter5.epub", FIXTURES / "policy-chapter5.pdf"
SHARED_END = "The lexical comparison is a comparison of ASCII values"  # the PDF's last page ends in it
SENTENCE = re.compile(r"[A-Z][^.!?\n]{30,400}[.!?]")
PLACED = 95  # per 100 sentences


def _normal(text: str) -> str:
    return " ".join(text.split())


def _sentences(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in SENTENCE.finditer(text)]


def _count(old: str, new: str) -> tuple[int, int, list[tuple[str, str]]]:
    """Place every sentence of `old` in `new`; return placed, orphaned and the wrongly placed."""
    spans = _sentences(old)
    results = reanchor(old, new, [{"start": a, "end": b, "exact": old[a:b]} for a, b in spans], None)
    placed = orphaned = 0
    wrong: list[tuple[str, str]] = []
    for (a, b), found in zip(spans, results, strict=True):
        if found is None:
            orphaned += 1
        elif fuzz.ratio(_normal(new[found[0] : found[1]]), _normal(old[a:b])) >= 90:
            placed += 1
        else:
            wrong.append((old[a:b], new[found[0] : found[1]]))
    return placed, orphaned, wrong


@pytest.fixture(scope="module")
def texts() -> tuple[str, str]:
    epub = import_file(EPUB).text
    pdf = import_file(PDF).text
    return epub[: epub.index(SHARED_END)], pdf[: pdf.index(SHARED_END)]


@pytest.mark.parametrize("direction", ["epub to pdf", "pdf to epub"])
def test_highlights_move_between_formats_of_one_book_and_none_to_a_wrong_place(
    texts: tuple[str, str], direction: str
) -> None:
    epub, pdf = texts
    old, new = (epub, pdf) if direction == "epub to pdf" else (pdf, epub)
    placed, orphaned, wrong = _count(old, new)
    total = placed + orphaned + len(wrong)
    assert total >= 60
    assert wrong == []
    assert placed * 100 >= PLACED * total, f"{placed} of {total} placed, {orphaned} orphaned"
