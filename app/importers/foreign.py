"""Highlights made in other tools, as each tool kept them: the books and their highlights.

Each format's reader returns books (a title and an author, as the tool names them) with
their highlights: the quote, its context where the tool kept it, the note, the tags, the
colour, and where the tool said it stood. Placing them on a library document is the
services' work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ForeignHighlight:
    """A highlight as another tool kept it."""

    quote: str
    note: str = ""
    tags: tuple[str, ...] = ()
    location: str = ""  # as the tool said it ("Location 180-182", "page 12")
    prefix: str = ""
    suffix: str = ""
    created: datetime | None = None
    colour: str = ""  # the tool's colour name ("yellow"), lower case; "" for none


@dataclass(frozen=True, slots=True)
class ForeignBook:
    """A book (or web page) and the highlights made in it."""

    title: str
    author: str = ""
    highlights: tuple[ForeignHighlight, ...] = field(default=())
