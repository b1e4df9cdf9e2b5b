"""Exchange with QDA tools: REFI-QDA projects (.qdpx) and codebooks (.qdc), out and in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from app.domain.anchors import Quote, quote_of
from app.domain.changes import Done
from app.domain.codebook import CodebookEntry
from app.domain.progress import Progress
from app.domain.refi import QdaCode, QdaProject, QdaSelection, QdaSource, write_codebook, write_project
from app.domain.tags import TagPathError, parse_tag_path
from app.domain.text import excerpt, plural, sha256_hex, word_count
from app.domain.values import Tag
from app.importers.base import TextImportError
from app.importers.refi import QDC, QDPX, read_codebook, read_project
from app.services.bulk import highlight_row, next_highlight_id, write_highlights
from app.services.codebook import ensure_path
from app.services.errors import NotFoundError, storage
from app.services.exports import Exports
from app.services.queries import collection_paused, read_highlights
from app.services.unplaced import unplaced_spans
from db.models import DocumentRow, HighlightRow, TagRow, VersionRow, utcnow


@dataclass(frozen=True, slots=True)
class QdaSummary:
    """What an import from a QDA tool brought in, and what it left out (said why)."""

    documents: int
    already: int  # sources whose text was already a document: their highlights went there
    highlights: int
    themes: int
    skipped: tuple[str, ...] = ()
    orphans: int = 0  # selections found nowhere in their text, kept with their words to attach by hand

    def describe(self) -> str:
        """One sentence or two for the status bar and the command line."""
        parts = [
            f"{plural(self.documents, 'document')} added",
            *([f"{plural(self.already, 'document')} already in the library"] if self.already else []),
            f"{plural(self.highlights, 'highlight')}",
            *(
                [f"{plural(self.orphans, 'orphan')} (selections that do not fit their text: attach them by hand)"]
                if self.orphans
                else []
            ),
            f"{plural(self.themes, 'theme')}",
        ]
        text = ", ".join(parts) + "."
        if self.skipped:
            text += f" Left out: {'; '.join(self.skipped[:5])}" + ("; …" if len(self.skipped) > 5 else "") + "."
        return text


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
                    QdaSelection(
                        x.start, x.end, x.exact, tuple(_path(t) for t in x.tags), x.note, x.created_at, x.author
                    )
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

    @staticmethod
    def read_qda(path: Path, progress: Progress | None = None) -> QdaProject | list[QdaCode]:
        """Read a `.qdpx` project or a `.qdc` codebook, touching nothing (it may run off the UI thread).

        Args:
            path: The file.
            progress: Told (sources read, sources) before each source of a project; it may
                raise `Cancelled`.

        Raises:
            TextImportError: If the file cannot be read.
        """
        suffix = path.suffix.lower()
        if suffix == QDC:
            return read_codebook(path)
        if suffix != QDPX:
            raise TextImportError(path, "a QDA exchange file ends in .qdpx (a project) or .qdc (a codebook)")
        # A project of 100,000 selections makes about a million objects, none in a cycle:
        # the collector's full walks over them were a quarter of the import.
        with collection_paused():
            return read_project(path, progress)

    def import_qda(self, path: Path) -> Done[QdaSummary]:
        """Bring in a `.qdpx` project or a `.qdc` codebook from a QDA tool, as one change.

        Raises:
            TextImportError: If the file cannot be read; nothing is changed.
        """
        return self.store_qda(self.read_qda(path), path)

    def store_qda(self, read: QdaProject | list[QdaCode], path: Path) -> Done[QdaSummary]:
        """Store what `read_qda` read from `path`, as one change."""
        if isinstance(read, QdaProject):
            with collection_paused():
                return self._store(read, path)
        before = len(self.tags())
        done = self.codebook.import_entries(
            [CodebookEntry("/".join(c.path), c.colour or None, c.description) for c in read]
        )
        return Done(QdaSummary(0, 0, 0, len(self.tags()) - before), done.changes, done.label)

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
            added = already = orphans = 0
            marks: list[dict[str, object]] = []
            links: list[dict[str, int]] = []
            next_id = next_highlight_id(s)
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
                placed = [((version_id, x.start, x.end), quote_of(text, x.start, x.end), x) for x in source.selections]
                if source.unplaced:
                    # Found nowhere in the text: orphans on their own words, to attach by hand.
                    kept, spans = unplaced_spans(s, document.id, [x.text for x in source.unplaced])
                    placed += [
                        ((kept, span[0], span[1]), Quote(span[2], span[3], ""), x)
                        for x, span in zip(source.unplaced, spans, strict=True)
                        if span is not None
                    ]
                    orphans += sum(span is not None for span in spans)
                for (version, start, end), quote, selection in placed:
                    where = (document.id, version, start, end)
                    marks.append(
                        highlight_row(
                            next_id,
                            where,
                            quote,
                            selection.note,
                            "",
                            # Who coded it, as the file says (QDA tools name their coders); else who imports it.
                            (selection.created or now, selection.user or self.operations.author),
                        )
                    )
                    tag_ids = list(dict.fromkeys(t for path in selection.codes if (t := theme(path)) is not None))
                    links += [{"highlight_id": next_id, "tag_id": t, "position": i} for i, t in enumerate(tag_ids)]
                    next_id += 1
            write_highlights(s, marks, links)
            themes = s.execute(select(func.count()).select_from(TagRow)).scalar_one() - themes_before
        return op.done(QdaSummary(added, already, len(marks) - orphans, themes, tuple(skipped), orphans))
