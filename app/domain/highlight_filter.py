"""Which highlights the panel shows: a filter by themes, words and makers, and applying it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.values import Highlight


class Combine(StrEnum):
    """How several themes of a filter combine."""

    ANY = "any"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class ThemeFilter:
    """Which highlights the panel shows.

    Attributes:
        themes: Chosen theme ids, each standing for itself and its sub-themes.
        combine: Whether a highlight needs any or all of the chosen themes.
        untagged: Show only highlights without themes (the themes are then ignored).
        text: Words the quote or the note must contain (case-insensitive).
        authors: Show only highlights made by these members (none chosen: everyone's).
    """

    themes: tuple[int, ...] = ()
    combine: Combine = Combine.ANY
    untagged: bool = False
    text: str = ""
    authors: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        """Whether the filter hides anything at all."""
        return bool(self.themes or self.untagged or self.text.strip() or self.authors)


def filter_highlights(
    highlights: Sequence[Highlight], chosen: ThemeFilter, tree: dict[int, frozenset[int]]
) -> list[Highlight]:
    """Return the highlights `chosen` lets through, in their order.

    Args:
        highlights: The highlights to filter.
        chosen: The filter.
        tree: `descendants` of the library's themes (a theme stands for its sub-themes).
    """
    words = chosen.text.casefold().split()
    groups = [tree.get(t, frozenset((t,))) for t in chosen.themes]
    anywhere = frozenset().union(*groups)
    need_all = chosen.combine is Combine.ALL and len(groups) > 1
    authors = frozenset(chosen.authors)
    out = []
    for h in highlights:
        if authors and h.author not in authors:
            continue
        if chosen.untagged:
            if h.tags:
                continue
        elif groups:
            # Plain loops, no generators: this runs 50,000 times each time the filter
            # changes, and any()/all() over generator expressions made it four times slower.
            if need_all:
                if not _in_every_group(h, groups):
                    continue
            elif not _in_group(h, anywhere):
                continue
        if words:
            haystack = f"{h.exact}\n{h.note}".casefold()
            if not all(word in haystack for word in words):
                continue
        out.append(h)
    return out


def _in_group(h: Highlight, group: frozenset[int]) -> bool:
    for t in h.tags:  # noqa: SIM110 - a loop, not any(): see filter_highlights
        if t.id in group:
            return True
    return False


def _in_every_group(h: Highlight, groups: list[frozenset[int]]) -> bool:
    for group in groups:  # noqa: SIM110 - a loop, not all(): see filter_highlights
        if not _in_group(h, group):
            return False
    return True
