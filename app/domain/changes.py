"""What a change did to the library, as data every view reads (GUIDE.md section 2).

A service change returns `Done`: its value, the `Changes` it made and its label. The same
`Changes` arrive for an undo, a redo, and a change another window or the command line made,
so each view has one way to learn what to redraw.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Changes:
    """The ids of what a change touched, by kind.

    Attributes:
        documents: Documents added, removed, or whose properties changed.
        texts: Documents whose editions changed (their text is another one now).
        highlights_added: Highlights that came into being (or back).
        highlights_changed: Highlights whose span, quote, note or themes changed.
        highlights_removed: Highlights that are gone.
        counted: Documents whose number of highlights changed.
        themes: Themes created, changed or removed.
        orphans: Documents whose highlights moved between editions.
    """

    documents: frozenset[int] = frozenset()
    texts: frozenset[int] = frozenset()
    highlights_added: frozenset[int] = frozenset()
    highlights_changed: frozenset[int] = frozenset()
    highlights_removed: frozenset[int] = frozenset()
    counted: frozenset[int] = frozenset()
    themes: frozenset[int] = frozenset()
    orphans: frozenset[int] = frozenset()

    def __or__(self, other: Changes) -> Changes:
        """Return the changes of both."""
        return Changes(**{f.name: getattr(self, f.name) | getattr(other, f.name) for f in fields(self)})

    def __bool__(self) -> bool:
        """Whether anything changed."""
        return any(getattr(self, f.name) for f in fields(self))

    @property
    def highlights(self) -> frozenset[int]:
        """Every highlight touched, whichever way."""
        return self.highlights_added | self.highlights_changed | self.highlights_removed

    def to_json(self) -> str:
        """Return the changes as compact JSON (only the kinds that changed)."""
        return json.dumps({f.name: sorted(v) for f in fields(self) if (v := getattr(self, f.name))})

    @classmethod
    def from_json(cls, data: str) -> Changes:
        """Read changes written by `to_json`."""
        raw = json.loads(data)
        return cls(**{name: frozenset(ids) for name, ids in raw.items()})


@dataclass(frozen=True, slots=True)
class Done(Generic[T]):
    """A change that was saved: what it returns, what it changed, and what to call it."""

    value: T
    changes: Changes
    label: str


@dataclass(frozen=True, slots=True)
class OperationSummary:
    """One change in the library's history.

    Attributes:
        id: Its place in the history (later changes have larger ids).
        label: What it was, as the status bar and the Edit menu say it.
        at: When it was made (UTC).
        author: Who made it.
        document_id: The document it was made in, if one.
        document_title: That document's title, or "" when it is gone.
        undone: Whether it has been undone (and can be redone).
        size: The bytes its rows take in the history, compressed: what undoing or redoing
            it will have to write (an import of 100,000 highlights keeps about 5 MB).
    """

    id: int
    label: str
    at: datetime
    author: str
    document_id: int | None
    document_title: str
    undone: bool
    size: int = 0
