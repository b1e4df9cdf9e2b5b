"""Quotes from other tools that could not be placed on a text: orphans kept on edition 0.

An orphan is a highlight on an edition other than the current one, shown with its quote,
themes and note, and attached by the reader where it belongs. A quote brought in from a
QDA project or a reading device that is found nowhere in the text has no edition of its
own, so each document keeps one for them: edition number 0, whose text is those quotes,
one paragraph each. Every orphan's offsets then point at its own words, as the offsets of
any highlight do, and a later new edition re-anchors them like every other orphan.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.editions import UNPLACED_EDITION
from app.domain.text import normalise, sha256_hex, word_count
from db.models import HighlightRow, VersionRow


def _edition(s: Session, document_id: int) -> VersionRow | None:
    return s.execute(
        select(VersionRow).where(VersionRow.document_id == document_id, VersionRow.number == UNPLACED_EDITION)
    ).scalar_one_or_none()


def kept_quotes(s: Session, document_id: int) -> set[str]:
    """Return the words of the orphans the document keeps on edition 0."""
    version = _edition(s, document_id)
    if version is None:
        return set()
    return set(s.execute(select(HighlightRow.exact).where(HighlightRow.version_id == version.id)).scalars())


def unplaced_spans(
    s: Session, document_id: int, quotes: Sequence[str], sources: Sequence[str] = ()
) -> tuple[int, list[tuple[int, int, str, str] | None]]:
    """Write these quotes into the document's edition 0 (made if missing), return its id and their places.

    Each place is the quote's start, end, words there (normalised as every text is) and
    what stands before them in their paragraph (where the quote came from, or nothing):
    an orphan's prefix, as any highlight's is the text before it.

    Each quote is a paragraph, led by where it came from (`sources`, as the other tool
    said it, such as "Location 180-182") when that is known. A quote already kept there
    as an orphan gets None: importing the same file again adds no second orphan.
    """
    version = _edition(s, document_id)
    if version is None:
        version = VersionRow(document_id=document_id, number=UNPLACED_EDITION, text="", sha256=sha256_hex(""))
        s.add(version)
        s.flush()
    kept = kept_quotes(s, document_id)
    text = version.text
    spans: list[tuple[int, int, str, str] | None] = []
    for quote, source in zip_longest(quotes, sources[: len(quotes)], fillvalue=""):
        words = normalise(quote).strip()
        if not words or words in kept:
            spans.append(None)
            continue
        kept.add(words)
        lead = f"{normalise(source).strip()}: " if source.strip() else ""
        text += ("\n\n" if text else "") + lead
        spans.append((len(text), len(text) + len(words), words, lead))
        text += words
    if text != version.text:
        version.text, version.sha256, version.word_count = text, sha256_hex(text), word_count(text)
    return version.id, spans
