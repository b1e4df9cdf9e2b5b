"""Highlights made in other tools, placed on the library's texts as ordinary highlights or orphans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.anchoring import place_quote
from app.domain.anchors import Quote, quote_of
from app.domain.changes import Changes, Done
from app.domain.search import fold
from app.domain.tags import TagPathError, parse_tag_path
from app.domain.text import normalise, plural
from app.importers.foreign import ForeignBook, ForeignHighlight
from app.importers.highlights import read_highlights as read_foreign
from app.services.base import ServiceBase
from app.services.bulk import highlight_row, next_highlight_id, write_highlights
from app.services.codebook import ensure_path, find_path
from app.services.errors import NotFoundError
from app.services.unplaced import kept_quotes, unplaced_spans
from db.models import DocumentRow, HighlightRow, HighlightTagRow, utcnow

# The theme a highlight's colour becomes unless the reader maps it otherwise.
COLOUR_THEME = "colour/{}"


@dataclass(frozen=True, slots=True)
class BookReport:
    """What became of one book's highlights from another tool."""

    title: str
    document_id: int | None  # None: no document of the library is this book
    document_title: str = ""
    found: int = 0
    exact: int = 0
    reworded: int = 0  # placed where the wording differs a little: worth a look
    already: int = 0  # the same place was highlighted already (or the quote kept as an orphan)
    not_placed: tuple[str, ...] = ()  # quotes found nowhere in the text: orphans, to attach by hand
    updated: int = 0  # already there, given the note or themes the other tool now has
    colours: tuple[str, ...] = ()  # the colours its highlights carry


@dataclass(frozen=True, slots=True)
class HighlightImport:
    """What an import of highlights from another tool found and did."""

    format: str
    books: tuple[BookReport, ...]
    stored: int

    def describe(self) -> str:
        """One line per book, for the command line and the status bar."""
        lines = []
        for b in self.books:
            name = f"“{b.title}”" if b.title else "A book the file does not name"
            if b.document_id is None:
                lines.append(f"{name}: {plural(b.found, 'highlight')}, no document of the library is this book")
                continue
            lines.append(
                f"{name} → “{b.document_title}”: {plural(b.found, 'highlight')}, {b.exact} placed exactly, "
                f"{b.reworded} with changed wording, {b.already} already there"
                + (f" ({b.updated} given a newer note or themes)" if b.updated else "")
                + f", {len(b.not_placed)} not found in the text (orphans, to attach by hand)"
            )
        return "\n".join(lines)


@dataclass
class _Writes:
    """What an import will write, gathered before anything is."""

    rows: list[dict[str, object]] = field(default_factory=list)
    links: list[dict[str, int]] = field(default_factory=list)
    notes: list[dict[str, object]] = field(default_factory=list)


class _Match(Enum):
    MATCH = "match"


# Where a book goes when the reader has not said: the document of its title and author.
MATCH = _Match.MATCH


def _targets(
    books: Sequence[ForeignBook], document_id: int | None, targets: Sequence[int | None] | None
) -> list[int | _Match | None]:
    """Where each book goes: the reader's choice per book, one document for all, or matched by title."""
    if targets is not None:
        if len(targets) != len(books):
            raise NotFoundError(f"{len(targets)} documents were chosen for the {len(books)} books of the file.")
        return list(targets)
    return [MATCH if document_id is None else document_id for _book in books]


def match_document(book: ForeignBook, documents: Sequence[tuple[int, str, str]]) -> int | None:
    """Return the document that is this book, by title (and author when both have one), or None if unsure."""
    wanted = fold(book.title).strip()
    if not wanted:
        return None
    scored = []
    for document_id, title, author in documents:
        have = fold(title).strip()
        score = 100.0 if have == wanted else fuzz.token_set_ratio(have, wanted)
        if book.author and author and fuzz.token_set_ratio(fold(author), fold(book.author)) < 60:
            score -= 30
        scored.append((score, document_id))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < 85 or (len(scored) > 1 and scored[1][0] >= scored[0][0] - 2):
        return None  # no good match, or two alike: the reader names the document
    return scored[0][1]


def _themes_of(h: ForeignHighlight, colours: Mapping[str, str] | None) -> list[str]:
    """The themes a highlight from another tool gets: its tags, and its colour's theme."""
    if not h.colour:
        return list(dict.fromkeys(h.tags))
    colour = COLOUR_THEME.format(h.colour) if colours is None else colours.get(h.colour, "")
    return list(dict.fromkeys([*h.tags, *([colour] if colour else [])]))


class ForeignImports(ServiceBase):
    """Bringing a reader's highlights in from other tools."""

    def import_highlights(
        self,
        path: Path,
        *,
        document_id: int | None = None,
        fmt: str = "auto",
        dry_run: bool = False,
        colours: Mapping[str, str] | None = None,
        targets: Sequence[int | None] | None = None,
    ) -> Done[HighlightImport]:
        """Bring in highlights made in another tool, placed on the library's documents, as one change.

        Each book is matched to a document by title and author (or all go to
        `document_id`, or book i to `targets[i]`, None leaving it out); each quote is
        found in the document's current text, verbatim or with changed wording. A place
        already highlighted is not highlighted twice, so importing the same file again adds
        nothing; a newer export's note fills an empty one and its new tags are added (a
        note written here is never overwritten). Quotes found nowhere become orphans on
        their own words (see app.services.unplaced). Tags become themes, and so do
        colours: each as `colours` maps it ("" for none), or `colour/<name>` without one.

        Raises:
            TextImportError: If the file cannot be read; nothing is changed.
        """
        fmt, books = read_foreign(path, fmt)
        label = f"Import highlights from {path.name}"
        if dry_run:  # read only: no theme is made, nothing is written
            with self._sessions.begin() as s:
                reports = self._place_books(s, books, _targets(books, document_id, targets), colours, None)
            return Done(HighlightImport(fmt, tuple(reports), 0), Changes(), label)
        writes = _Writes()
        with self.operations.record(label) as op:
            s = op.session
            reports = self._place_books(s, books, _targets(books, document_id, targets), colours, writes)
            write_highlights(s, writes.rows, writes.links)
            for change in writes.notes:
                s.execute(update(HighlightRow).where(HighlightRow.id == change["id"]).values(**change))
        return op.done(HighlightImport(fmt, tuple(reports), len(writes.rows)))

    def _place_books(
        self,
        s: Session,
        books: Sequence[ForeignBook],
        targets: Sequence[int | _Match | None],
        colours: Mapping[str, str] | None,
        writes: _Writes | None,
    ) -> list[BookReport]:
        """Place every book's highlights; gather the rows to write into `writes` (None: a dry run)."""
        documents = [
            (row.id, row.title, row.author)
            for row in s.execute(select(DocumentRow.id, DocumentRow.title, DocumentRow.author))
        ]
        for wanted in targets:
            if isinstance(wanted, int) and wanted not in {d[0] for d in documents}:
                raise NotFoundError(f"There is no document {wanted}.")
        placer = _Placer(s, next_highlight_id(s), colours, writes, self.operations.author)
        reports: list[BookReport] = []
        for book, wanted in zip(books, targets, strict=True):
            target = match_document(book, documents) if wanted is MATCH else wanted
            if not isinstance(target, int):
                reports.append(BookReport(book.title, None, found=len(book.highlights)))
                continue
            version_id = self._current_version_meta(s, target)
            title = next(d[1] for d in documents if d[0] == target)
            reports.append(placer.place(book, target, version_id, self._version_text(s, version_id), title))
        return reports


class _Placer:
    """Places the books of one import, numbering the new highlights and making themes as it goes."""

    def __init__(
        self, s: Session, next_id: int, colours: Mapping[str, str] | None, writes: _Writes | None, author: str
    ) -> None:
        self.s = s
        self.author = author  # who is importing: the new highlights are theirs
        self.next_id = next_id
        self.colours = colours
        self.writes = writes
        self.tag_of: dict[str, int | None] = {}
        self.now = utcnow()
        self.pending: dict[int, list[int]] = {}  # themes given to each highlight by this import
        self.noted: set[int] = set()  # highlights already here whose empty note this import fills
        self.links: dict[int, list[tuple[int, int]]] = {}  # the placed document's: theme and position

    def theme(self, path: str) -> int | None:
        """The theme a tag names, made if missing (in a dry run, only found: None if missing)."""
        if path not in self.tag_of:
            try:
                names = parse_tag_path(path)
            except TagPathError:
                self.tag_of[path] = None  # a tag no theme can be made of is left out
            else:
                self.tag_of[path] = (
                    ensure_path(self.s, names)[0] if self.writes is not None else find_path(self.s, names)
                )
        return self.tag_of[path]

    def place(self, book: ForeignBook, target: int, version_id: int, text: str, title: str) -> BookReport:
        h_ = HighlightRow
        existing: dict[tuple[int, int], tuple[int, str] | None] = {
            (row.start_offset, row.end_offset): (row.id, row.note)
            for row in self.s.execute(
                select(h_.id, h_.start_offset, h_.end_offset, h_.note).where(
                    h_.document_id == target, h_.version_id == version_id
                )
            )
        }
        # The themes of the highlights already here, read once: a re-import meets each of them.
        self.links = {}
        for highlight_id, tag_id, position in self.s.execute(
            select(HighlightTagRow.highlight_id, HighlightTagRow.tag_id, HighlightTagRow.position)
            .join(h_, h_.id == HighlightTagRow.highlight_id)
            .where(h_.document_id == target, h_.version_id == version_id)
        ):
            self.links.setdefault(highlight_id, []).append((tag_id, position))
        exact = reworded = already = updated = 0
        kept = kept_quotes(self.s, target)
        missing: list[ForeignHighlight] = []
        stored: list[tuple[tuple[int, int, int, int], Quote, str, ForeignHighlight]] = []
        for h in book.highlights:
            span = place_quote(text, h.quote, h.prefix, h.suffix)
            if span is None:
                if normalise(h.quote).strip() in kept:
                    already += 1  # kept as an orphan by an earlier import
                else:
                    missing.append(h)
                continue
            if span in existing:
                already += 1
                if (here := existing[span]) is not None:  # None: placed by this import
                    updated += self.update(*here, h)
                continue
            existing[span] = None
            if text[span[0] : span[1]] == h.quote:
                exact += 1
            else:
                reworded += 1
            quote = quote_of(text, *span)
            # Changed wording is kept to review, as after a new edition.
            stored.append(((target, version_id, *span), quote, "" if quote.exact == h.quote else h.quote, h))
        if missing and self.writes is not None:
            # Found nowhere in the text: orphans on their own words, to attach by hand.
            edition, spans = unplaced_spans(self.s, target, [h.quote for h in missing], [h.location for h in missing])
            stored += [
                ((target, edition, span[0], span[1]), Quote(span[2], span[3], ""), "", h)
                for h, span in zip(missing, spans, strict=True)
                if span is not None
            ]
        if self.writes is not None:
            for place, quote, review, h in stored:
                self.writes.rows.append(
                    highlight_row(self.next_id, place, quote, h.note, review, (h.created or self.now, self.author))
                )
                self.link(self.next_id, _themes_of(h, self.colours), 0)
                self.next_id += 1
        colours = tuple(dict.fromkeys(h.colour for h in book.highlights if h.colour))
        quotes = tuple(h.quote for h in missing)
        return BookReport(
            book.title, target, title, len(book.highlights), exact, reworded, already, quotes, updated, colours
        )

    def link(self, highlight_id: int, themes: Sequence[str], first: int) -> int:
        """Give a highlight these themes from position `first` on; return how many it got.

        A theme it was given earlier in this import is not given twice (the same quote may
        stand twice in a file, and two tags may name one theme).
        """
        if self.writes is None:
            return len(themes)
        given = self.pending.setdefault(highlight_id, [])
        ids = [t for t in dict.fromkeys(self.theme(path) for path in themes) if t is not None and t not in given]
        self.writes.links += [
            {"highlight_id": highlight_id, "tag_id": t, "position": first + len(given) + i} for i, t in enumerate(ids)
        ]
        given += ids
        return len(ids)

    def update(self, highlight_id: int, note: str, h: ForeignHighlight) -> int:
        """Bring a highlight already here up to a newer export: its note if it has none, themes it lacks."""
        have = self.links.get(highlight_id, [])
        known = {t for t, _p in have} | set(self.pending.get(highlight_id, ()))
        wanted = [p for p in _themes_of(h, self.colours) if (t := self.theme(p)) is None or t not in known]
        if self.writes is not None:  # made by now; a tag no theme can be made of stays out
            wanted = [p for p in wanted if self.theme(p) is not None]
        changed = 0
        if wanted:
            changed = self.link(highlight_id, wanted, max((p for _t, p in have), default=-1) + 1)
        if h.note and not note.strip() and highlight_id not in self.noted:
            changed += 1
            self.noted.add(highlight_id)
            if self.writes is not None:
                self.writes.notes.append({"id": highlight_id, "note": h.note, "updated_at": self.now})
        return int(changed > 0)
