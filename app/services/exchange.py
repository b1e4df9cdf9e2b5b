"""Exchange with QDA tools: REFI-QDA projects (.qdpx) and codebooks (.qdc), out and in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from app.domain.anchoring import place_quote
from app.domain.anchors import quote_of
from app.domain.changes import Changes, Done
from app.domain.codebook import CodebookEntry
from app.domain.refi import QdaCode, QdaProject, QdaSelection, QdaSource, write_codebook, write_project
from app.domain.search import fold
from app.domain.tags import TagPathError, parse_tag_path
from app.domain.text import excerpt, plural, sha256_hex, word_count
from app.domain.values import Tag
from app.importers.base import TextImportError
from app.importers.clippings import ForeignBook
from app.importers.clippings import read_highlights as read_foreign
from app.importers.refi import QDC, QDPX, read_codebook, read_project
from app.services.codebook import ensure_path
from app.services.errors import NotFoundError, storage
from app.services.exports import Exports
from app.services.queries import read_highlights
from db.models import DocumentRow, HighlightRow, HighlightTagRow, TagRow, VersionRow, utcnow


@dataclass(frozen=True, slots=True)
class QdaSummary:
    """What an import from a QDA tool brought in, and what it left out (said why)."""

    documents: int
    already: int  # sources whose text was already a document: their highlights went there
    highlights: int
    themes: int
    skipped: tuple[str, ...] = ()

    def describe(self) -> str:
        """One sentence or two for the status bar and the command line."""
        parts = [
            f"{plural(self.documents, 'document')} added",
            *([f"{plural(self.already, 'document')} already in the library"] if self.already else []),
            f"{plural(self.highlights, 'highlight')}",
            f"{plural(self.themes, 'theme')}",
        ]
        text = ", ".join(parts) + "."
        if self.skipped:
            text += f" Left out: {'; '.join(self.skipped[:5])}" + ("; …" if len(self.skipped) > 5 else "") + "."
        return text


def _match(book: ForeignBook, documents: Sequence[tuple[int, str, str]]) -> int | None:
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


def _path(tag: Tag) -> tuple[str, ...]:
    return tuple(tag.path.split("/"))


def _codes_of(tags: Sequence[Tag]) -> list[QdaCode]:
    return [QdaCode(_path(t), t.colour, t.description) for t in tags]


class Exchange(Exports):
    """The REFI-QDA use cases of the library service."""

    @storage
    def qda_project(self, *, document_ids: Sequence[int] | None = None, themes: Sequence[str] = ()) -> QdaProject:
        """Gather a project: the documents (all, or these), their current texts and highlights, every theme.

        Highlights waiting on an older edition (orphans) are not on the text written, and
        are left out (counted in `skipped`).
        """
        sources: list[QdaSource] = []
        skipped: list[str] = []
        h = HighlightRow.__table__.c
        with self._sessions.begin() as s:
            tags = self._all_tags(s)
            wanted = self._theme_ids(tags, themes)  # raises NotFoundError for a theme not there
            order = select(DocumentRow.id, DocumentRow.title).order_by(DocumentRow.added_at, DocumentRow.id)
            titles: dict[int, str] = {row.id: row.title for row in s.execute(order)}
            for document_id in titles if document_ids is None else document_ids:
                if document_id not in titles:
                    raise NotFoundError(f"There is no document {document_id}.")
                version_id = self._current_version_meta(s, document_id)
                highlights = [
                    x
                    for x in read_highlights(s, tags, h.document_id == document_id)
                    if wanted is None or any(t.id in wanted for t in x.tags)
                ]
                if themes and document_ids is None and not highlights:
                    continue  # a set of themes: the documents holding their highlights
                current = [x for x in highlights if x.version_id == version_id]
                title = titles[document_id]
                if len(current) < len(highlights):
                    skipped.append(f"{plural(len(highlights) - len(current), 'orphan')} of “{excerpt(title)}”")
                selections = tuple(
                    QdaSelection(x.start, x.end, x.exact, tuple(_path(t) for t in x.tags), x.note, x.created_at)
                    for x in current
                )
                sources.append(QdaSource(title, self._version_text(s, version_id), selections))
        name = sources[0].name if len(sources) == 1 else "Marginalia library"
        codes = _codes_of(self.tags()) if not themes else []  # with themes: those used (and their parents)
        return QdaProject(name, tuple(codes), tuple(sources), self.operations.author, tuple(skipped))

    def export_qdpx(self, *, document_ids: Sequence[int] | None = None, themes: Sequence[str] = ()) -> bytes:
        """Return a `.qdpx` project of the library (or these documents, or these themes' highlights)."""
        return write_project(self.qda_project(document_ids=document_ids, themes=themes), utcnow())

    def export_qdc(self) -> str:
        """Return the codebook as a `.qdc` file."""
        return write_codebook(_codes_of(self.tags()))

    def import_qda(self, path: Path) -> Done[QdaSummary]:
        """Bring in a `.qdpx` project or a `.qdc` codebook from a QDA tool, as one change.

        Raises:
            TextImportError: If the file cannot be read; nothing is changed.
        """
        suffix = path.suffix.lower()
        if suffix == QDC:
            codes = read_codebook(path)
            before = len(self.tags())
            done = self.codebook.import_entries(
                [CodebookEntry("/".join(c.path), c.colour or None, c.description) for c in codes]
            )
            return Done(QdaSummary(0, 0, 0, len(self.tags()) - before), done.changes, done.label)
        if suffix != QDPX:
            raise TextImportError(path, "a QDA exchange file ends in .qdpx (a project) or .qdc (a codebook)")
        return self._store(read_project(path), path)

    @storage
    def _store(self, project: QdaProject, path: Path) -> Done[QdaSummary]:
        # A project may hold a hundred thousand selections: their rows are written in
        # bulk, with ids given here, instead of one ORM object and flush each.
        skipped = list(project.skipped)
        with self.operations.record(f"Import the QDA project “{excerpt(project.name)}”") as op:
            s = op.session
            themes_before = s.execute(select(func.count()).select_from(TagRow)).scalar_one()
            tag_of: dict[tuple[str, ...], int | None] = {}

            def theme(path: tuple[str, ...]) -> int | None:
                if path not in tag_of:
                    try:
                        tag_of[path] = ensure_path(s, parse_tag_path("/".join(path)))[0]
                    except TagPathError as exc:
                        skipped.append(f"the code “{excerpt('/'.join(path))}” ({exc})")
                        tag_of[path] = None
                return tag_of[path]

            for code in project.codes:
                tag_id = theme(code.path)
                if tag_id is None:
                    continue
                row = s.get_one(TagRow, tag_id)
                if code.colour:
                    row.colour = code.colour
                if code.description and not row.description:
                    row.description = code.description
            added = already = 0
            marks: list[dict[str, object]] = []
            links: list[dict[str, int]] = []
            next_id = self._next_highlight_id(s)
            now = utcnow()
            for source in project.sources:
                digest = sha256_hex(source.text)
                document = s.execute(
                    select(DocumentRow).join(VersionRow).where(VersionRow.sha256 == digest).limit(1)
                ).scalar_one_or_none()
                if document is None:
                    document = DocumentRow(title=source.name, author="", source=str(path), format="qdpx")
                    document.versions.append(
                        VersionRow(number=1, text=source.text, sha256=digest, word_count=word_count(source.text))
                    )
                    s.add(document)
                    s.flush()
                    added += 1
                else:
                    already += 1
                version_id = self._current_version_meta(s, document.id)
                text = self._version_text(s, version_id)
                for selection in source.selections:
                    quote = quote_of(text, selection.start, selection.end)
                    when = selection.created or now
                    marks.append(
                        {
                            "id": next_id,
                            "document_id": document.id,
                            "version_id": version_id,
                            "made_on_version_id": version_id,
                            "start_offset": selection.start,
                            "end_offset": selection.end,
                            "exact": quote.exact,
                            "prefix": quote.prefix,
                            "suffix": quote.suffix,
                            "note": selection.note,
                            "review_from": "",
                            "created_at": when,
                            "updated_at": when,
                        }
                    )
                    tag_ids = list(dict.fromkeys(t for path in selection.codes if (t := theme(path)) is not None))
                    links += [{"highlight_id": next_id, "tag_id": t, "position": i} for i, t in enumerate(tag_ids)]
                    next_id += 1
            if marks:
                s.execute(insert(HighlightRow), marks)
            if links:
                s.execute(insert(HighlightTagRow), links)
            themes = s.execute(select(func.count()).select_from(TagRow)).scalar_one() - themes_before
        return op.done(QdaSummary(added, already, len(marks), themes, tuple(skipped)))

    def import_highlights(
        self, path: Path, *, document_id: int | None = None, fmt: str = "auto", dry_run: bool = False
    ) -> Done[HighlightImport]:
        """Bring in highlights made in another tool, placed on the library's documents, as one change.

        Each book is matched to a document by title and author (or all go to
        `document_id`); each quote is found in the document's current text, verbatim or
        with changed wording; a place already highlighted is not highlighted twice, so
        importing the same file again adds nothing. Quotes found nowhere are reported,
        not stored.

        Raises:
            TextImportError: If the file cannot be read; nothing is changed.
        """
        fmt, books = read_foreign(path, fmt)
        label = f"Import highlights from {path.name}"
        if dry_run:  # read only: no theme is made, nothing is written
            with self._sessions.begin() as s:
                report, _rows, _links = self._placed_highlights(s, books, document_id, make_themes=False)
            return Done(HighlightImport(fmt, tuple(report), 0), Changes(), label)
        with self.operations.record(label) as op:
            s = op.session
            report, rows, links = self._placed_highlights(s, books, document_id, make_themes=True)
            if rows:
                s.execute(insert(HighlightRow), rows)
            if links:
                s.execute(insert(HighlightTagRow), links)
        return op.done(HighlightImport(fmt, tuple(report), len(rows)))

    def _placed_highlights(
        self, s: Session, books: Sequence[ForeignBook], document_id: int | None, *, make_themes: bool
    ) -> tuple[list[BookReport], list[dict[str, object]], list[dict[str, int]]]:
        documents = [
            (row.id, row.title, row.author)
            for row in s.execute(select(DocumentRow.id, DocumentRow.title, DocumentRow.author))
        ]
        if document_id is not None and document_id not in {d[0] for d in documents}:
            raise NotFoundError(f"There is no document {document_id}.")
        next_id = self._next_highlight_id(s)
        tag_of: dict[str, int] = {}
        reports: list[BookReport] = []
        rows: list[dict[str, object]] = []
        links: list[dict[str, int]] = []
        now = utcnow()
        for book in books:
            target = document_id if document_id is not None else _match(book, documents)
            if target is None:
                reports.append(BookReport(book.title, None, found=len(book.highlights)))
                continue
            version_id = self._current_version_meta(s, target)
            text = self._version_text(s, version_id)
            taken = {
                (a, b)
                for a, b in s.execute(
                    select(HighlightRow.start_offset, HighlightRow.end_offset).where(
                        HighlightRow.document_id == target, HighlightRow.version_id == version_id
                    )
                )
            }
            exact = reworded = already = 0
            missing: list[str] = []
            for h in book.highlights:
                span = place_quote(text, h.quote, h.prefix, h.suffix)
                if span is None:
                    missing.append(h.quote)
                    continue
                if span in taken:
                    already += 1
                    continue
                taken.add(span)
                if text[span[0] : span[1]] == h.quote:
                    exact += 1
                else:
                    reworded += 1
                quote = quote_of(text, *span)
                when = h.created or now
                rows.append(
                    {
                        "id": next_id,
                        "document_id": target,
                        "version_id": version_id,
                        "made_on_version_id": version_id,
                        "start_offset": span[0],
                        "end_offset": span[1],
                        "exact": quote.exact,
                        "prefix": quote.prefix,
                        "suffix": quote.suffix,
                        "note": h.note,
                        # Changed wording is kept to review, as after a new edition.
                        "review_from": "" if quote.exact == h.quote else h.quote,
                        "created_at": when,
                        "updated_at": when,
                    }
                )
                for position, tag in enumerate(dict.fromkeys(h.tags) if make_themes else ()):
                    if tag not in tag_of:
                        try:
                            tag_of[tag] = ensure_path(s, parse_tag_path(tag))[0]
                        except TagPathError:
                            continue
                    links.append({"highlight_id": next_id, "tag_id": tag_of[tag], "position": position})
                next_id += 1
            title = next(d[1] for d in documents if d[0] == target)
            reports.append(
                BookReport(book.title, target, title, len(book.highlights), exact, reworded, already, tuple(missing))
            )
        return reports, rows, links

    @staticmethod
    def _next_highlight_id(s: Session) -> int:
        """The id the next highlight takes: above every id used, deleted ones included (AUTOINCREMENT)."""
        used = s.execute(
            text(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'highlights'), 0), "
                "coalesce((SELECT max(id) FROM highlights), 0))"
            )
        ).scalar_one()
        return int(used) + 1


@dataclass(frozen=True, slots=True)
class BookReport:
    """What became of one book's highlights from another tool."""

    title: str
    document_id: int | None  # None: no document of the library is this book
    document_title: str = ""
    found: int = 0
    exact: int = 0
    reworded: int = 0  # placed where the wording differs a little: worth a look
    already: int = 0  # the same place was highlighted already
    not_placed: tuple[str, ...] = ()  # the quotes found nowhere in the text


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
            if b.document_id is None:
                lines.append(f"“{b.title}”: {plural(b.found, 'highlight')}, no document of the library is this book")
                continue
            lines.append(
                f"“{b.title}” → “{b.document_title}”: {plural(b.found, 'highlight')}, {b.exact} placed exactly, "
                f"{b.reworded} with changed wording, {b.already} already there, {len(b.not_placed)} not placed"
            )
        return "\n".join(lines)
