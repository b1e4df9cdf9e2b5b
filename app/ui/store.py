"""The open document's highlights, held once: the reader, panel, theme map and filters read them here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from app.domain.values import Highlight, Tag


def text_order(h: Highlight) -> tuple[int, int, int]:
    """Return the key that sorts highlights in reading order (start, end, then id)."""
    return (h.start, h.end, h.id)


class HighlightStore:
    """The open document's highlights by id, with their text order kept until one changes.

    Moving the caret asks which highlight it entered and its number among the rest; with
    ten thousand highlights, sorting them on every caret move cost milliseconds a page,
    so the order is computed once per change, when first asked for.
    """

    def __init__(self, highlights: Iterable[Highlight] = (), tags: Iterable[Tag] = ()) -> None:
        """Hold these highlights, whose themes are among `tags`."""
        self._by_id: dict[int, Highlight] = {}
        self._tags: dict[int, Tag] = {}
        self._by_span: dict[tuple[int, int], int] = {}
        self._ordered: list[Highlight] | None = None
        self._rank: dict[int, int] = {}
        self.reset(highlights, tags)

    def reset(self, highlights: Iterable[Highlight], tags: Iterable[Tag] = ()) -> None:
        """Hold these highlights instead (a document was opened), with the codebook's `tags`."""
        self._tags = {t.id: t for t in tags}
        self._by_id = {h.id: h for h in highlights}
        self._by_span = {(h.start, h.end): h.id for h in self._by_id.values()}
        self._ordered = None

    def put(self, highlight: Highlight) -> None:
        """Add a highlight, or replace it with its changed value."""
        old = self._by_id.get(highlight.id)
        if old is not None and self._by_span.get((old.start, old.end)) == old.id:
            del self._by_span[(old.start, old.end)]
        self._by_id[highlight.id] = highlight
        self._by_span[(highlight.start, highlight.end)] = highlight.id
        if old is None or text_order(old) != text_order(highlight):
            self._ordered = None
        elif self._ordered is not None:
            self._ordered[self._rank[highlight.id]] = highlight

    def drop(self, highlight_id: int) -> Highlight | None:
        """Remove a highlight; return it, if it was here."""
        old = self._by_id.pop(highlight_id, None)
        if old is not None:
            if self._by_span.get((old.start, old.end)) == old.id:
                del self._by_span[(old.start, old.end)]
            self._ordered = None
        return old

    def retag(self, codebook: Iterable[Tag]) -> list[int]:
        """Take in the codebook as it now is; return the highlights whose themes changed with it.

        A renamed theme renames its sub-themes too; a theme missing from `codebook` was
        deleted and leaves the highlights that carried it. A theme that is only new
        changes no highlight, and costs no pass over them.
        """
        tags = {t.id: t for t in codebook}
        touched = {i for i, t in self._tags.items() if tags.get(i) != t}
        self._tags = tags
        if not touched:
            return []
        ids = [h.id for h in self._by_id.values() if any(t.id in touched for t in h.tags)]
        for highlight_id in ids:
            h = self._by_id[highlight_id]
            self.put(replace(h, tags=tuple(tags[t.id] for t in h.tags if t.id in tags)))
        return ids

    def get(self, highlight_id: int) -> Highlight | None:
        """Return a highlight, if it is in the open document."""
        return self._by_id.get(highlight_id)

    def with_span(self, start: int, end: int) -> Highlight | None:
        """Return a highlight covering exactly `[start, end)`, if there is one."""
        highlight_id = self._by_span.get((start, end))
        return None if highlight_id is None else self._by_id.get(highlight_id)

    def __contains__(self, highlight_id: object) -> bool:
        """Whether a highlight is in the open document."""
        return highlight_id in self._by_id

    def __len__(self) -> int:
        """How many highlights the open document has."""
        return len(self._by_id)

    def ordered(self) -> list[Highlight]:
        """Return the highlights in text order (a fresh list; the order is cached)."""
        if self._ordered is None:
            self._ordered = sorted(self._by_id.values(), key=text_order)
            self._rank = {h.id: i for i, h in enumerate(self._ordered)}
        return list(self._ordered)

    def rank(self, highlight_id: int) -> int | None:
        """Return the 0-based place of a highlight in text order, or None if it is not here."""
        if self._ordered is None:
            self.ordered()
        return self._rank.get(highlight_id)
