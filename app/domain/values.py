"""Frozen value types that cross from the services into the UI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.domain.structure import Structure


@dataclass(frozen=True, slots=True)
class Tag:
    """A theme in the codebook tree.

    Attributes:
        id: Database id.
        name: The last path segment, e.g. ``soviets``.
        path: The full slash-separated path, e.g. ``power/soviets``.
        parent_id: The parent theme's id, or None for a top-level theme.
        colour: ``#rrggbb`` colour used to paint highlights carrying this theme first.
        description: What the theme means, in the reader's words (may be empty).
        pinned: The number key (1-9) the theme is pinned to, or None.
    """

    id: int
    name: str
    path: str
    parent_id: int | None
    colour: str
    description: str = ""
    pinned: int | None = None


@dataclass(frozen=True, slots=True)
class Highlight:
    """A highlighted span of a document version, with its tags and note.

    Offsets are code-point indices into the stored text of the version, half-open.
    """

    id: int
    document_id: int
    version_id: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    note: str
    tags: tuple[Tag, ...]
    created_at: datetime
    updated_at: datetime
    made_on_version_id: int | None = None  # the edition it was made on
    review_from: str = ""  # old wording, when placed approximately in a new edition
    author: str = ""  # who made it (a login or database role name; "" when not recorded)
    private: bool = False  # its note is its author's alone (a shared library's private note)

    @property
    def colour(self) -> str | None:
        """The colour of the first tag, or None when the highlight is untagged."""
        return self.tags[0].colour if self.tags else None


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One row of the library list."""

    id: int
    title: str
    author: str
    highlight_count: int
    added_at: datetime
    format: str = "text"
    word_count: int = 0
    date: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """A document opened for reading: its current version's text and reading state."""

    id: int
    title: str
    author: str
    source: str
    version_id: int
    text: str = field(repr=False)
    sha256: str
    reading_position: int
    structure: Structure = field(default_factory=Structure, repr=False)
    format: str = "text"
    date: str = ""


@dataclass(frozen=True, slots=True)
class DocumentProperties:
    """The properties of a document a reader may edit."""

    title: str
    author: str
    date: str
    source: str


@dataclass(frozen=True, slots=True)
class TagResult:
    """The outcome of tagging a highlight.

    Attributes:
        highlight: The highlight as it now is.
        tag: The tag that was applied.
        created: Themes that did not exist before and were made for this path, parents
            first; undo removes them again so that nothing is left behind.
    """

    highlight: Highlight
    tag: Tag
    created: tuple[Tag, ...]


@dataclass(frozen=True, slots=True)
class BackupSummary:
    """A backup of the library: its file, when it was made, and what it holds."""

    path: str
    created: datetime
    documents: int
    highlights: int


@dataclass(frozen=True, slots=True)
class ThemeCount:
    """A theme with how many highlights carry it, alone and with its sub-themes.

    Attributes:
        tag: The theme.
        highlights: Highlights carrying this theme itself.
        with_subthemes: Highlights carrying it or any theme under it (each counted once).
    """

    tag: Tag
    highlights: int
    with_subthemes: int
