"""The search query language: what a reader types in the search box, read into a `Query`.

    soviet power          both words, anywhere (case and accents do not matter)
    "all power"           the exact phrase
    land OR peace         either word (OR joins the words beside it)
    -bread                not this word
    sovi*                 words that begin so
    in:notes              look only in notes (or in:text, in:quotes; default: everywhere)
    theme:power/soviets   highlights with the theme or a theme under it
    untagged              highlights without a theme
    doc:decree            documents whose title begins so
    author:lenin          documents whose author has the word
    format:pdf            documents imported from that format
    added:>2026-01-01     added after (>, >=, <, <=, or a day, month or year)

Words are what the index matches; the filters narrow which documents and highlights the
words are looked for in. `added:` is the highlight's creation date for quotes and notes,
and the document's import date for its text.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

WHERE = {"text": "text", "quotes": "quotes", "quote": "quotes", "notes": "notes", "note": "notes"}
FIELDS = ("in", "theme", "doc", "author", "format", "added")
HELP = textwrap.dedent(__doc__.split("\n\n")[1]).strip("\n") if __doc__ else ""

# A token: an optional minus, an optional known field, then a quoted phrase or a run of
# non-space characters.
_TOKEN = re.compile(r'\s*(-?)(?:(\w+):)?("([^"]*)"?|[^\s"]+)')
_DATE = re.compile(r"(>=|<=|>|<|=)?(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


class QueryError(ValueError):
    """A part of a query that cannot be read; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Term:
    """A word or a phrase to look for."""

    text: str
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A read query: the words, where to look, and the filters."""

    groups: tuple[tuple[Term, ...], ...] = ()  # every group must match; in a group, any term
    excluded: tuple[Term, ...] = ()
    where: frozenset[str] = frozenset()  # empty: everywhere
    themes: tuple[str, ...] = ()
    untagged: bool = False
    doc: str = ""
    author: str = ""
    formats: tuple[str, ...] = ()
    added_from: datetime | None = None  # inclusive
    added_before: datetime | None = None  # exclusive
    problems: tuple[str, ...] = field(default=())

    @property
    def has_words(self) -> bool:
        """Whether there are words to match (a query of filters alone lists highlights)."""
        return bool(self.groups)

    @property
    def is_empty(self) -> bool:
        """Whether nothing at all was asked."""
        return self == Query(problems=self.problems)

    def looks_in(self, place: str) -> bool:
        """Return whether the query looks in `place` ("text", "quotes" or "notes")."""
        if place == "text" and (self.themes or self.untagged):
            return False  # themes belong to highlights, not to the text around them
        return not self.where or place in self.where


def fold(text: str) -> str:
    """Return `text` without case or accents, as the filters compare titles and authors."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _dates(value: str) -> tuple[datetime | None, datetime | None]:
    m = _DATE.match(value)
    if m is None:
        raise QueryError(f"“added:{value}” is not a date: write it as 2026-01-31, 2026-01 or 2026, after > or <.")
    op, year, month, day = m.group(1) or "=", int(m.group(2)), m.group(3), m.group(4)
    try:
        first = date(year, int(month or 1), int(day or 1))
    except ValueError as exc:
        raise QueryError(f"“added:{value}” is not a date ({exc}).") from exc
    if day:
        after = first + timedelta(days=1)
    elif month:
        after = date(year + (first.month == 12), first.month % 12 + 1, 1)
    else:
        after = date(year + 1, 1, 1)
    start, end = datetime.combine(first, datetime.min.time()), datetime.combine(after, datetime.min.time())
    return {
        "=": (start, end),
        ">": (end, None),
        ">=": (start, None),
        "<": (None, start),
        "<=": (None, end),
    }[op]


def parse(text: str) -> Query:
    """Read a query; parts that cannot be read are left out and named in `problems`."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    where: set[str] = set()
    themes: list[str] = []
    formats: list[str] = []
    values: dict[str, str] = {"doc": "", "author": ""}
    added: tuple[datetime | None, datetime | None] = (None, None)
    untagged = False
    problems: list[str] = []
    join_next = False
    for m in _TOKEN.finditer(text):
        minus, name, raw, quoted = m.group(1), (m.group(2) or "").lower(), m.group(3), m.group(4)
        value = quoted if quoted is not None else raw
        if name in FIELDS:
            if name == "in":
                if value.lower() not in WHERE:
                    problems.append(f"“in:{value}”: look in text, quotes or notes.")
                else:
                    where.add(WHERE[value.lower()])
            elif name == "theme":
                themes.append(value)
            elif name == "format":
                formats.append(value.lower().lstrip("."))
            elif name == "added":
                try:
                    added = _dates(value)
                except QueryError as exc:
                    problems.append(str(exc))
            else:
                values[name] = fold(value)
            continue
        if name:  # a colon in an ordinary word ("10:30", "re:"): search the whole
            value = f"{name}:{value}"
        if quoted is None and not minus and value == "OR":
            join_next = bool(groups)
            continue
        if quoted is None and not minus and value.lower() == "untagged":
            untagged = True
            continue
        prefix = quoted is None and value.endswith("*")
        words = value.rstrip("*") if prefix else value
        if not _has_word(words):
            continue
        term = Term(words, phrase=quoted is not None, prefix=prefix)
        if minus:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return Query(
        groups=tuple(tuple(g) for g in groups),
        excluded=tuple(excluded),
        where=frozenset(where),
        themes=tuple(themes),
        untagged=untagged,
        doc=values["doc"],
        author=values["author"],
        formats=tuple(formats),
        added_from=added[0],
        added_before=added[1],
        problems=tuple(problems),
    )


# Around a match in a snippet, as `db.search.MARKS` spells them (the domain cannot import it).
OPEN, CLOSE = "\x02", "\x03"


def plain_snippet(snippet: str) -> str:
    """Return a snippet without its match marks."""
    return snippet.replace(OPEN, "").replace(CLOSE, "")


def marked_snippet(snippet: str, before: str = "[", after: str = "]") -> str:
    """Return a snippet with its matches between `before` and `after`."""
    return snippet.replace(OPEN, before).replace(CLOSE, after)


@dataclass(frozen=True, slots=True)
class Hit:
    """One place a query matched: a passage of a text, or a highlight's quote, note or themes.

    `snippet` is the passage around the match with the matched words between the two
    characters of `db.search.MARKS` (the UI shows them marked); `start` and `end` are
    the code points to select when the document opens.
    """

    document_id: int
    title: str
    kind: str  # "text", "quote", "note" or "theme"
    snippet: str
    start: int
    end: int
    highlight_id: int | None = None
    citation: str = ""
    passage: int | None = None  # a text hit's passage in the index


@dataclass(frozen=True, slots=True)
class Results:
    """The hits to show (best first, grouped by document) and how many there are in all."""

    hits: tuple[Hit, ...] = ()
    counts: dict[int, int] = field(default_factory=dict)  # per document, every hit (not only those shown)
    problems: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """Every hit in the library."""
        return sum(self.counts.values())
