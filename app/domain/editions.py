"""New editions of a document: what they are made of, and the outcome for each highlight (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.anchoring import reanchor
from app.domain.values import Highlight

# The edition holding quotes from other tools that were found nowhere in the text (each
# kept as an orphan on its own words); real editions are numbered from 1.
UNPLACED_EDITION = 0


class Placement(StrEnum):
    """What happened to a highlight in a new edition."""

    UNCHANGED = "unchanged"  # same words at the same place
    MOVED = "moved"  # same words elsewhere
    APPROXIMATE = "approximate"  # similar words near where they were: to review
    ORPHANED = "orphaned"  # not found: kept with its quote, tags and note, on the old edition


@dataclass(frozen=True, slots=True)
class EditionPlan:
    """Everything a new edition needs, read from the library before the slow part."""

    document_id: int
    number: int
    text: str
    sha256: str
    groups: tuple[tuple[int, str, tuple[Highlight, ...]], ...]  # (version id, its text, its highlights)
    structure: str = ""  # the new text's headings and pages, as stored (Structure.to_json)

    def run(self, progress: Callable[[int, int], None] | None = None) -> EditionOutcome:
        """Re-anchor every highlight in the new text (pure: fine on a worker thread)."""
        total = sum(len(hs) for _, _, hs in self.groups)
        done = 0
        results: list[tuple[Highlight, tuple[int, int] | None]] = []
        for _version, old_text, highlights in self.groups:

            def step(n: int, _total: int, offset: int = done) -> None:
                if progress is not None:
                    progress(offset + n, total)

            spans = reanchor(
                old_text, self.text, [{"start": h.start, "end": h.end, "exact": h.exact} for h in highlights], step
            )
            results.extend(zip(highlights, spans, strict=True))
            done += len(highlights)
        if progress is not None:
            progress(total, total)
        return EditionOutcome(tuple(results))


@dataclass(frozen=True, slots=True)
class EditionOutcome:
    """Where each highlight of a plan goes (None: orphaned)."""

    results: tuple[tuple[Highlight, tuple[int, int] | None], ...]


@dataclass(frozen=True, slots=True)
class PlacedHighlight:
    """One line of the review: a highlight, what happened, its old and new wording."""

    highlight_id: int
    placement: Placement
    old_wording: str
    new_wording: str


@dataclass(frozen=True, slots=True)
class EditionReport:
    """The outcome of adding an edition, for the review dialog and the command line."""

    document_id: int
    version_id: int
    number: int
    created_at: datetime
    items: tuple[PlacedHighlight, ...]

    def count(self, placement: Placement) -> int:
        """How many highlights had this outcome."""
        return sum(1 for item in self.items if item.placement is placement)


@dataclass(frozen=True, slots=True)
class VersionSummary:
    """One edition of a document."""

    id: int
    number: int
    created_at: datetime
    sha256: str
    characters: int
    highlights_made: int
    current: bool

    @property
    def label(self) -> str:
        """The edition as a reader names it."""
        if self.number == UNPLACED_EDITION:
            return "Quotes not found in the text"
        return f"{self.number}{' (current)' if self.current else ''}"
